import { and, asc, eq, gt, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { BatonEvent, EventType, NewEvent } from '../chat/events.js';
import { transientEventTypes } from '../chat/events.js';
import type { Db, DbOrTx } from './client.js';
import { type EventRow, events } from './schema/events.js';

/** Inserts hold this transaction-scoped lock so that ids become visible in order: no subscriber ever skips one. */
const EVENT_SEQUENCE_LOCK = 0x0ba7_0002;

export interface EventQuery {
  conversationId?: string;
  runId?: string;
  types?: readonly EventType[];
  agentNames?: readonly string[];
  /** Only events with id greater than this. */
  after?: number;
  /** Only events with id at most this. */
  upTo?: number;
  limit?: number;
}

/** Persistence of the event log. Publishing is the bus's job, after the write commits. */
export class EventStore {
  constructor(private readonly db: Db) {}

  /** Stores events in one transaction (or the caller's), returning them with ids and timestamps. */
  async append(batch: readonly NewEvent[], tx?: DbOrTx): Promise<BatonEvent[]> {
    const stored = batch.filter((e) => !transientEventTypes.has(e.type));
    if (stored.length === 0) return [];
    const write = async (t: DbOrTx) => {
      await t.execute(sql`select pg_advisory_xact_lock(${EVENT_SEQUENCE_LOCK})`);
      const rows = await t
        .insert(events)
        .values(
          stored.map((e) => ({
            conversationId: e.conversationId,
            runId: e.runId ?? null,
            taskId: e.taskId ?? null,
            agentName: e.agentName ?? null,
            type: e.type,
            data: e.data,
          })),
        )
        .returning();
      return rows.sort((a, b) => a.id - b.id).map(rowToEvent);
    };
    return tx ? write(tx) : this.db.transaction(write);
  }

  async list(query: EventQuery): Promise<BatonEvent[]> {
    const where: SQL[] = [];
    if (query.conversationId) where.push(eq(events.conversationId, query.conversationId));
    if (query.runId) where.push(eq(events.runId, query.runId));
    if (query.types?.length) where.push(inArray(events.type, [...query.types]));
    if (query.agentNames?.length) where.push(inArray(events.agentName, [...query.agentNames]));
    if (query.after !== undefined) where.push(gt(events.id, query.after));
    if (query.upTo !== undefined) where.push(lte(events.id, query.upTo));
    const rows = await this.db
      .select()
      .from(events)
      .where(where.length ? and(...where) : undefined)
      .orderBy(asc(events.id))
      .limit(query.limit ?? 10_000);
    return rows.map(rowToEvent);
  }

  async maxId(): Promise<number> {
    const [row] = await this.db.select({ max: sql<string | null>`max(${events.id})` }).from(events);
    return row?.max == null ? 0 : Number(row.max);
  }
}

export function rowToEvent(row: EventRow): BatonEvent {
  return {
    id: Number(row.id),
    conversationId: row.conversationId,
    runId: row.runId,
    taskId: row.taskId,
    agentName: row.agentName,
    type: row.type,
    data: row.data,
    createdAt: row.createdAt,
  } as BatonEvent;
}
