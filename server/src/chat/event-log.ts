import type { EventBus } from '../db/event-bus.js';
import type { OwnerTransition } from '../db/owner-transition.js';
import type { RunPatch, RunRepository } from '../db/run-repository.js';
import type { ConversationOwnerRow } from '../db/schema/desk.js';
import { type BatonEvent, type NewEvent, transientEventTypes } from '../domain/events.js';

/**
 * Event output, in two verbs: `append` stores a batch (durable, one statement) and `publish` delivers
 * stored or transient events to subscribers on every replica. Always append, then publish: no
 * subscriber ever sees an event the database could still lose.
 */
export class EventLog {
  constructor(
    private readonly runs: Pick<RunRepository, 'append' | 'appendOwnerChange'>,
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
