import type { BatonEvent, NewEvent } from '../domain/events.js';
import { transientEventTypes } from '../domain/events.js';
import { DEFAULT_HISTORY_CHARS, transcriptBytes } from '../domain/history-window.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Database } from './client.js';
import { EVENT_COLUMNS, rawToEvent, WRITTEN_EVENT_COLUMNS } from './event-store.js';
import { CONVERSATION_HELD, HELD, type OwnerTransition, ownerTransitionCtes, rawToOwner } from './owner-transition.js';
import { jsonColumn, rawToRun, SqlParams } from './raw-rows.js';
import type { RunMode, RunRow, RunStatus } from './schema/conversations.js';
import type { ConversationOwnerRow, OwnershipState } from './schema/desk.js';

/** Run-row changes written in the same statement as a batch of events. Unset fields stay as they are. */
export interface RunPatch {
  id: string;
  status?: RunStatus;
  plan?: unknown;
  completedTaskIds?: string[];
  error?: string;
  finished?: boolean;
}

/** What `enqueue` stored: the user's MESSAGE, its run, and RUN_STARTED when the run was stored claimed. */
/** A conversation's token verification as the run statements read it (customer_sessions). */
export interface SessionRow {
  customerId: string;
  method: string;
  verifiedUntil: Date;
}

export interface Enqueued {
  run: RunRow;
  message: BatonEvent;
  started?: BatonEvent;
  customerId: string | null;
  /** The conversation's token verification, read in the same statement (null: none). */
  session: SessionRow | null;
  /** When the run was stored claimed: the conversation's transcript, this message last. */
  history?: BatonEvent[];
}

/** A run `claim` took over, with what the claim statement returned alongside it. */
export interface ClaimedRun extends RunRow {
  /** It was RUNNING under an expired lease: its owner died. */
  resumed: boolean;
  customerId: string | null;
  /** The conversation's token verification, read in the same statement (null: none). */
  session: SessionRow | null;
  /** RUN_STARTED, when the claim stored it (a fresh run). */
  started?: BatonEvent;
  /** The transcript, when the claim read it (enqueue's claim). */
  history?: BatonEvent[];
}

export interface Lease {
  owner: string;
  leaseMs: number;
}

/** The partial unique index that keeps a conversation to one RUNNING run (migration 0004). */
export const ONE_RUNNING_RUN_INDEX = 'runs_one_running_per_conversation';
const ACTIVE = `('PENDING', 'RUNNING', 'PAUSED')`;

/**
 * When a run paused. A replica of an earlier release, during a rolling upgrade, pauses runs without setting `paused_at`:
 * their last change stands in for it, as the migration that added the column does for runs paused before it.
 */
const PAUSED_AT = (run: string) => `coalesce(${run}.paused_at, ${run}.updated_at)`;

/** `enqueue` gives up after this many writes of the conversation came between its snapshot and its lock. */
const ENQUEUE_ATTEMPTS = 20;

/**
 * A conversation's runs as `alias`, through its own index (runs_conversation_idx). With a status filter beside it,
 * PostgreSQL ANDed in runs_status_lease_idx, which holds every active run of the cluster (2 ms and 19 buffers to find
 * none, with 1,000 conversations busy); `offset 0` keeps the filter out of the scan.
 */
const RUNS_OF = (conversation: string, alias: string) =>
  `(select * from runs where conversation_id = ${conversation} offset 0) ${alias}`;

/**
 * Owns the SQL that writes a run's life: enqueue a message and its run, claim a run, append its events
 * (with the ownership change they record, for the desk's), and keep its lease. Each statement is
 * written once, here.
 *
 * Events get their position in the conversation (`seq`) from the conversation row's `last_seq`,
 * bumped in the same statement under the conversation's own lock (conversationLock): it orders one
 * conversation's writes and nothing else, so writes to different conversations commit concurrently
 * and share WAL flushes.
 */
export class RunRepository {
  /** What event writes return: on PostgreSQL with the feed's `follows` (PGlite's feed needs none, see EventStore.serialCommits). */
  private readonly returning: string;

  /** The transcript a claim reads: its newest events within this many stored bytes (transcriptBytes). */
  private readonly transcriptBytes: number;

