import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, or, type SQL } from 'drizzle-orm';
import type { BatonEvent, EventType } from '../domain/events.js';
import type { Database, Db } from './client.js';
import { dateColumn, jsonColumn, SqlParams } from './raw-rows.js';
import { type EventRow, events } from './schema/events.js';

/**
 * The columns an event is read back with in raw SQL (`returning`, `select`), with its writing
 * transaction (`tx`), which rawToEvent keeps as the event's feed position (committedPosition).
 */
export const EVENT_COLUMNS =
  'id, conversation_id, seq, run_id, task_id, agent_name, type, data, created_at, tx::text as tx';

/**
 * The feed's horizon as the statement's snapshot has it: the oldest transaction still in flight that may
 * write this database's events (none: the snapshot's xmax). pg_snapshot_xmin would be the oldest in
 * flight anywhere on the server, and a PostgreSQL server is often shared: one idle transaction in
 * another database held every feed and every replica's delivery. A transaction pg_stat_activity shows
 * in another database (by its top-level xid, which never moves between databases) cannot write here
 * and is left out. One that ended after the snapshot was taken is no longer shown and is kept, as is
 * anything pg_stat_activity does not show (a prepared transaction): it may have been this database's,
 * and its events are not in this statement's snapshot. pg_stat_activity is read only when some
 * transaction is in flight.
 */
export const FEED_HORIZON = `coalesce((select min(x) from pg_snapshot_xip(pg_current_snapshot()) x
    where not exists (select from pg_stat_activity a
      where a.backend_xid = x::xid and a.datname is distinct from current_database())),
  pg_snapshot_xmax(pg_current_snapshot()))`;

/**
 * The columns a PostgreSQL write returns its events with: EVENT_COLUMNS, and `follows` when the
 * statement's snapshot shows no older transaction of this database in flight (the feed's horizon is
 * the writer's own id; the server-wide xmin is looked at first, as it costs nothing). Then every
 * transaction older than the writer that could write here has ended, none can begin with a smaller id,
 * and `follows` is the feed position of the last event stored before this transaction ('' when there
 * is none): the event comes right after it in feed order. A feed that has passed that position can
 * take the event live without a read (feedStream). One index probe per row, in the write's own statement.
 */
export const WRITTEN_EVENT_COLUMNS = `${EVENT_COLUMNS},
  case when pg_snapshot_xmin(pg_current_snapshot()) = events.tx or ${FEED_HORIZON} = events.tx then coalesce(
    (select e.tx::text || ':' || e.id from events e where e.tx < events.tx order by e.tx desc, e.id desc limit 1), ''
  ) end as follows`;

export interface EventQuery {
  conversationId?: string;
  runId?: string;
  types?: readonly EventType[];
  agentNames?: readonly string[];
  /** Only events with id greater than this (within a conversation, ids increase with seq). */
  after?: number;
  /** Only events with id at most this. */
  upTo?: number;
  /** With conversationId: only events whose seq is greater than this. */
  afterSeq?: number;
  /** With conversationId: only events whose seq is at most this. */
  upToSeq?: number;
  limit?: number;
}

/**
 * A position in the integrator feed: the writing transaction and the event id. Read only below the
 * oldest transaction still in flight, (tx, id) order is commit order and final: no event can later
 * appear before a position already read.
 */
export interface FeedPosition {
  tx: string;
  id: number;
  /**
   * For a feed that starts live: the snapshot (`pg_snapshot` text) taken when it started. Events of
   * transactions visible in it had committed before, and are left out, though an older transaction
   * still open kept them above the horizon.
   */
  before?: string;
}

/** Before every event. */
export const FEED_START: FeedPosition = { tx: '0', id: 0 };

export interface FeedFilter {
  types?: readonly EventType[];
  agentNames?: readonly string[];
}

/**
 * A feed page: the events, and the position to read on from: after the last one, or the read's horizon
 * when the page was not full (every event below it was covered, filtered out or not).
 */
export interface FeedPage {
  events: BatonEvent[];
  position: FeedPosition;
}

/** Where a stored event sits in the feed, as its write or read returned it. */
export interface CommittedPosition extends FeedPosition {
  /**
   * Written with WRITTEN_EVENT_COLUMNS and no older transaction in flight: the position of the last
   * event before this one's transaction (null: none), so every event between it and this one is this
   * transaction's. Undefined when the write could not tell.
   */
  follows?: FeedPosition | null;
}

/** The feed position of events read or written with EVENT_COLUMNS; kept beside them, not on them. */
const positions = new WeakMap<BatonEvent, CommittedPosition>();

/** Where a stored event read or written through raw SQL sits in the feed; undefined for others. */
export function committedPosition(event: BatonEvent): CommittedPosition | undefined {
  return positions.get(event);
}

