import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { jsonColumn } from '../db/raw-rows.js';
import type { WebhookSecret } from '../db/schema/webhooks.js';
import { ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { guardedFetch } from '../tools/guarded-fetch.js';
import { assertDeliverableUrl } from './endpoint-url-guard.js';
import { nextAttemptDelay, parseRetryAfter } from './retry-schedule.js';
import { signedHeaders } from './webhook-signer.js';

interface ClaimedDelivery {
  id: string;
  endpointId: string;
  messageId: string;
  payload: unknown;
  attempts: number;
  url: string;
  secrets: WebhookSecret[];
}

type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'gone'; status: 410 }
  | { kind: 'failed'; status: number | null; error: string; retryAfterMs?: number };

const BATCH = 20;

/**
 * Sends the outbox. Each tick claims due deliveries with a lease (`FOR UPDATE SKIP LOCKED`, so replicas
 * share the work), at most the oldest pending one per (endpoint, conversation): a conversation's events
 * arrive in order, and one slow conversation holds up only itself. A sender that dies mid-request
 * leaves its lease to lapse, and the delivery goes out again (at least once; receivers deduplicate on
 * webhook-id). Failures retry on the schedule with jitter, never sooner than Retry-After; 410 Gone, or
 * too many failures in a row, disable the endpoint.
 */
export class WebhookSender {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Map<string, AbortController>();
  /** Connects only to addresses the outbound rule allows, checked as the connection resolves them. */
  private readonly fetch: typeof fetch;