  constructor(
    private readonly database: Pick<Database, 'query'> & Partial<Pick<Database, 'kind'>>,
    options: { historyChars?: number } = {},
  ) {
    this.returning = database.kind === 'postgres' ? WRITTEN_EVENT_COLUMNS : EVENT_COLUMNS;
    this.transcriptBytes = transcriptBytes(options.historyChars ?? DEFAULT_HISTORY_CHARS);
  }

  /**
   * Stores a user MESSAGE and its run in one statement. With `lease`, a run that nothing in its
   * conversation is ahead of is stored already claimed (RUNNING, leased) with its RUN_STARTED, and the
   * transcript is returned too. Two claims racing in one conversation: the loser fails on
   * ONE_RUNNING_RUN_INDEX (the caller stores it PENDING instead).
   *
   * Nothing is stored while a person owns the conversation or it waits for one: a ConflictError whose reason is
   * CONVERSATION_HELD says the desk takes the message. That is decided on the owner row as this statement's snapshot
   * has it, and the statement writes only if the conversation's `last_seq` is still the snapshot's once the lock is
   * held (PostgreSQL rechecks it on the row's newest version): every ownership change stores its event under the same
   * lock, so none came between. When a write did (its snapshot, taken before the lock was granted, may be stale), the
   * statement stored nothing and is sent again. A bot-owned conversation's message costs no extra round trip.
   *
   * `startedBy`: the API key that sent the message (runs.started_by), which may then drive and stop the run.
   */
  async enqueue(
    conversationId: string,
    text: string,
    mode: RunMode,
    lease?: Lease,
    startedBy?: string,
  ): Promise<Enqueued> {
    for (let attempt = 1; ; attempt++) {
      const enqueued = await this.enqueueOnce(conversationId, text, mode, lease, startedBy);
      if (enqueued) return enqueued;
      if (attempt === ENQUEUE_ATTEMPTS)
        throw new ConflictError('The conversation kept changing while the message was being stored; send it again', {
          details: { field: 'conversationId' },
        });
    }
  }

  /** `enqueue`'s statement; undefined when a write of the conversation came between its snapshot and its lock. */
  private async enqueueOnce(
    conversationId: string,
    text: string,
    mode: RunMode,
    lease?: Lease,
    startedBy?: string,
  ): Promise<Enqueued | undefined> {
    const p = new SqlParams();
    const conversation = p.add(conversationId, 'uuid');
    const claim = lease
      ? `(select count(*) = 0 from ${RUNS_OF(conversation, 'a')} where a.status in ${ACTIVE})`
      : 'false';
    const runId = p.add(crypto.randomUUID(), 'uuid');
    const rows = await this.database.query<{
      event: unknown;
      run: unknown;
      started: unknown;
      customer_id: string | null;
      history: unknown;
      session: unknown;
      owner: OwnershipState | null;
    }>(
      `with lock as materialized (select ${conversationLock(conversation)} as locked),
      seen as (
        select c.last_seq, (select o.state from conversation_owners o where o.conversation_id = c.id) as owner
        from conversations c where c.id = ${conversation}),
      conv as (
        update conversations c set updated_at = now(), last_seq = c.last_seq + case when ${claim} then 2 else 1 end
        from lock, seen where c.id = ${conversation} and c.last_seq = seen.last_seq
          and coalesce(seen.owner, 'BOT') not in ${HELD}
        returning c.id, c.customer_id, c.last_seq, c.drafts, ${claim} as claimed),
      ins as (
        insert into events (conversation_id, seq, run_id, type, data)
        select conv.id, conv.last_seq - case when conv.claimed then 1 else 0 end, ${runId}, 'MESSAGE',
          ${p.add(JSON.stringify({ role: 'user', text }), 'text')}::jsonb from conv
        returning ${this.returning}),
      run as (
        insert into runs (id, conversation_id, mode, status, message_event_id, lease_owner, lease_expires_at, drafts,
          started_by)
        select ${runId}, ins.conversation_id, ${p.add(mode, 'text')},
          case when conv.claimed then 'RUNNING' else 'PENDING' end, ins.id,
          case when conv.claimed then ${p.add(lease?.owner ?? null, 'text')} end,
          case when conv.claimed then now() + (${p.add(lease?.leaseMs ?? 0, 'int')} * interval '1 millisecond') end,
          conv.drafts, ${p.add(startedBy ?? null, 'uuid')}
        from ins, conv
        returning *),
      started as (
        insert into events (conversation_id, seq, run_id, type, data)
        select run.conversation_id, conv.last_seq, run.id, 'RUN_STARTED', jsonb_build_object('mode', run.mode)
        from run, conv where run.status = 'RUNNING'
        returning ${this.returning})
      select to_jsonb(ins) as event, to_jsonb(run) as run, (select to_jsonb(started) from started) as started,
        conv.customer_id, ${SESSION_OF('conv.id')} as session, seen.owner,
        case when run.status = 'RUNNING' then (${TRANSCRIPT_BEFORE(p.add(this.transcriptBytes, 'int'))}) end as history
      from seen left join conv on true left join ins on true left join run on true`,
      p.values,
    );
    const row = rows[0];
    if (!row) throw new NotFoundError(`No conversation ${conversationId}`);
    if (row.event == null) {
      if (row.owner === 'WAITING_FOR_HUMAN' || row.owner === 'HUMAN')
        throw new ConflictError('A colleague owns this conversation or it waits for one: the desk takes the message', {
          reason: CONVERSATION_HELD,
          details: { field: 'conversationId', state: row.owner },
        });
      return undefined;
    }
    const message = rawToEvent(jsonColumn(row.event));
    return {
      run: rawToRun(jsonColumn(row.run)),
      message,
      started: row.started == null ? undefined : rawToEvent(jsonColumn(row.started)),
      customerId: row.customer_id,
      session: sessionOf(row.session),
      history:
        row.history == null
          ? undefined
          : [...jsonColumn<Record<string, unknown>[]>(row.history).map(rawToEvent), message],
    };
  }