/** Reads of the event log. Writes belong to RunRepository. */
export class EventStore {
  private readonly db: Db;
  /**
   * Whether the database runs one transaction at a time (PGlite: one session), so that event ids
   * commit in increasing order and an event, once committed, has every smaller id committed or
   * rolled back before it. The feed then takes contiguous live events from the bus without a read.
   */
  readonly serialCommits: boolean;

  constructor(private readonly database: Pick<Database, 'db' | 'query'> & Partial<Pick<Database, 'kind'>>) {
    this.db = database.db;
    this.serialCommits = database.kind === 'pglite';
  }

  async list(query: EventQuery): Promise<BatonEvent[]> {
    const where: SQL[] = [];
    if (query.conversationId) where.push(eq(events.conversationId, query.conversationId));
    if (query.runId) where.push(eq(events.runId, query.runId));
    if (query.types?.length) where.push(inArray(events.type, [...query.types]));
    if (query.agentNames?.length) where.push(inArray(events.agentName, [...query.agentNames]));
    if (query.after !== undefined) where.push(gt(events.id, query.after));
    if (query.upTo !== undefined) where.push(lte(events.id, query.upTo));
    if (query.afterSeq !== undefined) where.push(gt(events.seq, query.afterSeq));
    if (query.upToSeq !== undefined) where.push(lte(events.seq, query.upToSeq));
    const rows = await this.db
      .select()
      .from(events)
      .where(where.length ? and(...where) : undefined)
      .orderBy(query.conversationId ? asc(events.seq) : asc(events.id))
      .limit(query.limit ?? 10_000);
    return rows.map(rowToEvent);
  }

  /**
   * A conversation's newest MESSAGE, leaving out `exceptAgent`'s (the desk's automatic notices): one row read
   * backwards along the conversation's seq, however long the conversation.
   */
  async latestMessage(conversationId: string, exceptAgent?: string): Promise<BatonEvent | undefined> {
    const [row] = await this.db
      .select()
      .from(events)
      .where(
        and(
          eq(events.conversationId, conversationId),
          eq(events.type, 'MESSAGE'),
          exceptAgent ? or(isNull(events.agentName), ne(events.agentName, exceptAgent)) : undefined,
        ),
      )
      .orderBy(desc(events.seq))
      .limit(1);
    return row ? rowToEvent(row) : undefined;
  }

  /** The seq of a conversation's event, or undefined when the id is not an event of that conversation. */
  async seqOf(conversationId: string, eventId: number): Promise<number | undefined> {
    const [row] = await this.database.query<{ seq: number }>(
      'select seq from events where id = $1::bigint and conversation_id = $2::uuid',
      [eventId, conversationId],
    );
    return row ? Number(row.seq) : undefined;
  }

  /**
   * The feed position just after an event, or undefined when there is no such event. An erased event
   * (eraseCustomer, RETENTION_DAYS) keeps its position in erased_events for RETENTION_DAYS, so a cursor
   * that names one resumes where it was: the erased events are simply no longer there to read.
   */
  async positionOf(eventId: number): Promise<FeedPosition | undefined> {
    const [row] = await this.database.query<{ tx: string }>(
      `select tx::text as tx from events where id = $1::bigint
      union all select tx::text from erased_events where id = $1::bigint limit 1`,
      [eventId],
    );
    return row ? { tx: String(row.tx), id: eventId } : undefined;
  }

  /**
   * The live end of the feed: every event of a transaction still in flight or yet to come is after it,
   * and none that had committed already (they are in its snapshot).
   */
  async feedHead(): Promise<FeedPosition> {
    const [row] = await this.database.query<{ tx: string; snapshot: string }>(
      'select pg_snapshot_xmin(s)::text as tx, s::text as snapshot from pg_current_snapshot() s',
    );
    return { tx: String(row!.tx), id: 0, before: String(row!.snapshot) };
  }

  /**
   * The feed after a position, in commit order, up to the oldest transaction still in flight that may
   * write here (FEED_HORIZON): a transactional outbox read that needs no lock of the writers. An event
   * becomes readable here once every transaction of this database older than its own has ended.
   */
  async feed(after: FeedPosition, filter: FeedFilter = {}, limit = 500): Promise<FeedPage> {
    const { rows, position } = await this.feedRows(after, filter, limit, EVENT_COLUMNS);
    return { events: rows.map(rawToEvent), position };
  }

