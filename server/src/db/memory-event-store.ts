import { type BatonEvent, type NewEvent, transientEventTypes } from '../domain/events.js';
import type { EventQuery } from './event-store.js';
import type { RunPatch } from './run-repository.js';

/** The run columns a RunPatch writes, as the in-memory store keeps them. */
export interface MemoryRunRecord {
  status?: RunPatch['status'];
  plan?: unknown;
  completedTaskIds: string[];
  error?: string;
  finishedAt?: Date;
}

/**
 * The event log in process memory, with RunRepository's `append` and EventStore's `list`: for the
 * turn-overhead benchmark and embedding, where no database should cost anything. Ids are global and
 * increasing, seqs per conversation; MESSAGE_DELTA is never stored; a batch and its run patch apply together.
 */
export class MemoryEventStore {
  private readonly events: BatonEvent[] = [];
  private readonly runRecords = new Map<string, MemoryRunRecord>();
  private readonly lastSeq = new Map<string, number>();
  private nextId = 1;

  /** Stores the non-transient events of a batch and applies the run patch. */
  async append(batch: readonly NewEvent[], run?: RunPatch): Promise<BatonEvent[]> {
    const createdAt = new Date();
    const stored: BatonEvent[] = [];
    for (const e of batch) {
      if (transientEventTypes.has(e.type)) continue;
      const seq = (this.lastSeq.get(e.conversationId) ?? 0) + 1;
      this.lastSeq.set(e.conversationId, seq);
      stored.push({
        ...e,
        seq,
        runId: e.runId ?? null,
        taskId: e.taskId ?? null,
        agentName: e.agentName ?? null,
        id: this.nextId++,
        createdAt,
      } as BatonEvent);
    }
    this.events.push(...stored);
    if (run) this.patchRun(run);
    return stored;
  }

  async list(query: EventQuery): Promise<BatonEvent[]> {
    const out: BatonEvent[] = [];
    const limit = query.limit ?? 10_000;
    for (const e of this.events) {
      if (out.length >= limit) break;
      const id = e.id as number;
      if (query.after !== undefined && id <= query.after) continue;
      if (query.upTo !== undefined && id > query.upTo) break;
      if (query.afterSeq !== undefined && (e.seq ?? 0) <= query.afterSeq) continue;
      if (query.upToSeq !== undefined && (e.seq ?? 0) > query.upToSeq) continue;
      if (query.conversationId && e.conversationId !== query.conversationId) continue;
      if (query.runId && e.runId !== query.runId) continue;
      if (query.types?.length && !query.types.includes(e.type)) continue;
      if (query.agentNames?.length && !(e.agentName && query.agentNames.includes(e.agentName))) continue;
      out.push(e);
    }
    return out;
  }

  /** The run columns written so far through `append(..., { run })`. */
  run(id: string): MemoryRunRecord | undefined {
    return this.runRecords.get(id);
  }

  /** Forgets every event and run (ids keep increasing), so a long benchmark does not grow without bound. */
  clear(): void {
    this.events.length = 0;
    this.runRecords.clear();
    this.lastSeq.clear();
  }

  private patchRun(patch: RunPatch): void {
    const record = this.runRecords.get(patch.id) ?? { completedTaskIds: [] };
    if (patch.status) record.status = patch.status;
    if (patch.plan !== undefined) record.plan = patch.plan;
    if (patch.completedTaskIds) record.completedTaskIds = [...patch.completedTaskIds];
    if (patch.error !== undefined) record.error = patch.error;
    if (patch.finished) record.finishedAt = new Date();
    this.runRecords.set(patch.id, record);
  }
}
