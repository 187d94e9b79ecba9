import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { EventBus } from '../db/event-bus.js';
import { rawToEvent } from '../db/event-store.js';
import { SqlParams } from '../db/raw-rows.js';
import { webhookEndpoints } from '../db/schema/webhooks.js';
import type { BatonEvent } from '../domain/events.js';
import type { Logger } from '../logger.js';
import { redactJson } from '../privacy/redact.js';
import { webhookEventTypes } from './webhook-endpoints.js';

/**
 * The body an endpoint receives for one event (Standard Webhooks' `type`, `timestamp`, `data`): the
 * event's data redacted as the integrator feed's is, unless the endpoint is granted full data.
 */
export function webhookPayload(e: BatonEvent, fullEventData: boolean): Record<string, unknown> {
  return {
    type: e.type,
    timestamp: e.createdAt.toISOString(),
    data: {
      eventId: String(e.id),
      conversationId: e.conversationId,
      runId: e.runId ?? null,
      taskId: e.taskId ?? null,
      agentName: e.agentName ?? null,
      data: fullEventData ? e.data : redactJson(e.data),
    },
  };
}

/** The webhook-id of an event's message: the same for every attempt and every "send again". */
export const webhookMessageId = (e: BatonEvent) => `evt_${e.id}`;

interface KnownEndpoint {
  id: string;
  types: ReadonlySet<string>;
  fullEventData: boolean;
  createdAt: Date;
}

const CATCH_UP_PAGE = 500;

/**
 * Feeds the outbox: one webhook_deliveries row per (endpoint, matching event), written before anything
 * is sent. Events arrive from the bus, and a catch-up scan per endpoint covers what no live process saw
 * (a crash between an event's commit and its enqueue, an endpoint registered on another replica). The
 * scan starts at the endpoint's `scanned_until`, which advances while this process follows the bus; a
 * unique (endpoint, event) key makes every enqueue idempotent, so no global event order is assumed.
 *
 * The sender sends a conversation's oldest pending row first, so a row must never be written before an
 * older one of its conversation. Every write (a batch from the bus, a catch-up) therefore runs one at a
 * time in this process, and an endpoint takes bus events only once its catch-up has written what came
 * before: batches on separate connections could commit out of order, and a catch-up that lagged the
 * bus would let the sender send a newer event first.
 */