  constructor(
    private readonly database: Pick<Database, 'query'>,
    private readonly config: Config['webhooks'],
    private readonly logger: Logger,
  ) {
    this.fetch = guardedFetch(config.allowedHosts, { setting: 'WEBHOOK_ALLOWED_HOSTS' });
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.config.pollMs).unref();
    this.wake();
  }

  /** Stops sending; requests in flight are abandoned and their deliveries released for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const ids = [...this.inFlight.keys()];
    for (const c of this.inFlight.values()) c.abort();
    await this.running?.catch(() => {});
    if (ids.length)
      await this.database
        .query('update webhook_deliveries set locked_until = null where id = any($1::uuid[])', [`{${ids.join(',')}}`])
        .catch(() => {});
  }

  /** Looks for due deliveries now (after an enqueue, or on the poll). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => this.logger.error({ err }, 'webhook delivery tick failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const claimed = await this.claim();
      await Promise.all(claimed.map((d) => this.deliver(d)));
      if (claimed.length < BATCH) return;
    }
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    const rows = await this.database.query<Record<string, unknown>>(
      `with due as (
        select d.id from webhook_deliveries d
        join webhook_endpoints ep on ep.id = d.endpoint_id and ep.enabled
        where d.status = 'PENDING' and d.next_attempt_at <= now()
          and (d.locked_until is null or d.locked_until < now())
          and not exists (
            select 1 from webhook_deliveries o
            where o.endpoint_id = d.endpoint_id and o.conversation_id = d.conversation_id
              and o.status = 'PENDING' and o.event_id < d.event_id)
        order by d.next_attempt_at, d.event_id
        limit ${BATCH}
        for update of d skip locked)
      update webhook_deliveries d
      set locked_until = now() + ($1::int * interval '1 millisecond'), attempts = d.attempts + 1, last_attempt_at = now()
      from due, webhook_endpoints ep
      where d.id = due.id and ep.id = d.endpoint_id
      returning d.id, d.endpoint_id, d.message_id, d.payload, d.attempts, ep.url, ep.secrets`,
      [this.config.leaseMs],
    );
    return rows.map((r) => ({
      id: r.id as string,
      endpointId: r.endpoint_id as string,
      messageId: r.message_id as string,
      payload: jsonColumn(r.payload),
      attempts: Number(r.attempts),
      url: r.url as string,
      secrets: jsonColumn<WebhookSecret[]>(r.secrets),
    }));
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const outcome = await this.send(d);
    if (this.stopped && outcome.kind === 'failed' && outcome.error === 'aborted') return;
    await this.record(d, outcome).catch((err) =>
      this.logger.error({ err, deliveryId: d.id }, 'webhook delivery outcome could not be recorded'),
    );
  }

  private async send(d: ClaimedDelivery): Promise<Outcome> {
    const controller = new AbortController();
    this.inFlight.set(d.id, controller);
    const timeout = setTimeout(() => controller.abort(), this.config.timeoutMs);
    try {
      // Again at send time: a name that resolved to a public address at registration may not now.
      const url = await assertDeliverableUrl(d.url, this.config.allowedHosts, 'url');
      const body = JSON.stringify(d.payload);
      const res = await this.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Baton-Webhooks/1',
          ...signedHeaders(d.secrets, d.messageId, body, new Date()),
        },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { kind: 'delivered', status: res.status };
      if (res.status === 410) return { kind: 'gone', status: 410 };
      return {
        kind: 'failed',
        status: res.status,
        error: `HTTP ${res.status}`,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
      };
    } catch (err) {
      const error = controller.signal.aborted
        ? this.stopped
          ? 'aborted'
          : `no answer within ${this.config.timeoutMs} ms`
        : (refusal(err) ?? (err as Error).message);
      return { kind: 'failed', status: null, error };
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(d.id);
    }
  }

  private async record(d: ClaimedDelivery, outcome: Outcome): Promise<void> {
    if (outcome.kind === 'delivered') {
      await this.database.query(
        `with d as (update webhook_deliveries set status = 'DELIVERED', delivered_at = now(), locked_until = null,
            last_status_code = $2::int, last_error = null where id = $1::uuid returning endpoint_id)
        update webhook_endpoints set consecutive_failures = 0 from d where webhook_endpoints.id = d.endpoint_id`,
        [d.id, outcome.status],
      );
      return;
    }
    if (outcome.kind === 'gone') {
      await this.database.query(
        `with d as (update webhook_deliveries set status = 'FAILED', locked_until = null, last_status_code = 410,
            last_error = 'the receiver answered 410 Gone' where id = $1::uuid returning endpoint_id)
        update webhook_endpoints set enabled = false, disabled_reason = 'the receiver answered 410 Gone', updated_at = now()
        from d where webhook_endpoints.id = d.endpoint_id`,
        [d.id],
      );
      this.logger.warn({ endpointId: d.endpointId }, 'webhook endpoint disabled: 410 Gone');
      return;
    }
    const delay = nextAttemptDelay({
      attempts: d.attempts,
      scheduleMs: this.config.retryScheduleMs,
      jitter: this.config.retryJitter,
      retryAfterMs: outcome.retryAfterMs,
    });
    const rows = await this.database.query<{ failures: number; enabled: boolean }>(
      `with d as (update webhook_deliveries set
            status = case when $2::int is null then 'FAILED' else 'PENDING' end,
            next_attempt_at = case when $2::int is null then next_attempt_at else now() + ($2::int * interval '1 millisecond') end,
            locked_until = null, last_status_code = $3::int, last_error = $4::text
          where id = $1::uuid returning endpoint_id)
      update webhook_endpoints set consecutive_failures = consecutive_failures + 1,
        enabled = enabled and consecutive_failures + 1 < $5::int,
        disabled_reason = case when enabled and consecutive_failures + 1 >= $5::int
          then $5::int || ' failed attempts in a row' else disabled_reason end,
        updated_at = now()
      from d where webhook_endpoints.id = d.endpoint_id
      returning consecutive_failures as failures, enabled`,
      [d.id, delay, outcome.status, outcome.error, this.config.maxConsecutiveFailures],
    );
    if (rows[0] && !rows[0].enabled)
      this.logger.warn({ endpointId: d.endpointId, failures: rows[0].failures }, 'webhook endpoint disabled');
  }
}

/** The outbound rule's refusal, when the connection's own lookup refused the address it resolved. */
function refusal(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof ValidationError) return e.message;
  return undefined;
}
