import type { EventBus } from '../db/event-bus.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The change topic every replica hears when conversations were deleted (an erasure, a retention batch). */
export const DELETED_CONVERSATIONS = 'conversations' as const;

/** How often a replica tries to look up which of its streams lost their conversation, when the database fails. */
const LOOKUP_ATTEMPTS = 3;
const LOOKUP_RETRY_MS = 500;

export interface DeletedConversationsDeps {
  bus: Pick<EventBus, 'announce' | 'onChange'>;
  /** Of these conversation ids, the ones that still exist. */
  existing(ids: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Drops what this replica remembers of deleted conversations (verified tokens, rate-limit buckets):
   * these ids, or, told by another replica (which does not say which), everything of the kind.
   */
  forget(ids: readonly string[] | 'all'): void;
  logger: Pick<Logger, 'warn'>;
}

/** A live stream's hold on its conversation: see DeletedConversations.open. */
export interface ConversationWatch {
  /** Calls `onGone` once if the conversation is deleted while the watch runs; returns the stop function. */
  start(onGone: (error: NotFoundError) => void): () => void;
}

/** The error a live stream of a deleted conversation ends with. */
export function conversationGoneError(conversationId: string): NotFoundError {
  return new NotFoundError(
    `Conversation ${conversationId} no longer exists (erased, or purged after RETENTION_DAYS): the subscription has ended`,
    { details: { conversationId, reason: 'CONVERSATION_DELETED' } },
  );
}

/**
 * Ends what is live of a deleted conversation on every replica. The replica that deletes (eraseCustomer,
 * the retention sweeper) calls `deleted` after the commit: it ends its own streams of those conversations
 * at once and tells every replica through the bus's change notices (topic `conversations`, as cards and
 * settings follow their changes). A replica told so drops its token memo and looks up, in one query,
 * which of the conversations it streams are gone, and ends those streams with NOT_FOUND.
 *
 * A stream that opens while a notice is on its way cannot miss it: `open` is called before the
 * subscription checks that its conversation exists, and a watch started after a notice came in
 * looks its conversation up again.
 */
export class DeletedConversations {
  private readonly watchers = new Map<string, Set<(error: NotFoundError) => void>>();
  /** Deletions seen so far (here, or heard of): a watch opened before the latest one checks again. */
  private deletions = 0;
  /** Set while this replica announces its own deletion: it has handled it already. */
  private announcing = false;
  private readonly unlisten: () => void;

  constructor(private readonly deps: DeletedConversationsDeps) {
    this.unlisten = deps.bus.onChange((topic) => {
      if (topic === DELETED_CONVERSATIONS && !this.announcing) this.heard();
    });
  }

  /** Streams of conversations this replica watches (for tests and metrics). */
  get watched(): number {
    return this.watchers.size;
  }

  /**
   * A watch for a stream about to open on `conversationId`: call before checking that the conversation
   * exists, and start it when the stream starts. Opening registers nothing (a stream that never starts
   * leaves nothing behind).
   */
  open(conversationId: string): ConversationWatch {
    return this.begin()(conversationId);
  }

  /**
   * `open` for a stream whose conversation is known only after a lookup (a run's): call before the
   * lookup, then with the conversation it found.
   */
  begin(): (conversationId: string) => ConversationWatch {
    const since = this.deletions;
    return (conversationId) => ({
      start: (onGone) => {
        let gone = false;
        const once = (error: NotFoundError) => {
          if (gone) return;
          gone = true;
          onGone(error);
        };
        const set = this.watchers.get(conversationId) ?? new Set();
        this.watchers.set(conversationId, set);
        set.add(once);
        // A deletion since the lookup may have missed this stream: look its conversation up again.
        if (this.deletions !== since) void this.endGone([conversationId]);
        return () => {
          set.delete(once);
          if (!set.size && this.watchers.get(conversationId) === set) this.watchers.delete(conversationId);
        };
      },
    });
  }

  /** After a deletion committed on this replica: forget, end this replica's streams, tell the others. */
  deleted(ids: readonly string[]): void {
    if (!ids.length) return;
    this.deletions++;
    this.deps.forget(ids);
    this.end(ids);
    this.announcing = true;
    try {
      this.deps.bus.announce(DELETED_CONVERSATIONS);
    } finally {
      this.announcing = false;
    }
  }

  close(): void {
    this.unlisten();
    this.watchers.clear();
  }

  /** Another replica deleted conversations, it does not say which. */
  private heard(): void {
    this.deletions++;
    this.deps.forget('all');
    if (this.watchers.size) void this.endGone([...this.watchers.keys()]);
  }

  /** Ends the streams of those of `ids` whose conversation no longer exists. */
  private async endGone(ids: string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = await this.deps.existing(ids);
        this.end(ids.filter((id) => !existing.has(id)));
        return;
      } catch (err) {
        if (attempt >= LOOKUP_ATTEMPTS) {
          this.deps.logger.warn({ err }, 'could not look up deleted conversations: their open streams stay open');
          return;
        }
        await new Promise((r) => setTimeout(r, LOOKUP_RETRY_MS * attempt));
      }
    }
  }

  private end(ids: readonly string[]): void {
    for (const id of ids) {
      const set = this.watchers.get(id);
      if (!set) continue;
      this.watchers.delete(id);
      for (const onGone of [...set]) onGone(conversationGoneError(id));
    }
  }
}
