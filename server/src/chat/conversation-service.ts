import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { hashSecret, randomSecret, sameHash } from '../auth/secrets.js';
import type { Database, Db } from '../db/client.js';
import { EVENT_SEQUENCE_LOCK, rawToEvent } from '../db/event-store.js';
import { isUniqueViolation, jsonColumn, rawToRun, SqlParams } from '../db/raw-rows.js';
import { type ConversationRow, conversations, type RunMode, type RunRow, runs } from '../db/schema/conversations.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { EventPublisher } from './event-publisher.js';
import type { BatonEvent } from './events.js';

export type Conversation = Omit<ConversationRow, 'tokenHash'>;
export type Run = RunRow;

/** The partial unique index that keeps a conversation to one RUNNING run (migration 0004). */
const ONE_RUNNING_RUN_INDEX = 'runs_one_running_per_conversation';

export interface SentMessage {
  run: Run;
  message: BatonEvent;
  /** The run's RUN_STARTED, when sendMessage claimed it (`claimFor`). */
  started?: BatonEvent;
  customerId: string | null;
  /**
   * When sendMessage claimed the run: the conversation's transcript, this message last (what
   * loadTranscriptEvents would read). Nothing else of the conversation can be running then.
   */
  history?: BatonEvent[];
}

export interface SendMessageOptions {
  /** Store the run already claimed by this owner (RUNNING, leased) when nothing in its conversation is ahead of it. */
  claimFor?: { owner: string; leaseMs: number };
  /**
   * Called once the message and run are committed, before the stored events are delivered to
   * subscribers: a run started here takes its first step while they are delivered and the HTTP
   * response is written. Nothing of the run can be published before them (its events are stored first).
   */
  beforePublish?: (sent: SentMessage) => void;
}

/** How many verified tokens are remembered before the memo starts over. */
const VERIFIED_TOKENS_KEPT = 10_000;

export const activeRunStatuses = ['PENDING', 'RUNNING', 'PAUSED'] as const;

export interface StartConversationInput {
  customerId?: string | null;
  title?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** Conversations, their tokens, and the user messages that start runs. */
export class ConversationService {
  /** sha256 of a conversation token -> its conversation id. */
  private readonly verified = new Map<string, string>();

  private readonly db: Db;

  constructor(
    private readonly database: Pick<Database, 'db' | 'query'>,
    private readonly events: EventPublisher,
    private readonly limits: { maxMessageLength: number },
  ) {
    this.db = database.db;
  }

  /** Creates a conversation and its token. The token is returned once and stored hashed. */
  async start(input: StartConversationInput): Promise<{ conversation: Conversation; token: string }> {
    const id = crypto.randomUUID();
    const token = `ct_${id}_${randomSecret()}`;
    const [row] = await this.db
      .insert(conversations)
      .values({
        id,
        customerId: input.customerId ?? null,
        title: input.title ?? null,
        metadata: input.metadata ?? {},
        tokenHash: hashSecret(token),
      })
      .returning();
    this.remember(row!.tokenHash, row!.id);
    return { conversation: strip(row!), token };
  }

  /**
   * Resolves a conversation token to its conversation id, or null. Tokens never change and
   * conversations are never deleted, so a verified token is remembered (bounded), and the ones this
   * replica hands out are known from the start.
   */
  async verifyToken(token: string): Promise<string | null> {
    const match = /^ct_([0-9a-f-]{36})_[A-Za-z0-9_-]+$/.exec(token);
    if (!match) return null;
    const hash = hashSecret(token);
    const known = this.verified.get(hash);
    if (known) return known;
    const [row] = await this.db
      .select({ id: conversations.id, tokenHash: conversations.tokenHash })
      .from(conversations)
      .where(eq(conversations.id, match[1]!));
    if (!row || !sameHash(row.tokenHash, hash)) return null;
    this.remember(hash, row.id);
    return row.id;
  }

  private remember(tokenHash: string, conversationId: string): void {
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.clear();
    this.verified.set(tokenHash, conversationId);
  }

