import type { Principal } from '../auth/principal.js';
import type { BatonEvent } from '../domain/events.js';

/**
 * How much one event subscription (eventFeed, conversationEvents, runEvents), and all those of one credential on a
 * replica, may buffer for a stalled reader.
 */
export interface FeedBufferLimits {
  /** Events one feed holds (MAX_BUFFERED). */
  maxEvents: number;
  /** Bytes one feed holds (FEED_BUFFER_MAX_BYTES), measured as the events' JSON. */
  maxBytes: number;
  /** Bytes all the feeds of one credential hold together (FEED_BUFFER_MAX_BYTES_PER_KEY). */
  maxBytesPerKey: number;
}

/** One feed's buffer as its credential's budget sees it. */
export interface BufferMember {
  /** Bytes it holds now. */
  readonly bytes: number;
  /** Events it holds now. */
  readonly size: number;
  /** Drops what it holds and ends the feed with SUBSCRIBER_TOO_SLOW (at the reader's next read). */
  evict(): void;
}

/** The JSON length of each event measured so far: every listener of the bus gets the same object, so once each. */
const measured = new WeakMap<BatonEvent, number>();

/** An event's size in a buffer: the length of its JSON (what it is sent as). */
export function eventBytes(event: BatonEvent): number {
  let bytes = measured.get(event);
  if (bytes === undefined) {
    bytes = JSON.stringify(event).length;
    measured.set(event, bytes);
  }
  return bytes;
}

/**
 * The bytes one credential's feeds buffer on this replica. Past `maxBytes`, the feed holding the most (the
 * one furthest behind) is evicted: it drops its buffer at once and ends with SUBSCRIBER_TOO_SLOW, and its
 * client resumes from its cursor. A feed holding one event is keeping up, and is never evicted.
 */
export class SharedBufferBudget {
  private readonly members = new Set<BufferMember>();
  private held = 0;

  constructor(
    readonly maxBytes: number,
    private readonly onEmpty: () => void,
  ) {}

  get bytes(): number {
    return this.held;
  }

  join(member: BufferMember): () => void {
    this.members.add(member);
    return () => {
      if (!this.members.delete(member)) return;
      if (!this.members.size) this.onEmpty();
    };
  }

  /** A member took `bytes` more; evicts the furthest behind while the credential holds too much. */
  add(bytes: number): void {
    this.held += bytes;
    while (this.held > this.maxBytes) {
      let slowest: BufferMember | undefined;
      for (const m of this.members) if (m.size > 1 && (!slowest || m.bytes > slowest.bytes)) slowest = m;
      if (!slowest) return;
      slowest.evict();
    }
  }

  /** A member let go of `bytes` (passed on, or dropped). */
  release(bytes: number): void {
    this.held -= bytes;
  }
}

/** A feed's limits, and its credential's budget when it has one. */
export interface FeedBufferAccount {
  limits: FeedBufferLimits;
  /** Joins the credential's budget (created on the first feed, dropped with the last). */
  join(member: BufferMember): { budget: SharedBufferBudget; leave: () => void };
}

/** The credentials' buffer budgets of one replica: built in buildApp, passed to each event subscription. */
export class FeedBuffers {
  private readonly budgets = new Map<string, SharedBufferBudget>();

  constructor(readonly limits: FeedBufferLimits) {}

  /** Budgets of credentials with a feed open (for tests and metrics). */
  get credentials(): number {
    return this.budgets.size;
  }

  /** The account a feed opened by `principal` buffers on: its API key's, or the one of every anonymous caller (AUTH_MODE=off). */
  for(principal: Principal): FeedBufferAccount {
    const id =
      principal.kind === 'key'
        ? `key:${principal.keyId}`
        : principal.kind === 'conversation'
          ? `conversation:${principal.conversationId}`
          : 'anonymous';
    return this.account(id);
  }

  account(id: string): FeedBufferAccount {
    return {
      limits: this.limits,
      join: (member) => {
        let budget = this.budgets.get(id);
        if (!budget) {
          const created = new SharedBufferBudget(this.limits.maxBytesPerKey, () => {
            if (this.budgets.get(id) === created) this.budgets.delete(id);
          });
          this.budgets.set(id, created);
          budget = created;
        }
        return { budget, leave: budget.join(member) };
      },
    };
  }
}