  /**
   * The next unfiltered page as event ids alone, with the position to read on from, as `feed` would
   * give it: for a reader that already holds most of these events (a replica reading back its own
   * writes), which then reads only the others (`eventsByIds`) instead of every payload.
   */
  async feedIds(after: FeedPosition, limit = 500): Promise<{ ids: number[]; position: FeedPosition }> {
    const { rows, position } = await this.feedRows(after, {}, limit, 'id, tx::text as tx');
    return { ids: rows.map((r) => Number(r.id)), position };
  }

  /** Stored events by id, in the order asked; ids no longer stored are left out. */
  async eventsByIds(ids: readonly number[]): Promise<BatonEvent[]> {
    if (!ids.length) return [];
    const rows = await this.database.query<Record<string, unknown>>(
      `select ${EVENT_COLUMNS} from events where id = any($1::bigint[])`,
      [`{${ids.join(',')}}`],
    );
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [rawToEvent(row)] : [];
    });
  }

  private async feedRows(
    after: FeedPosition,
    filter: FeedFilter,
    limit: number,
    columns: string,
  ): Promise<{ rows: Record<string, unknown>[]; position: FeedPosition }> {
    const p = new SqlParams();
    const where = [`(tx, id) > (${p.add(after.tx, 'xid8')}, ${p.add(after.id, 'bigint')})`, 'tx < h.x'];
    if (after.before) where.push(`not pg_visible_in_snapshot(tx, ${p.add(after.before, 'pg_snapshot')})`);
    if (filter.types?.length) where.push(`type = any(${p.add(pgArray(filter.types), 'text[]')})`);
    if (filter.agentNames?.length) where.push(`agent_name = any(${p.add(pgArray(filter.agentNames), 'text[]')})`);
    // One row at least: the read's horizon, with its events (none: a row of nulls beside it).
    const rows = await this.database.query<Record<string, unknown> & { horizon: string }>(
      `with h as (select ${FEED_HORIZON} as x)
      select h.x::text as horizon, e.* from h left join lateral (
        select ${columns}, tx as feed_tx from events where ${where.join(' and ')}
        order by tx, id limit ${p.add(limit, 'int')}) e on true
      order by e.feed_tx, e.id`,
      p.values,
    );
    const found = rows.filter((r) => r.id != null);
    const last = found.at(-1);
    let position: FeedPosition = last ? { tx: String(last.tx), id: Number(last.id), before: after.before } : after;
    // A page that is not full covered every event below the horizon, filtered out or not: the feed moves
    // on to it, so that a live event after a filtered-out one can follow without another read.
    const horizon: FeedPosition = { tx: String(rows[0]!.horizon), id: 0, before: after.before };
    if (found.length < limit && compareFeedPositions(horizon, position) > 0) position = horizon;
    return { rows: found, position };
  }
}

/** Feed order: by writing transaction, then id. */
export function compareFeedPositions(a: FeedPosition, b: FeedPosition): number {
  const ta = BigInt(a.tx);
  const tb = BigInt(b.tx);
  return ta === tb ? a.id - b.id : ta < tb ? -1 : 1;
}

/** A text[] literal; each element quoted, so commas and quotes in names are data. */
function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

export function rawToEvent(r: Record<string, unknown>): BatonEvent {
  const event = {
    id: Number(r.id),
    conversationId: r.conversation_id as string,
    seq: Number(r.seq),
    runId: (r.run_id as string | null) ?? null,
    taskId: (r.task_id as string | null) ?? null,
    agentName: (r.agent_name as string | null) ?? null,
    type: r.type as EventType,
    data: jsonColumn(r.data),
    createdAt: dateColumn(r.created_at),
  } as BatonEvent;
  if (r.tx != null) positions.set(event, { tx: String(r.tx), id: event.id!, ...followsOf(r.follows) });
  return event;
}

function followsOf(value: unknown): Pick<CommittedPosition, 'follows'> {
  if (value == null) return {};
  if (value === '') return { follows: null };
  const [tx, id] = String(value).split(':');
  return { follows: { tx: tx!, id: Number(id) } };
}

/** Whether a transaction is visible in a `pg_snapshot` (text form `xmin:xmax:xip,…`), as pg_visible_in_snapshot says. */
export function visibleInSnapshot(tx: string, snapshot: string): boolean {
  const [xmin, xmax, xip = ''] = snapshot.split(':');
  const t = BigInt(tx);
  if (t < BigInt(xmin!)) return true;
  if (t >= BigInt(xmax!)) return false;
  return !xip.split(',').some((x) => x !== '' && BigInt(x) === t);
}

export function rowToEvent(row: EventRow): BatonEvent {
  return {
    id: Number(row.id),
    conversationId: row.conversationId,
    seq: row.seq,
    runId: row.runId,
    taskId: row.taskId,
    agentName: row.agentName,
    type: row.type,
    data: row.data,
    createdAt: row.createdAt,
  } as BatonEvent;
}
