import type { EventBus } from '../db/event-bus.js';
import type { OwnerTransition } from '../db/owner-transition.js';
import type { RunPatch, RunRepository } from '../db/run-repository.js';
import type { ConversationOwnerRow } from '../db/schema/desk.js';
import { type BatonEvent, type NewEvent, transientEventTypes } from '../domain/events.js';
import { ConflictError } from '../errors.js';

/** A checked append gives up after this many writes by others came between its check and its write. */
const CHECKED_APPEND_ATTEMPTS = 20;

/**
 * Event output, in two verbs: `append` stores a batch (durable, one statement) and `publish` delivers
 * stored or transient events to subscribers on every replica. Always append, then publish: no
 * subscriber ever sees an event the database could still lose.
 */
export class EventLog {
  constructor(
    private readonly runs: Pick<RunRepository, 'append' | 'appendOwnerChange' | 'lastSeq' | 'appendAt'>,
    readonly bus: EventBus,
  ) {}

  /**
   * Stores the batch and applies the run patch; returns every event of the batch in order, the
   * transient ones (never stored) with a null id and seq.
   */
  async append(batch: readonly NewEvent[], run?: RunPatch): Promise<BatonEvent[]> {
    const stored = await this.runs.append(batch, run);
    const now = new Date();
    let i = 0;
    return batch.map((e) => (transientEventTypes.has(e.type) ? transientEvent(e, now) : stored[i++]!));
  }

  /**
   * Stores a batch that `check` allows, decided on the conversation as stored: `check` reads it (and throws to store
   * nothing), and the batch is stored only if nothing was stored since check began; otherwise check runs again.
   * Two replicas storing what may be stored once (a colleague's change): the second's check sees the first's.
   */
  async appendChecked(batch: readonly NewEvent[], check: () => Promise<void>): Promise<BatonEvent[]> {
    const conversationId = batch[0]!.conversationId;
    for (let attempt = 1; ; attempt++) {
      const lastSeq = await this.runs.lastSeq(conversationId);
      await check();
      const stored = await this.runs.appendAt(batch, lastSeq);
      if (stored) return stored;
      if (attempt === CHECKED_APPEND_ATTEMPTS)
        throw new ConflictError('The conversation kept changing while this was being stored; try again', {
          details: { field: 'conversationId' },
        });
    }
  }

  /**
   * Stores the events of an ownership change together with the change (one commit); undefined, and
   * nothing stored, when the change does not apply. Publish the events after.
   */
  appendOwnerChange(
    batch: readonly NewEvent[],
    transition: OwnerTransition,
    options?: { stampTicket?: boolean },
  ): Promise<{ events: BatonEvent[]; owner: ConversationOwnerRow } | undefined> {
    return this.runs.appendOwnerChange(batch, transition, options);
  }

  /** Delivers stored events, and transient ones (see `transientEvent`), to every replica's subscribers. */
  publish(events: readonly BatonEvent[]): void {
    if (events.length) this.bus.publish(events);
  }
}

/** A transient event (MESSAGE_DELTA) as subscribers get it: never stored, so no id and no seq. */
export function transientEvent(event: NewEvent, createdAt = new Date()): BatonEvent {
  return { ...event, id: null, seq: null, createdAt } as BatonEvent;
}
