import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { hashSecret, randomSecret, sameHash } from '../auth/secrets.js';
import type { Database, Db } from '../db/client.js';
import { isUniqueViolation } from '../db/raw-rows.js';
import { type Enqueued, type Lease, ONE_RUNNING_RUN_INDEX, type RunRepository } from '../db/run-repository.js';
import { type ConversationRow, conversations, type RunMode, type RunRow, runs } from '../db/schema/conversations.js';
import { conversationOwners } from '../db/schema/desk.js';
import { isUuid } from '../domain/uuid.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { EventLog } from './event-log.js';

export type Conversation = Omit<ConversationRow, 'tokenHash'>;
export type Run = RunRow;

export type SentMessage = Enqueued;

export interface SendMessageOptions {
  /** Store the run already claimed by this owner (RUNNING, leased) when nothing in its conversation is ahead of it. */
  claimFor?: Lease;
  /** The API key that sent the message: stored as the run's `startedBy`. */
  startedBy?: string;
}

/** How many verified tokens are remembered before the memo starts over. */
const VERIFIED_TOKENS_KEPT = 10_000;

export const activeRunStatuses = ['PENDING', 'RUNNING', 'PAUSED'] as const;

export interface StartConversationInput {
  customerId?: string | null;
  title?: string | null;
  metadata?: Record<string, unknown> | null;
  /** Staff only (checked by the caller): the card drafts this conversation's runs use. */
  drafts?: string[] | null;
}

/** Conversations, their tokens, and the user messages that start runs. */
export class ConversationService {
  /** sha256 of a conversation token -> its conversation id. */
  private readonly verified = new Map<string, string>();
  /** Bumped by every forget: a lookup that began before one does not remember what it found. */
  private forgets = 0;

  private readonly db: Db;

  constructor(
    database: Pick<Database, 'db'>,
    private readonly runs: Pick<RunRepository, 'enqueue'>,
    private readonly events: EventLog,
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
        drafts: input.drafts ?? null,
        tokenHash: hashSecret(token),
      })
      .returning();
    this.remember(row!.tokenHash, row!.id);
    return { conversation: strip(row!), token };
  }

  /**
   * Resolves a conversation token to its conversation id, or null. Tokens never change, so a verified
   * token is remembered (bounded), and the ones this replica hands out are known from the start. An
   * erased or purged conversation is forgotten on every replica as soon as the deletion commits
   * (DeletedConversations): its token is refused everywhere from then on.
   */
  async verifyToken(token: string): Promise<string | null> {
    const match = /^ct_([0-9a-f-]{36})_[A-Za-z0-9_-]+$/.exec(token);
    if (!match) return null;
    const hash = hashSecret(token);
    const known = this.verified.get(hash);
    if (known) return known;
    const forgets = this.forgets;
    const [row] = await this.db
      .select({ id: conversations.id, tokenHash: conversations.tokenHash })
      .from(conversations)
      .where(eq(conversations.id, match[1]!));
    if (!row || !sameHash(row.tokenHash, hash)) return null;
    // A deletion while the row was read: the conversation may be gone by now; the next use reads again.
    if (forgets === this.forgets) this.remember(hash, row.id);
    return row.id;
  }

  /**
   * Forgets the tokens of deleted conversations (erasure, retention): these, or every token remembered
   * when another replica deleted conversations it does not name.
   */
  forget(conversationIds: Iterable<string> | 'all'): void {
    this.forgets++;
    if (conversationIds === 'all') {
      this.verified.clear();
      return;
    }
    const gone = new Set(conversationIds);
    if (!gone.size) return;
    for (const [hash, id] of this.verified) if (gone.has(id)) this.verified.delete(hash);
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

  /** The customer a conversation acts for (null: none), or NOT_FOUND: its column alone, not the row's metadata. */
  async customerId(id: string): Promise<string | null> {
    if (!isUuid(id)) throw new NotFoundError(`No conversation ${id}`);
    const [row] = await this.db
      .select({ customerId: conversations.customerId })
      .from(conversations)
      .where(eq(conversations.id, id));
    if (!row) throw new NotFoundError(`No conversation ${id}`);
    return row.customerId;
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
   * Stores the user's MESSAGE event and its run in one statement (RunRepository.enqueue), then
   * publishes what it stored. With `claimFor`, a run that nothing in its conversation is ahead of is
   * stored already claimed, with its RUN_STARTED: the caller starts it. Otherwise the run is PENDING.
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
    let sent: SentMessage;
    try {
      sent = await this.runs.enqueue(conversationId, trimmed, mode, options.claimFor, options.startedBy);
    } catch (err) {
      // Another message of this conversation claimed its run at the same moment: queue behind it.
      if (!options.claimFor || !isUniqueViolation(err, ONE_RUNNING_RUN_INDEX)) throw err;
      sent = await this.runs.enqueue(conversationId, trimmed, mode, undefined, options.startedBy);
    }
    this.events.publish(sent.started ? [sent.message, sent.started] : [sent.message]);
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

  /** Whether a person owns the conversation or it waits for one, as its owner row says now (not a replica's cache). */
  async isHeld(conversationId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ state: conversationOwners.state })
      .from(conversationOwners)
      .where(eq(conversationOwners.conversationId, conversationId));
    return row?.state === 'WAITING_FOR_HUMAN' || row?.state === 'HUMAN';
  }

  async activeRuns(conversationId: string): Promise<Run[]> {
    return this.db
      .select()
      .from(runs)
      .where(and(eq(runs.conversationId, conversationId), inArray(runs.status, [...activeRunStatuses])))
      .orderBy(runs.createdAt);
  }
}

const strip = ({ tokenHash: _t, ...rest }: ConversationRow): Conversation => rest;