  /**
   * Claims a run with `FOR UPDATE SKIP LOCKED`: a PENDING run that no older run of its conversation
   * is ahead of, or a RUNNING one whose owner's lease expired. Only one process wins. A fresh run's
   * RUN_STARTED is stored in the same statement.
   */
  async claim(runId: string, lease: Lease): Promise<ClaimedRun | undefined> {
    const p = new SqlParams();
    const rows = await this.database.query<{
      run: unknown;
      previous_status: string;
      customer_id: string | null;
      started: unknown;
      session: unknown;
    }>(
      `with lock as materialized (
        select ${conversationLock('conversation_id')} as locked from runs where id = ${p.add(runId, 'uuid')}),
      target as (
        select r.id, r.status from runs r
        where r.id = ${p.add(runId, 'uuid')} and exists (select 1 from lock)
          and ((r.status = 'PENDING' and not exists (
                  select 1 from ${RUNS_OF('r.conversation_id', 'o')}
                  where o.status in ${ACTIVE}
                    and (o.created_at < r.created_at or (o.created_at = r.created_at and o.id < r.id))))
            or (r.status = 'RUNNING' and r.lease_expires_at < now()))
        for update of r skip locked),
      claimed as (
        update runs set lease_owner = ${p.add(lease.owner, 'text')},
          lease_expires_at = now() + (${p.add(lease.leaseMs, 'int')} * interval '1 millisecond'),
          status = 'RUNNING', updated_at = now()
        from target where runs.id = target.id
        returning runs.*, target.status as previous_status),
      conv as (
        update conversations c set last_seq = c.last_seq + 1, updated_at = now()
        from claimed where c.id = claimed.conversation_id and claimed.previous_status = 'PENDING' and claimed.plan is null
        returning c.id, c.last_seq),
      started as (
        insert into events (conversation_id, seq, run_id, type, data)
        select c.conversation_id, conv.last_seq, c.id, 'RUN_STARTED', jsonb_build_object('mode', c.mode)
        from claimed c join conv on conv.id = c.conversation_id
        returning ${this.returning})
      select to_jsonb(claimed) as run, claimed.previous_status, cv.customer_id, ${SESSION_OF('cv.id')} as session,
        (select to_jsonb(started) from started) as started
      from claimed join conversations cv on cv.id = claimed.conversation_id`,
      p.values,
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      ...rawToRun(jsonColumn(row.run)),
      resumed: row.previous_status === 'RUNNING',
      customerId: row.customer_id,
      session: sessionOf(row.session),
      started: row.started == null ? undefined : rawToEvent(jsonColumn(row.started)),
    };
  }

