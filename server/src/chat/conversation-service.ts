import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { hashSecret, randomSecret, sameHash } from '../auth/secrets.js';
import type { Db } from '../db/client.js';
import { EVENT_SEQUENCE_LOCK, rawToEvent } from '../db/event-store.js';
import { jsonColumn, rawToRun } from '../db/raw-rows.js';
import { type ConversationRow, conversations, type RunMode, type RunRow, runs } from '../db/schema/conversations.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { rowsOf } from '../store/sql-rows.js';
import type { EventPublisher } from './event-publisher.js';
import type { BatonEvent } from './events.js';

export type Conversation = Omit<ConversationRow, 'tokenHash'>;
export type Run = RunRow;

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

  constructor(
    private readonly db: Db,
    private readonly events: EventPublisher,
    private readonly limits: { maxMessageLength: number },
  ) {}

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
   * Stores the user's MESSAGE event and a PENDING run in one transaction, then publishes the event.
   * The orchestrator picks the run up; nothing here waits for a model.
   */
  async sendMessage(
    conversationId: string,
    text: string,
    mode: RunMode = 'AUTO',
  ): Promise<{ run: Run; message: BatonEvent }> {
    const trimmed = text.trim();
    if (!trimmed) throw ValidationError.single('text', 'message is empty');
    if (trimmed.length > this.limits.maxMessageLength)
      throw ValidationError.single('text', `message is longer than ${this.limits.maxMessageLength} characters`);
    if (!isUuid(conversationId)) throw new NotFoundError(`No conversation ${conversationId}`);
    const runId = crypto.randomUUID();
    const notify = this.events.bus.notifyChannel;
    // One statement, so one round trip and one commit: take the event-sequence lock (before the
    // conversation's row lock, as every event write does), touch the conversation, store the MESSAGE
    // event and the PENDING run, and queue the bus's NOTIFY. No conversation row, no rows at all.
    const result = await this.db.execute(sql`
      with lock as materialized (select pg_advisory_xact_lock(${EVENT_SEQUENCE_LOCK}) as locked),
      conv as (update conversations set updated_at = now() from lock where id = ${conversationId} returning id),
      ins as (
        insert into events (conversation_id, run_id, type, data)
        select conv.id, ${runId}, 'MESSAGE', ${JSON.stringify({ role: 'user', text: trimmed })}::jsonb from conv
        returning id, conversation_id, run_id, task_id, agent_name, type, data, created_at),
      run as (
        insert into runs (id, conversation_id, mode, status, message_event_id)
        select ${runId}, ins.conversation_id, ${mode}, 'PENDING', ins.id from ins
        returning *),
      note as (select ${notify ? sql`pg_notify(${notify}, json_build_object('upTo', (select id from ins))::text)` : sql`null`} as n)
      select to_jsonb(ins) as event, to_jsonb(run) as run from ins, run, note`);
    const [row] = rowsOf<{ event: unknown; run: unknown }>(result);
    if (!row) throw new NotFoundError(`No conversation ${conversationId}`);
    const message = rawToEvent(jsonColumn(row.event));
    const run = rawToRun(jsonColumn(row.run));
    await this.events.publishCommitted([message], { notified: !!notify });
    return { run, message };
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

  async touch(conversationId: string): Promise<void> {
    await this.db.execute(sql`update conversations set updated_at = now() where id = ${conversationId}`);
  }
}

const strip = ({ tokenHash: _t, ...rest }: ConversationRow): Conversation => rest;
export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
