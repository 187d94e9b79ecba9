import { and, asc, eq, gt, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { BatonEvent, EventType, NewEvent } from '../chat/events.js';
import { transientEventTypes } from '../chat/events.js';
import type { Database, Db } from './client.js';
import { dateColumn, jsonColumn, SqlParams } from './raw-rows.js';
import type { RunStatus } from './schema/conversations.js';
import { type EventRow, events } from './schema/events.js';

/** Inserts hold this transaction-scoped lock so that ids become visible in order: no subscriber ever skips one. */
export const EVENT_SEQUENCE_LOCK = 0x0ba7_0002;

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

/** Run-row changes written in the same statement as a batch of events. Unset fields stay as they are. */
export interface RunPatch {
  id: string;
  status?: RunStatus;
  plan?: unknown;
  completedTaskIds?: string[];
  error?: string;
  finished?: boolean;
}

export interface AppendOptions {
  /** NOTIFY this channel with `{"upTo": maxId}` on commit (the Postgres bus). */
  notify?: string;
  run?: RunPatch;
}

/**
 * Persistence of the event log. A batch is one SQL statement (one round trip, one commit): take the
 * sequence lock, insert the events, update the run row, and queue the NOTIFY, which PostgreSQL
 * delivers on commit.
 */
export class EventStore {
  private readonly db: Db;

  constructor(private readonly database: Pick<Database, 'db' | 'query'>) {
    this.db = database.db;
  }

  async append(batch: readonly NewEvent[], options: AppendOptions = {}): Promise<BatonEvent[]> {
    const stored = batch.filter((e) => !transientEventTypes.has(e.type));
    const params = new SqlParams();
    const ctes: string[] = [];
    if (stored.length) {
      const rows = stored.map((e, i) => ({
        i,
        conversation_id: e.conversationId,
        run_id: e.runId ?? null,
        task_id: e.taskId ?? null,
        agent_name: e.agentName ?? null,
        type: e.type,
        data: e.data,
      }));
      ctes.push(
        `lock as materialized (select pg_advisory_xact_lock(${params.add(EVENT_SEQUENCE_LOCK, 'bigint')}) as locked)`,
        `ins as (
          insert into events (conversation_id, run_id, task_id, agent_name, type, data)
          select x.conversation_id, x.run_id, x.task_id, x.agent_name, x.type, x.data
          from lock, jsonb_to_recordset(${params.add(JSON.stringify(rows), 'text')}::jsonb)
            as x(i int, conversation_id uuid, run_id uuid, task_id text, agent_name text, type text, data jsonb)
          order by x.i
          returning id, conversation_id, run_id, task_id, agent_name, type, data, created_at)`,
      );
    }
    if (options.run) ctes.push(runUpdate(options.run, params));
    if (!stored.length) {
      if (options.run) await this.database.query(`with ${ctes.join(', ')} select 1`, params.values);
      return [];
    }
    ctes.push(
      options.notify
        ? `note as (select pg_notify(${params.add(options.notify, 'text')}, json_build_object('upTo', (select max(id) from ins))::text) as n)`
        : 'note as (select 1 as n)',
    );
    const rows = await this.database.query(
      `with ${ctes.join(', ')} select ins.* from ins, note order by ins.id`,
      params.values,
    );
    return rows.map(rawToEvent);
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

function runUpdate(run: RunPatch, params: SqlParams): string {
  const sets = ['updated_at = now()'];
  if (run.status) sets.push(`status = ${params.add(run.status, 'text')}`);
  if (run.plan !== undefined) sets.push(`plan = ${params.add(JSON.stringify(run.plan), 'text')}::jsonb`);
  if (run.completedTaskIds)
    sets.push(`completed_task_ids = ${params.add(JSON.stringify(run.completedTaskIds), 'text')}::jsonb`);
  if (run.error !== undefined) sets.push(`error = ${params.add(run.error, 'text')}`);
  if (run.finished) sets.push('finished_at = now()', 'lease_owner = null', 'lease_expires_at = null');
  return `upd as (update runs set ${sets.join(', ')} where id = ${params.add(run.id, 'uuid')} returning id)`;
}

export function rawToEvent(r: Record<string, unknown>): BatonEvent {
  return {
    id: Number(r.id),
    conversationId: r.conversation_id as string,
    runId: (r.run_id as string | null) ?? null,
    taskId: (r.task_id as string | null) ?? null,
    agentName: (r.agent_name as string | null) ?? null,
    type: r.type as EventType,
    data: jsonColumn(r.data),
    createdAt: dateColumn(r.created_at),
  } as BatonEvent;
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