  /**
   * Stores a batch of one conversation's events, in order, and applies the run patch: one statement,
   * one commit. Transient events (MESSAGE_DELTA) are not stored. Returns the stored events.
   */
  async append(batch: readonly NewEvent[], run?: RunPatch): Promise<BatonEvent[]> {
    const stored = batch.filter((e) => !transientEventTypes.has(e.type));
    const p = new SqlParams();
    const ctes = stored.length ? eventCtes(stored, p, this.returning) : [];
    if (run) ctes.push(runUpdate(run, p));
    if (!stored.length) {
      if (run) await this.database.query(`with ${ctes.join(', ')} select 1`, p.values);
      return [];
    }
    const rows = await this.database.query(`with ${ctes.join(', ')} select * from ins order by seq`, p.values);
    if (rows.length !== stored.length) throw new NotFoundError(`No conversation ${stored[0]!.conversationId}`);
    return rows.map(rawToEvent);
  }

  /** The position of the conversation's last stored event (0 before any): every event up to it is committed. */
  async lastSeq(conversationId: string): Promise<number> {
    const [row] = await this.database.query<{ last_seq: number }>(
      'select last_seq from conversations where id = $1::uuid',
      [conversationId],
    );
    if (!row) throw new NotFoundError(`No conversation ${conversationId}`);
    return Number(row.last_seq);
  }

  /**
   * Stores a batch only if the conversation's last stored event is still the one at `lastSeq`, in one statement
   * (compare-and-set on `last_seq`, which PostgreSQL rechecks on the row's newest version); undefined, and nothing
   * stored, when another write came first.
   */
  async appendAt(batch: readonly NewEvent[], lastSeq: number): Promise<BatonEvent[] | undefined> {
    if (!batch.length || batch.some((e) => transientEventTypes.has(e.type)))
      throw new Error('a compare-and-set append stores at least one event, none of them transient');
    const p = new SqlParams();
    const ctes = eventCtes(batch, p, this.returning, undefined, `c.last_seq = ${p.add(lastSeq, 'int')}`);
    const rows = await this.database.query(`with ${ctes.join(', ')} select * from ins order by seq`, p.values);
    return rows.length ? rows.map(rawToEvent) : undefined;
  }

  /**
   * Changes a conversation's owner and stores the events that say so, in one statement: the owner
   * row, the hand-off's tickets and the events commit together, or nothing is written when the
   * transition's guard fails (undefined). With `stampTicket`, each event's data gets the hand-off's
   * `ticketId` as the row holds it.
   */
  async appendOwnerChange(
    batch: readonly NewEvent[],
    transition: OwnerTransition,
    options: { stampTicket?: boolean } = {},
  ): Promise<{ events: BatonEvent[]; owner: ConversationOwnerRow } | undefined> {
    if (!batch.length || batch.some((e) => transientEventTypes.has(e.type)))
      throw new Error('an ownership change stores at least one event, none of them transient');
    const p = new SqlParams();
    const ctes = eventCtes(batch, p, this.returning, (conversation) => ({
      ctes: ownerTransitionCtes(transition, conversation, p),
      data: options.stampTicket ? `x.data || jsonb_build_object('ticketId', own.ticket_id)` : 'x.data',
    }));
    const rows = await this.database.query<Record<string, unknown> & { owner: unknown }>(
      `with ${ctes.join(', ')} select ins.*, (select to_jsonb(own) from own) as owner from ins order by seq`,
      p.values,
    );
    if (!rows.length) return undefined;
    return { events: rows.map(rawToEvent), owner: rawToOwner(jsonColumn(rows[0]!.owner)) };
  }

  /** Extends the leases of these runs held by `owner`; returns the ones still held, with their status. */
  async renewLeases(
    ids: readonly string[],
    lease: Lease,
  ): Promise<{ id: string; status: RunStatus; pauseRequested: boolean }[]> {
    const rows = await this.database.query<{ id: string; status: RunStatus; pause_requested: boolean }>(
      `update runs set lease_expires_at = now() + ($3::int * interval '1 millisecond')
      where id = any($1::text::uuid[]) and lease_owner = $2::text returning id, status, pause_requested`,
      [`{${ids.join(',')}}`, lease.owner, lease.leaseMs],
    );
    return rows.map((r) => ({ id: r.id, status: r.status, pauseRequested: r.pause_requested === true }));
  }

