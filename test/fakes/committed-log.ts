import {
  type EventQuery,
  type FeedFilter,
  type FeedPage,
  type FeedPosition,
  rawToEvent,
} from '../../server/src/db/event-store.js';
import type { BatonEvent } from '../../server/src/domain/events.js';

export const CONVERSATION_ID = '00000000-0000-4000-8000-000000000001';

export interface CommitOptions {
  /** About this many KB of text in the event. */
  kb?: number;
  type?: 'MESSAGE' | 'TASK_COMPLETED';
  runId?: string;
  taskId?: string;
}

/**
 * A committed event log of one conversation, one transaction per event (tx = id = seq), as PGlite's is: the store's
 * feed and conversation reads for stream tests and benches. `reads` counts them.
 */
export class CommittedLog {
  readonly serialCommits = true;
  readonly committed: BatonEvent[] = [];
  reads = 0;

  /** Commits the next event and returns it as the store would. */
  commit(options: CommitOptions = {}): BatonEvent {
    const id = this.committed.length + 1;
    const text = `m${id} ${'x'.repeat((options.kb ?? 2) * 1_024)}`;
    const event = rawToEvent({
      id,
      conversation_id: CONVERSATION_ID,
      seq: id,
      run_id: options.runId ?? null,
      task_id: options.taskId ?? null,
      agent_name: null,
      type: options.type ?? 'MESSAGE',
      data: options.type === 'TASK_COMPLETED' ? { output: text, durationMs: 1 } : { role: 'assistant', text },
      created_at: new Date().toISOString(),
      tx: String(id),
    });
    this.committed.push(event);
    return event;
  }

  async feed(after: FeedPosition, filter: FeedFilter = {}, limit = 500): Promise<FeedPage> {
    this.reads++;
    const events = this.committed
      .filter((e) => e.id! > after.id)
      .filter((e) => !filter.types?.length || filter.types.includes(e.type))
      .slice(0, limit);
    const last = events.at(-1);
    return { events, position: last ? { tx: String(last.id), id: last.id!, before: after.before } : after };
  }

  async list(query: EventQuery): Promise<BatonEvent[]> {
    this.reads++;
    return this.committed
      .filter((e) => e.seq! > (query.afterSeq ?? 0) && (query.upToSeq === undefined || e.seq! <= query.upToSeq))
      .slice(0, query.limit ?? 500);
  }
}

/** A MESSAGE_DELTA of a run's task, as the bus delivers it (never stored). */
export function delta(runId: string, taskId: string, text: string): BatonEvent {
  return {
    id: null,
    seq: null,
    conversationId: CONVERSATION_ID,
    runId,
    taskId,
    agentName: null,
    type: 'MESSAGE_DELTA',
    data: { delta: text },
    createdAt: new Date(),
  };
}