  async get(id: string): Promise<Conversation> {
    if (!isUuid(id)) throw new NotFoundError(`No conversation ${id}`);
    const [row] = await this.db.select().from(conversations).where(eq(conversations.id, id));
    if (!row) throw new NotFoundError(`No conversation ${id}`);
    return strip(row);
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async page(limit: number, after?: { createdAt: Date; id: string }): Promise<Conversation[]> {
    const rows = await this.db
      .select()
      .from(conversations)
      .where(
        after
          ? or(
              lt(conversations.createdAt, after.createdAt),
              and(eq(conversations.createdAt, after.createdAt), lt(conversations.id, after.id)),
            )
          : undefined,
      )
      .orderBy(desc(conversations.createdAt), desc(conversations.id))
      .limit(limit);
    return rows.map(strip);
  }

  /**
   * Stores the user's MESSAGE event and its run in one statement, then publishes what it stored.
   * With `claimFor`, a run that nothing in its conversation is ahead of is stored already claimed
   * (RUNNING, leased to that owner) together with its RUN_STARTED: the common case costs one commit,
   * not two. Otherwise the run is PENDING and the orchestrator picks it up; nothing here waits for a model.
   */
  async sendMessage(
    conversationId: string,
    text: string,
    mode: RunMode = 'AUTO',
    options: SendMessageOptions = {},
  ): Promise<SentMessage> {
    const trimmed = text.trim();
    if (!trimmed) throw ValidationError.single('text', 'message is empty');
    if (trimmed.length > this.limits.maxMessageLength)
      throw ValidationError.single('text', `message is longer than ${this.limits.maxMessageLength} characters`);
    if (!isUuid(conversationId)) throw new NotFoundError(`No conversation ${conversationId}`);
    try {
      return await this.store(conversationId, trimmed, mode, options.claimFor, options.beforePublish);
    } catch (err) {
      // Another message of this conversation claimed its run at the same moment: queue behind it.
      if (options.claimFor && isUniqueViolation(err, ONE_RUNNING_RUN_INDEX))
        return this.store(conversationId, trimmed, mode, undefined, options.beforePublish);
      throw err;
    }
  }

  private async store(
    conversationId: string,
    text: string,
    mode: RunMode,
    claimFor: { owner: string; leaseMs: number } | undefined,
    beforePublish: ((sent: SentMessage) => void) | undefined,
  ): Promise<SentMessage> {
    const runId = crypto.randomUUID();
    const notify = this.events.bus.notifyChannel;
    // Take the event-sequence lock (before the conversation's row lock, as every event write does),
    // touch the conversation, store the MESSAGE event and the run, RUN_STARTED when the run is claimed
    // here, and queue the bus's NOTIFY. No conversation row, no rows at all. A claim that races
    // another (both saw nothing ahead) fails on the one-running-run-per-conversation index.
    const p = new SqlParams();
    const conversation = p.add(conversationId, 'uuid');
    const claim = claimFor
      ? `(select count(*) = 0 from runs where conversation_id = ${conversation} and status in ('PENDING', 'RUNNING', 'PAUSED'))`
      : 'false';
    const runParam = p.add(runId, 'uuid');
    const result = await this.events.storing(() =>
      this.database.query(
        `with lock as materialized (select pg_advisory_xact_lock(${p.add(EVENT_SEQUENCE_LOCK, 'bigint')}) as locked),
      conv as (
        update conversations set updated_at = now() from lock where id = ${conversation}
        returning id, customer_id, ${claim} as claimed),
      ins as (
        insert into events (conversation_id, run_id, type, data)
        select conv.id, ${runParam}, 'MESSAGE', ${p.add(JSON.stringify({ role: 'user', text }), 'text')}::jsonb from conv
        returning id, conversation_id, run_id, task_id, agent_name, type, data, created_at),
      run as (
        insert into runs (id, conversation_id, mode, status, message_event_id, lease_owner, lease_expires_at)
        select ${runParam}, ins.conversation_id, ${p.add(mode, 'text')},
          case when conv.claimed then 'RUNNING' else 'PENDING' end, ins.id,
          case when conv.claimed then ${p.add(claimFor?.owner ?? null, 'text')} end,
          case when conv.claimed then now() + (${p.add(claimFor?.leaseMs ?? 0, 'int')} * interval '1 millisecond') end
        from ins, conv
        returning *),
      started as (
        insert into events (conversation_id, run_id, type, data)
        select run.conversation_id, run.id, 'RUN_STARTED', jsonb_build_object('mode', run.mode) from run
        where run.status = 'RUNNING'
        returning id, conversation_id, run_id, task_id, agent_name, type, data, created_at),
      note as (select ${
        notify
          ? `pg_notify(${p.add(notify, 'text')}, json_build_object('upTo', coalesce((select id from started), (select id from ins)))::text)`
          : 'null'
      } as n)
      select to_jsonb(ins) as event, to_jsonb(run) as run, (select to_jsonb(started) from started) as started,
        conv.customer_id,
        case when run.status = 'RUNNING' then (${TRANSCRIPT_BEFORE}) end as history
      from ins, run, conv, note`,
        p.values,
      ),
    );
    const row = result[0] as
      | { event: unknown; run: unknown; started: unknown; customer_id: string | null; history: unknown }
      | undefined;
    if (!row) throw new NotFoundError(`No conversation ${conversationId}`);
    const message = rawToEvent(jsonColumn(row.event));
    const run = rawToRun(jsonColumn(row.run));
    const started = row.started == null ? undefined : rawToEvent(jsonColumn(row.started));
    const history =
      row.history == null
        ? undefined
        : [...jsonColumn<Record<string, unknown>[]>(row.history).map(rawToEvent), message];
    const sent: SentMessage = { run, message, started, customerId: row.customer_id, history };
    beforePublish?.(sent);
    await this.events.publishCommitted(started ? [message, started] : [message], { notified: !!notify });
    return sent;
  }

  async getRun(id: string): Promise<Run> {
    if (!isUuid(id)) throw new NotFoundError(`No run ${id}`);
    const [row] = await this.db.select().from(runs).where(eq(runs.id, id));
    if (!row) throw new NotFoundError(`No run ${id}`);
    return row;
  }

  async runsOf(conversationId: string): Promise<Run[]> {
    return this.db.select().from(runs).where(eq(runs.conversationId, conversationId)).orderBy(runs.createdAt);
  }

  /** Run history, newest first, filtered by status, an agent in the plan, and creation time. */
  async listRuns(filter: {
    statuses?: readonly RunRow['status'][];
    agentName?: string;
    since?: Date;
    until?: Date;
    conversationId?: string;
    limit: number;
  }): Promise<Run[]> {
    const where = [
      filter.statuses?.length ? inArray(runs.status, [...filter.statuses]) : undefined,
      filter.conversationId ? eq(runs.conversationId, filter.conversationId) : undefined,
      filter.since ? sql`${runs.createdAt} >= ${filter.since.toISOString()}::timestamptz` : undefined,
      filter.until ? sql`${runs.createdAt} < ${filter.until.toISOString()}::timestamptz` : undefined,
      filter.agentName
        ? sql`exists (select 1 from jsonb_array_elements(${runs.plan} -> 'tasks') t where t ->> 'agent' = ${filter.agentName})`
        : undefined,
    ].filter((w) => w !== undefined);
    return this.db
      .select()
      .from(runs)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(runs.createdAt))
      .limit(filter.limit);
  }

  async activeRuns(conversationId: string): Promise<Run[]> {
    return this.db
      .select()
      .from(runs)
      .where(and(eq(runs.conversationId, conversationId), inArray(runs.status, [...activeRunStatuses])))
      .orderBy(runs.createdAt);
  }
}

/**
 * The transcript before this statement (its snapshot leaves out the message it stores), in
 * loadTranscriptEvents's order. Read in the claiming statement, it saves the run a round trip.
 */
const TRANSCRIPT_BEFORE = `select coalesce(jsonb_agg(to_jsonb(t) - 'run_created_at' order by t.run_created_at, t.id), '[]'::jsonb)
  from (select e.id, e.conversation_id, e.run_id, e.task_id, e.agent_name, e.type, e.data, e.created_at,
      coalesce(r.created_at, e.created_at) as run_created_at
    from events e left join runs r on r.id = e.run_id
    where e.conversation_id = conv.id and e.type in ('MESSAGE', 'TOOL_CALL', 'TASK_COMPLETED')) t`;

const strip = ({ tokenHash: _t, ...rest }: ConversationRow): Conversation => rest;
export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