  /**
   * Asks a PENDING or RUNNING run to pause at its next task boundary; undefined when it is neither.
   * Its owner sees the flag at once (same process) or at its next lease renewal; pausing clears it.
   */
  async requestPause(runId: string): Promise<RunRow | undefined> {
    const [row] = await this.database.query(
      `update runs set pause_requested = true, updated_at = now()
      where id = $1::uuid and status in ('PENDING', 'RUNNING') returning *`,
      [runId],
    );
    return row ? rawToRun(row) : undefined;
  }

  /**
   * Lets the leases of these runs lapse now, so a sweep (here or on another replica) takes them over:
   * on shutdown, and when the database failed under a run. Only RUNNING runs held by `owner`.
   */
  async releaseLeases(ids: readonly string[], owner: string): Promise<void> {
    if (!ids.length) return;
    await this.database.query(
      `update runs set lease_expires_at = 'epoch'
      where id = any($1::text::uuid[]) and lease_owner = $2::text and status = 'RUNNING'`,
      [`{${ids.join(',')}}`, owner],
    );
  }

  /**
   * Marks an active run CANCELLED; undefined when it was not active. A paused run executes nowhere,
   * though it still names the lease holder that paused it: its lease is cleared, so the caller
   * records the cancellation.
   */
  async cancel(runId: string, reason: string): Promise<RunRow | undefined> {
    const [row] = await this.database.query(
      `update runs set status = 'CANCELLED', finished_at = now(), updated_at = now(), error = $2::text,
        lease_owner = case when status = 'PAUSED' then null else lease_owner end,
        lease_expires_at = case when status = 'PAUSED' then null else lease_expires_at end
      where id = $1::uuid and status in ${ACTIVE} returning *`,
      [runId, reason],
    );
    return row ? rawToRun(row) : undefined;
  }

  /**
   * Cancels runs paused past their deadline, oldest pause first, at most `limit`: paused `deadlines.blockingMs` while
   * a newer run of their conversation waits behind them (a shopper's message, under the queue policy), or paused
   * `deadlines.maxMs` in any case (0: never). Each row's `error` is its reason (`reasons`, by which deadline passed);
   * its lease is cleared, as `cancel` does for a paused run, so the caller records RUN_CANCELLED.
   *
   * The update rechecks each row: a run that was continued, stepped or cancelled meanwhile (its status or `paused_at`
   * changed) is left alone, and of several replicas sweeping at once exactly one cancels a given run.
   *
   * `waitingIn`: only this conversation's paused runs, where a message is waiting now though not stored (the `reject`
   * policy would refuse it): the `blockingMs` deadline applies.
   */
  async expirePaused(
    deadlines: { blockingMs: number; maxMs: number },
    reasons: { blocking: string; max: string },
    options: { limit?: number; waitingIn?: string } = {},
  ): Promise<RunRow[]> {
    const params: unknown[] = [
      deadlines.blockingMs,
      deadlines.maxMs,
      reasons.blocking,
      reasons.max,
      options.limit ?? 100,
    ];
    const only = options.waitingIn ? `and p.conversation_id = $${params.push(options.waitingIn)}::uuid` : '';
    const waitedBehind = options.waitingIn
      ? 'true'
      : `exists (select 1 from ${RUNS_OF('p.conversation_id', 'w')}
          where w.status in ${ACTIVE} and (w.created_at > p.created_at or (w.created_at = p.created_at and w.id > p.id)))`;
    const rows = await this.database.query(
      `with due as (
        select d.id, d.paused_at, d.blocking from (
          select p.id, ${PAUSED_AT('p')} as paused_at, ${waitedBehind} as blocking
          from runs p
          where p.status = 'PAUSED' and ${PAUSED_AT('p')} < now() - ($1::float8 * interval '1 millisecond') ${only}) d
        where d.blocking or ($2::float8 > 0 and d.paused_at < now() - ($2::float8 * interval '1 millisecond'))
        order by d.paused_at limit $5::int)
      update runs r set status = 'CANCELLED', finished_at = now(), updated_at = now(),
        error = case when due.blocking then $3::text else $4::text end, lease_owner = null, lease_expires_at = null
      from due
      where r.id = due.id and r.status = 'PAUSED' and ${PAUSED_AT('r')} = due.paused_at
      returning r.*`,
      params,
    );
    return rows.map(rawToRun);
  }