export class WebhookOutbox {
  private endpoints: KnownEndpoint[] = [];
  /** Endpoints whose catch-up has run: bus events are written for these only. */
  private readonly known = new Set<string>();
  private pending: BatonEvent[] = [];
  private flushQueued = false;
  private refreshQueued?: Promise<void>;
  /** The tail of this process' writes, which run one after another. */
  private writes: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly database: Pick<Database, 'db' | 'query'>,
    private readonly bus: EventBus,
    private readonly options: {
      /** How often endpoints are reloaded and scan positions advance. */
      refreshMs: number;
      /** How far back a catch-up scan starts before `scanned_until` (transactions in flight). */
      lookbackMs?: number;
      logger: Logger;
      /** Called after rows were enqueued: the sender wakes up. */
      onEnqueued: () => void;
    },
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.bus.subscribe((e) => {
      if (e.id === null || !this.endpoints.length) return;
      this.pending.push(e);
      if (this.flushQueued) return;
      this.flushQueued = true;
      setImmediate(() => void this.serially(() => this.flush()));
    });
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs).unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    if (this.flushQueued) await new Promise<void>((resolve) => setImmediate(resolve));
    await this.writes;
  }

  /** Runs `write` after every write queued before it. */
  private serially(write: () => Promise<void>): Promise<void> {
    const done = this.writes.then(write);
    this.writes = done.catch(() => {});
    return done;
  }

  /**
   * Reloads endpoints (another replica, or an admin, may have changed them); catches new ones up.
   * Calls while one waits for its turn share it.
   */
  refresh(): Promise<void> {
    this.refreshQueued ??= this.serially(() => {
      this.refreshQueued = undefined;
      return this.reload();
    });
    return this.refreshQueued;
  }

  private async reload(): Promise<void> {
    try {
      const rows = await this.database.db
        .select({
          id: webhookEndpoints.id,
          eventTypes: webhookEndpoints.eventTypes,
          fullEventData: webhookEndpoints.fullEventData,
          createdAt: webhookEndpoints.createdAt,
        })
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.enabled, true));
      this.endpoints = rows.map((r) => ({
        id: r.id,
        types: new Set(r.eventTypes.length ? r.eventTypes : webhookEventTypes),
        fullEventData: r.fullEventData,
        createdAt: r.createdAt,
      }));
      for (const endpoint of this.endpoints) {
        if (this.known.has(endpoint.id)) continue;
        await this.catchUp(endpoint);
        this.known.add(endpoint.id);
      }
      // Everything older than the look-back was seen live by this process (it follows the bus).
      const known = this.endpoints.filter((e) => this.known.has(e.id)).map((e) => e.id);
      if (known.length)
        await this.database.db
          .update(webhookEndpoints)
          .set({
            scannedUntil: sql`greatest(${webhookEndpoints.scannedUntil}, now() - (${this.lookbackMs} * interval '1 millisecond'))`,
          })
          .where(inArray(webhookEndpoints.id, known));
    } catch (err) {
      this.options.logger.warn({ err }, 'webhook endpoints could not be refreshed');
    }
  }

  private get lookbackMs(): number {
    return this.options.lookbackMs ?? 60_000;
  }

  /** Enqueues every matching event since the endpoint's scan position that has no delivery yet. */
  private async catchUp(endpoint: KnownEndpoint): Promise<void> {
    for (;;) {
      const rows = await this.database.query(
        `select e.id, e.conversation_id, e.run_id, e.task_id, e.agent_name, e.type, e.data, e.created_at
        from events e, webhook_endpoints ep
        where ep.id = $1::uuid and e.created_at >= ep.created_at
          and e.created_at > ep.scanned_until - ($2::int * interval '1 millisecond')
          and e.type = any($3::text[])
          and not exists (select 1 from webhook_deliveries d where d.endpoint_id = ep.id and d.event_id = e.id)
        order by e.id limit ${CATCH_UP_PAGE}`,
        [endpoint.id, this.lookbackMs, `{${[...endpoint.types].join(',')}}`],
      );
      const events = rows.map(rawToEvent);
      if (events.length) await this.insert(events, [endpoint]);
      if (events.length < CATCH_UP_PAGE) return;
    }
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushQueued = false;
    try {
      await this.insert(
        batch,
        this.endpoints.filter((e) => this.known.has(e.id)),
      );
    } catch (err) {
      // The catch-up scan after a restart enqueues what this write lost.
      this.options.logger.error({ err }, 'webhook deliveries could not be enqueued');
    }
  }

  private async insert(events: readonly BatonEvent[], endpoints: readonly KnownEndpoint[]): Promise<void> {
    const rows = endpoints.flatMap((ep) =>
      events
        .filter((e) => ep.types.has(e.type) && e.createdAt >= ep.createdAt)
        .map((e) => ({
          endpoint_id: ep.id,
          event_id: e.id,
          conversation_id: e.conversationId,
          event_type: e.type,
          message_id: webhookMessageId(e),
          payload: webhookPayload(e, ep.fullEventData),
        })),
    );
    if (!rows.length) return;
    const p = new SqlParams();
    await this.database.query(
      `insert into webhook_deliveries (endpoint_id, event_id, conversation_id, event_type, message_id, payload)
      select x.endpoint_id, x.event_id, x.conversation_id, x.event_type, x.message_id, x.payload
      from jsonb_to_recordset(${p.add(JSON.stringify(rows), 'text')}::jsonb)
        as x(endpoint_id uuid, event_id bigint, conversation_id uuid, event_type text, message_id text, payload jsonb)
      on conflict (endpoint_id, event_id) do nothing`,
      p.values,
    );
    this.options.onEnqueued();
  }
}
