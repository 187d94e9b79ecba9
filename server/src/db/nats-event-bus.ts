import type { ConsumerMessages, JetStreamClient, NatsConnection } from 'nats';
import type { BatonEvent } from '../domain/events.js';
import {
  type ChangeListener,
  type ChangeTopic,
  changeTopics,
  deliver,
  type EventBus,
  type EventListener,
  Listeners,
} from './event-bus.js';

export interface NatsBusOptions {
  /** `nats://host:port` (several: comma-separated). */
  url: string;
  /** Names the JetStream stream and prefixes the subjects: one per deployment. */
  deployment: string;
  /** How long the stream keeps events; replay beyond it comes from the database. */
  maxAgeMs?: number;
  onError: (err: unknown) => void;
}

const ORIGIN = 'Baton-Origin';
const RETRY_MAX_MS = 2_000;

/**
 * NATS JetStream: one stream per deployment, a subject per conversation
 * (`<deployment>.events.<conversationId>`). Each replica follows the stream from where it joined with
 * an ordered consumer, which resumes at the last stream sequence it saw after a reconnect or a server
 * restart, and delivers the other replicas' events from the message itself: no database read.
 * Publishing is retried until JetStream acknowledges it, with the batch's ids as the message id, so
 * the stream's duplicate window drops a retry that had in fact arrived. Transient events and change
 * notices go over core NATS subjects (nothing to keep). Replays from a cursor read the database.
 */
export class NatsEventBus implements EventBus {
  readonly kind = 'nats' as const;
  private readonly listeners = new Listeners();
  private readonly origin = crypto.randomUUID();
  private readonly subjects: { events: string; transient: string; changes: string };
  private js!: JetStreamClient;
  private messages?: ConsumerMessages;
  /** Batches waiting for JetStream's acknowledgement, in publish order. */
  private outbox: { subject: string; body: Uint8Array; msgId: string }[] = [];
  private flushing = false;
  private retryMs = 0;
  private closed = false;

  private constructor(
    /** The client library, loaded by `start`: only a replica on this bus loads it. */
    private readonly nats: typeof import('nats'),
    private readonly nc: NatsConnection,
    private readonly options: NatsBusOptions,
  ) {
    const prefix = options.deployment;
    this.subjects = { events: `${prefix}.events`, transient: `${prefix}.transient`, changes: `${prefix}.changes` };
  }

  static async start(options: NatsBusOptions): Promise<NatsEventBus> {
    if (!/^[A-Za-z0-9_-]+$/.test(options.deployment))
      throw new Error(`NATS deployment name "${options.deployment}" may hold only letters, digits, - and _`);
    const nats = await import('nats');
    const nc = await nats.connect({
      servers: options.url.split(',').map((s) => s.trim()),
      name: 'baton',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    const bus = new NatsEventBus(nats, nc, options);
    try {
      await bus.setUp();
    } catch (err) {
      await nc.close();
      throw err;
    }
    return bus;
  }

  private async setUp(): Promise<void> {
    const stream = `BATON_${this.options.deployment}`;
    const jsm = await this.nc.jetstreamManager();
    const config = {
      name: stream,
      subjects: [`${this.subjects.events}.>`],
      storage: this.nats.StorageType.File,
      max_age: this.nats.nanos(this.options.maxAgeMs ?? 24 * 3_600_000),
      duplicate_window: this.nats.nanos(120_000),
    };
    try {
      await jsm.streams.info(stream);
      await jsm.streams.update(stream, config);
    } catch {
      await jsm.streams.add(config);
    }
    this.js = this.nc.jetstream();
    const consumer = await this.js.consumers.get(stream, { deliver_policy: this.nats.DeliverPolicy.New });
    this.messages = await consumer.consume();
    void this.follow(this.messages);
    this.nc.subscribe(`${this.subjects.transient}.>`, {
      callback: (err, msg) => {
        if (err || msg.headers?.get(ORIGIN) === this.origin) return;
        const event = msg.json<BatonEvent>();
        this.listeners.dispatch({ ...event, createdAt: new Date(event.createdAt) });
      },
    });
    this.nc.subscribe(this.subjects.changes, {
      callback: (err, msg) => {
        if (err) return;
        const { origin, topic } = msg.json<{ origin: string; topic: ChangeTopic }>();
        if (origin !== this.origin && changeTopics.includes(topic)) deliver(this.listeners.changes, topic);
      },
    });
  }

  private async follow(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (msg.headers?.get(ORIGIN) === this.origin) continue;
        for (const event of msg.json<BatonEvent[]>())
          this.listeners.dispatch({ ...event, createdAt: new Date(event.createdAt) });
      }
    } catch (err) {
      if (!this.closed) this.options.onError(err);
    }
  }

  publish(events: readonly BatonEvent[]): void {
    const stored: BatonEvent[] = [];
    for (const event of events) {
      this.listeners.dispatch(event);
      if (event.id !== null) stored.push(event);
      else if (!this.closed) {
        const h = this.nats.headers();
        h.set(ORIGIN, this.origin);
        this.nc.publish(`${this.subjects.transient}.${event.conversationId}`, JSON.stringify(event), { headers: h });
      }
    }
    if (!stored.length || this.closed) return;
    const byConversation = new Map<string, BatonEvent[]>();
    for (const e of stored) byConversation.set(e.conversationId, [...(byConversation.get(e.conversationId) ?? []), e]);
    for (const [conversationId, batch] of byConversation)
      this.outbox.push({
        subject: `${this.subjects.events}.${conversationId}`,
        body: new TextEncoder().encode(JSON.stringify(batch)),
        msgId: `${batch[0]!.id}-${batch.at(-1)!.id}`,
      });
    void this.flush();
  }

  /** Sends the outbox in order; a failure is retried (with backoff) from the batch that failed. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outbox.length && !this.closed) {
        const next = this.outbox[0]!;
        const h = this.nats.headers();
        h.set(ORIGIN, this.origin);
        try {
          await this.js.publish(next.subject, next.body, { msgID: next.msgId, headers: h });
          this.outbox.shift();
          this.retryMs = 0;
        } catch (err) {
          this.options.onError(err);
          this.retryMs = Math.min(this.retryMs * 2 || 50, RETRY_MAX_MS);
          await new Promise((r) => setTimeout(r, this.retryMs));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  subscribe(listener: EventListener, conversationId?: string): () => void {
    return this.listeners.subscribe(listener, conversationId);
  }

  announce(topic: ChangeTopic): void {
    deliver(this.listeners.changes, topic);
    if (!this.closed) this.nc.publish(this.subjects.changes, JSON.stringify({ origin: this.origin, topic }));
  }

  onChange(listener: ChangeListener): () => void {
    return this.listeners.onChange(listener);
  }

  /** Sends what is still waiting (for a moment), then disconnects. */
  async close(): Promise<void> {
    const deadline = Date.now() + 2_000;
    while ((this.outbox.length || this.flushing) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    this.closed = true;
    await this.messages?.close().catch(() => {});
    await this.nc.drain().catch(() => {});
    this.listeners.clear();
  }
}