  /** A paused run becomes PENDING with a step budget (-1: run to the end), for the next claim. */
  async unpause(runId: string, budget: number): Promise<RunRow | undefined> {
    const [row] = await this.database.query(
      `update runs set step_budget = $2::int, status = 'PENDING', lease_owner = null, lease_expires_at = null,
        pause_requested = false, paused_at = null, updated_at = now()
      where id = $1::uuid and status = 'PAUSED' returning *`,
      [runId, budget],
    );
    return row ? rawToRun(row) : undefined;
  }

  /** The oldest active run of a conversation. */
  async oldestActive(conversationId: string): Promise<{ id: string; status: RunStatus } | undefined> {
    const [row] = await this.database.query<{ id: string; status: RunStatus }>(
      `select a.id, a.status from ${RUNS_OF('$1::uuid', 'a')} where a.status in ${ACTIVE}
      order by a.created_at, a.id limit 1`,
      [conversationId],
    );
    return row;
  }

  /** Runs to take over: RUNNING under an expired lease, or PENDING with no owner; oldest first. */
  async orphans(limit: number): Promise<{ id: string; conversationId: string; status: RunStatus }[]> {
    const rows = await this.database.query<{ id: string; conversation_id: string; status: RunStatus }>(
      `select id, conversation_id, status from runs
      where (status = 'RUNNING' and lease_expires_at < now()) or (status = 'PENDING' and lease_owner is null)
      order by created_at limit $1::int`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, status: r.status }));
  }
}

/**
 * The CTEs that store a batch of one conversation's events (`ins`), numbered under the conversation's
 * lock. With `gate`, its CTEs come right after the lock and the events are stored only when its
 * `own` CTE returns a row (an ownership change that applied); `data` is the stored data expression.
 */
function eventCtes(
  batch: readonly NewEvent[],
  p: SqlParams,
  returning: string,
  gate?: (conversation: string) => { ctes: string[]; data: string },
  /** A further condition on the conversation row (alias `c`): nothing is stored unless it holds. */
  onlyIf?: string,
): string[] {
  const conversationId = batch[0]!.conversationId;
  if (batch.some((e) => e.conversationId !== conversationId))
    throw new Error('an event batch belongs to one conversation');
  const rows = batch.map((e, i) => ({
    i,
    run_id: e.runId ?? null,
    task_id: e.taskId ?? null,
    agent_name: e.agentName ?? null,
    type: e.type,
    data: e.data,
  }));
  const n = p.add(batch.length, 'int');
  const conversation = p.add(conversationId, 'uuid');
  const gated = gate?.(conversation);
  return [
    `lock as materialized (select ${conversationLock(conversation)} as locked)`,
    ...(gated?.ctes ?? []),
    `conv as (
      update conversations c set last_seq = c.last_seq + ${n}, updated_at = now()
      from lock${gated ? ', own' : ''} where id = ${conversation}${onlyIf ? ` and ${onlyIf}` : ''}
      returning c.id, c.last_seq - ${n} as base)`,
    `ins as (
      insert into events (conversation_id, seq, run_id, task_id, agent_name, type, data)
      select conv.id, conv.base + x.i + 1, x.run_id, x.task_id, x.agent_name, x.type, ${gated?.data ?? 'x.data'}
      from conv${gated ? ', own' : ''}, jsonb_to_recordset(${p.add(JSON.stringify(rows), 'text')}::jsonb)
        as x(i int, run_id uuid, task_id text, agent_name text, type text, data jsonb)
      order by x.i
      returning ${returning})`,
  ];
}

/**
 * The conversation's own lock, taken first in every statement that writes its events. An advisory
 * lock assigns no transaction id, so the writer's id (events.tx) is drawn after it: within a
 * conversation, tx order is seq order, and the feed's (tx, id) order keeps each conversation in order.
 * (A row lock would draw the id before waiting.) Two conversations whose keys collide merely share it.
 */
function conversationLock(conversationId: string): string {
  return `pg_advisory_xact_lock(hashtextextended(${conversationId}::text, 0))`;
}

