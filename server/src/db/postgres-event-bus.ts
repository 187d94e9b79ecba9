import type { BatonEvent } from '../domain/events.js';
import type { Database } from './client.js';
import {
  type ChangeListener,
  type ChangeTopic,
  changeTopics,
  deliver,
  type EventBus,
  type EventListener,
  Listeners,
} from './event-bus.js';
import type { EventStore } from './event-store.js';
import { OutboxTail } from './outbox-tail.js';

const CHANNEL = 'baton_events';
const CHANGES = 'baton_changes';
/** NOTIFY payloads must stay under 8000 bytes; bigger transient events reach this replica's subscribers only. */
const MAX_PAYLOAD = 7_500;
/** Ids named in one wake-up at most; past that the others are found by the reads anyway. */
const MAX_IDS = 400;
/** Stored events delivered here lately, remembered so that the other path does not deliver them again. */
const REMEMBERED_IDS = 20_000;

/** How often a replica says it is listening; a replica not heard for PEERS_EXPIRE_MS gets no wake-ups. */
const PRESENCE_MS = 1_000;
const PEERS_EXPIRE_MS = 3_500;

type Notice = { origin: string; ids?: number[]; transient?: BatonEvent };
/** On the changes channel: a change topic, or a replica saying it listens (`present`). */
type ChangeNotice = { origin: string; topic?: ChangeTopic; present?: true };

/**
 * Replicas sharing one PostgreSQL database. A NOTIFY is a wake-up sent after the write has committed
 * (never inside it: NOTIFY takes PostgreSQL's notify-queue lock at commit), coalesced while one is in
 * flight. Woken, a replica reads the event log in commit order from where it was (OutboxTail) and
 * delivers what it reads. Transient events (MESSAGE_DELTA) travel in the NOTIFY itself.
 *
 * Wake-ups are sent only while another replica listens: each says so every PRESENCE_MS on the
 * changes channel. A replica that hears a new one (starting, or back after a dropped connection)
 * answers with its own presence and a wake-up with no ids, sent after it has begun waking the newcomer,
 * so the newcomer's read finds whatever was written before it was known. A lone replica sends no
 * NOTIFY per write.
 */
export class PostgresEventBus implements EventBus {
  readonly kind = 'postgres' as const;
  private readonly listeners = new Listeners();
  /** Tells this replica's own NOTIFYs apart when they come back. */
  private readonly origin = crypto.randomUUID();
  private readonly tail: OutboxTail;
  private unlisten: (() => Promise<void>)[] = [];
  private closed = false;
  /** Ids published since the last wake-up was sent. */
  private unsent: number[] = [];
  private sending = false;
  /**
   * A stored event reaches this replica's listeners twice over: published here after its commit, and
   * read from the log by the tail (woken by another replica, or by its safety-net poll). Whichever
   * comes first delivers it; the id is remembered so that the other is dropped.
   */
  private readonly delivered = new Set<number>();
  /** Other replicas heard lately: origin → when (ms). */
  private readonly peers = new Map<string, number>();
  private presence?: NodeJS.Timeout;

  private constructor(
    private readonly database: Database,
    store: EventStore,
    private readonly onError: (err: unknown) => void,
  ) {
    this.tail = new OutboxTail(
      store,
      (e) => this.deliverOnce(e),
      onError,
      (id) => this.delivered.has(id),
    );
  }