function runUpdate(run: RunPatch, params: SqlParams): string {
  const sets = ['updated_at = now()'];
  if (run.status) sets.push(`status = ${params.add(run.status, 'text')}`);
  if (run.status === 'PAUSED') sets.push('pause_requested = false', 'paused_at = now()');
  if (run.plan !== undefined) sets.push(`plan = ${params.add(JSON.stringify(run.plan), 'text')}::jsonb`);
  if (run.completedTaskIds)
    sets.push(`completed_task_ids = ${params.add(JSON.stringify(run.completedTaskIds), 'text')}::jsonb`);
  if (run.error !== undefined) sets.push(`error = ${params.add(run.error, 'text')}`);
  if (run.finished) sets.push('finished_at = now()', 'lease_owner = null', 'lease_expires_at = null');
  return `upd as (update runs set ${sets.join(', ')} where id = ${params.add(run.id, 'uuid')} returning id)`;
}

/** The conversation's customer_sessions row as JSON, read with the run so a turn makes no extra read. */
const SESSION_OF = (conversation: string) =>
  `(select jsonb_build_object('customerId', s.customer_id, 'method', s.method, 'verifiedUntil', s.verified_until)
    from customer_sessions s where s.conversation_id = ${conversation})`;

function sessionOf(value: unknown): SessionRow | null {
  if (value == null) return null;
  const s = jsonColumn<{ customerId: string; method: string; verifiedUntil: string }>(value);
  return { customerId: s.customerId, method: s.method, verifiedUntil: new Date(s.verifiedUntil) };
}

/**
 * A conversation's events as `e`, for a transcript read, scanned through the conversation's own index. With the
 * type filter beside it in one scan, PostgreSQL ANDed in events_type_id_idx, which holds those types' events of
 * every conversation: each message's read grew with the whole log (a bitmap of 2,222 index entries for the 38 rows
 * of one conversation, after 100 conversations). `offset 0` keeps the filter out of the scan.
 */
const CONVERSATION_EVENTS = (conversation: string) =>
  `(select * from events where conversation_id = ${conversation} offset 0) e`;

/** The event types a transcript is made of. */
const TRANSCRIPT_TYPES = `('MESSAGE', 'TOOL_CALL', 'TASK_COMPLETED', 'IDENTITY')`;

/**
 * A conversation's transcript events as `e`, each with its run's creation time (`run_created_at`; its own time when
 * it has no run), which orders a transcript. The run's time is a primary-key lookup per event: as a join, PostgreSQL
 * hashed all of `runs` while its statistics called the table small (a sequential scan of 4,999 rows, 261 buffers,
 * for the 20 events of one conversation, in the load benchmark). `offset 0` keeps the lookup to once per event.
 */
export const TRANSCRIPT_EVENTS = (conversation: string) =>
  `(select e.*, coalesce((select r.created_at from runs r where r.id = e.run_id), e.created_at) as run_created_at
    from ${CONVERSATION_EVENTS(conversation)} where e.type in ${TRANSCRIPT_TYPES} offset 0) e`;

/**
 * Per transcript event, the stored bytes of the events after it (newest first), as `later`; a read keeps
 * the rows WITHIN_WINDOW of its bound.
 */
export const LATER_BYTES = `sum(pg_column_size(e.data)) over (order by e.run_created_at desc, e.seq desc
        rows between unbounded preceding and 1 preceding) as later`;

/** The rows a bounded transcript read keeps: the newest within `bytes`, and every IDENTITY event (who the shopper is does not leave with the window). */
export const WITHIN_WINDOW = (bytes: string) => `t.type = 'IDENTITY' or coalesce(t.later, 0) < ${bytes}`;

/**
 * The transcript before this statement (its snapshot leaves out the message it stores), in
 * loadTranscriptEvents's order and with its bound (`bytes`, a parameter). Read in the claiming statement,
 * it saves the run a round trip.
 */
const TRANSCRIPT_BEFORE = (bytes: string) =>
  `select coalesce(jsonb_agg(to_jsonb(t) - 'run_created_at' - 'later' order by t.run_created_at, t.seq), '[]'::jsonb)
  from (select e.id, e.conversation_id, e.seq, e.run_id, e.task_id, e.agent_name, e.type, e.data, e.created_at,
      e.run_created_at, ${LATER_BYTES}
    from ${TRANSCRIPT_EVENTS('conv.id')}) t
  where ${WITHIN_WINDOW(bytes)}`;