  /** `onError` hears about reads and notices that failed (the app logs them). */
  static async start(
    database: Database,
    store: EventStore,
    onError: (err: unknown) => void,
  ): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(database, store, onError);
    await bus.tail.start();
    bus.unlisten.push(
      await database.listen(
        CHANNEL,
        (payload) => bus.onNotice(payload),
        // After a dropped connection, read whatever was missed meanwhile.
        () => bus.tail.poke(),
      ),
      await database.listen(
        CHANGES,
        (payload) => bus.onChangeNotice(payload),
        // The others may have given up on this replica meanwhile: say it listens again.
        () => bus.sayPresent(),
      ),
    );
    bus.sayPresent();
    bus.presence = setInterval(() => bus.sayPresent(), PRESENCE_MS).unref();
    return bus;
  }

  publish(events: readonly BatonEvent[]): void {
    const heard = this.othersListen();
    for (const event of events) {
      this.deliverOnce(event);
      if (!heard) continue;
      if (event.id === null) {
        const payload = JSON.stringify({ origin: this.origin, transient: event } satisfies Notice);
        if (payload.length <= MAX_PAYLOAD) this.notify(CHANNEL, payload);
      } else this.unsent.push(event.id);
    }
    this.sendWakeUp();
  }

  subscribe(listener: EventListener, conversationId?: string): () => void {
    return this.listeners.subscribe(listener, conversationId);
  }

  announce(topic: ChangeTopic): void {
    deliver(this.listeners.changes, topic);
    // Always sent (changes are rare): a replica starting meanwhile must not keep a stale cache.
    this.notify(CHANGES, JSON.stringify({ origin: this.origin, topic } satisfies ChangeNotice));
  }

  onChange(listener: ChangeListener): () => void {
    return this.listeners.onChange(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.presence);
    await Promise.all(this.unlisten.map((u) => u().catch(() => {})));
    await this.tail.close();
    this.listeners.clear();
  }

  private deliverOnce(event: BatonEvent): void {
    if (event.id !== null) {
      if (this.delivered.has(event.id)) return;
      this.delivered.add(event.id);
      // A Set iterates in insertion order: the oldest id goes first.
      if (this.delivered.size > REMEMBERED_IDS) this.delivered.delete(this.delivered.values().next().value!);
    }
    this.listeners.dispatch(event);
  }

  /** One wake-up in flight at a time; what is published meanwhile goes in the next. */
  private sendWakeUp(): void {
    if (this.sending || !this.unsent.length || this.closed) return;
    const ids = this.unsent;
    this.unsent = [];
    this.sending = true;
    const payload = JSON.stringify({ origin: this.origin, ids: ids.slice(-MAX_IDS) } satisfies Notice);
    this.database
      .notify(CHANNEL, payload)
      .catch((err) => {
        // The other replicas' background reads find these events; a failed NOTIFY costs latency, not events.
        if (!this.closed) this.onError(err);
      })
      .finally(() => {
        this.sending = false;
        this.sendWakeUp();
      });
  }

  private notify(channel: string, payload: string): void {
    this.database.notify(channel, payload).catch((err) => {
      if (!this.closed) this.onError(err);
    });
  }

  private onNotice(payload: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload) as Notice;
    } catch {
      return;
    }
    if (notice.origin === this.origin || this.closed) return;
    if (notice.transient) {
      // createdAt crossed the wire as an ISO string.
      this.listeners.dispatch({ ...notice.transient, createdAt: new Date(notice.transient.createdAt) });
      return;
    }
    this.tail.poke(Array.isArray(notice.ids) ? notice.ids : []);
  }

  private onChangeNotice(payload: string): void {
    let notice: ChangeNotice;
    try {
      notice = JSON.parse(payload) as ChangeNotice;
    } catch {
      return; // Not ours.
    }
    if (notice.origin === this.origin || this.closed) return;
    if (notice.present) this.heard(notice.origin);
    else if (notice.topic && changeTopics.includes(notice.topic)) deliver(this.listeners.changes, notice.topic);
  }

  /**
   * A replica said it listens. A new one (or one not heard for a while) is answered at once, so it
   * learns of this replica too, and woken once: events this replica stored before it knew of the
   * newcomer were published without a wake-up, and the newcomer's read finds them.
   */
  private heard(origin: string): void {
    const now = Date.now();
    const last = this.peers.get(origin);
    this.peers.set(origin, now);
    if (last !== undefined && now - last <= PEERS_EXPIRE_MS) return;
    this.sayPresent();
    this.notify(CHANNEL, JSON.stringify({ origin: this.origin, ids: [] } satisfies Notice));
  }

  private sayPresent(): void {
    if (this.closed) return;
    this.notify(CHANGES, JSON.stringify({ origin: this.origin, present: true } satisfies ChangeNotice));
  }

  /** Whether another replica was heard lately; forgets the ones that went quiet. */
  private othersListen(): boolean {
    if (!this.peers.size) return false;
    const now = Date.now();
    for (const [origin, at] of this.peers) if (now - at > PEERS_EXPIRE_MS) this.peers.delete(origin);
    return this.peers.size > 0;
  }
}
