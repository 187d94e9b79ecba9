import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { EventLog } from '../chat/event-log.js';
import type { Db } from '../db/client.js';
import { type ConversationOwnerRow, conversationOwners, type OwnershipState } from '../db/schema/desk.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';
import type { WorkspaceSettings } from '../domain/workspace-settings.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type TicketRow, tickets } from '../store/schema/tickets.js';
import { createTicket } from '../store/tickets.js';
import type { DeskActor } from './desk-actor.js';
import { OwnershipCache } from './ownership-cache.js';
import { waitNotice } from './wait-notice.js';

/** Agent name on the shopper-facing notices the desk posts (the wait notice). */
export const DESK_AGENT = 'Desk';

/** A conversation's owner; BOT when it never had a hand-off. */
export type Ownership = Omit<ConversationOwnerRow, 'humanId' | 'waitNoticeSent'> & { state: OwnershipState };

export interface DeskDeps {
  db: Db;
  events: EventLog;
  settings: { get(): Promise<WorkspaceSettings> };
  /** Stops runs that must not answer once a person is asked for or takes over. */
  runs: { cancel(runId: string, reason: string): Promise<unknown> };
  conversations: {
    get(id: string): Promise<{ id: string; customerId: string | null }>;
    activeRuns(id: string): Promise<{ id: string; status: string }[]>;
  };
  limits: { maxMessageLength: number };
  logger: Logger;
  /** Drafts a suggested reply for the colleague (agent assist); absent in setups without models. */
  suggest?: (conversationId: string, message: BatonEvent) => Promise<void>;
  now?: () => Date;
}

export interface TicketUpdate {
  status?: TicketRow['status'];
  priority?: TicketRow['priority'];
  assignee?: string | null;
  internalNote?: string | null;
}

/** Store tools that hand the conversation to a person: a TOOL_CALL of one opens the hand-off. */
const TICKET_TOOLS = new Set(['store.create_ticket', 'store.transfer_to_human_agents']);

const HELD: OwnershipState[] = ['WAITING_FOR_HUMAN', 'HUMAN'];

/**
 * Conversation ownership (BOT → WAITING_FOR_HUMAN → HUMAN → BOT or RESOLVED). Every transition is a
 * compare-and-set on the owner row, decided by the database, followed by its event: of two colleagues
 * claiming at once, one wins and the other gets CONFLICT. While a person owns a conversation or it waits
 * for one, the shopper's messages are stored and delivered and no run starts.
 */
export class DeskService {
  readonly cache = new OwnershipCache();
  private unsubscribe?: () => void;
  private readonly now: () => Date;

  constructor(private readonly deps: DeskDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Follows the bus: the ownership cache, and tickets that agents file during runs. */
  async start(): Promise<void> {
    this.unsubscribe = this.deps.events.bus.subscribe((e) => {
      if (e.type === 'TOOL_CALL' && TICKET_TOOLS.has(e.data.tool))
        void this.ticketFiled(e).catch((err) =>
          this.deps.logger.error({ err, conversationId: e.conversationId }, 'could not record the hand-off'),
        );
    });
    await this.cache.start(this.deps.events.bus, () =>
      this.deps.db
        .select({ conversationId: conversationOwners.conversationId, state: conversationOwners.state })
        .from(conversationOwners)
        .where(inArray(conversationOwners.state, HELD)),
    );
  }

  stop(): void {
    this.unsubscribe?.();
    this.cache.stop();
  }

  /** Whether a shopper's message goes to the desk rather than to the planner (no database read). */
  holds(conversationId: string): boolean {
    return this.cache.get(conversationId) !== undefined;
  }

  async ownership(conversationId: string): Promise<Ownership> {
    const [row] = await this.deps.db
      .select()
      .from(conversationOwners)
      .where(eq(conversationOwners.conversationId, conversationId));
    return row ? view(row) : botOwned(conversationId);
  }

  /** Open hand-offs: waiting ones first, oldest request first, then the ones people own. */
  async queue(states: readonly OwnershipState[] = HELD): Promise<Ownership[]> {
    const rows = await this.deps.db
      .select()
      .from(conversationOwners)
      .where(inArray(conversationOwners.state, [...states]))
      .orderBy(
        sql`case ${conversationOwners.state} when 'WAITING_FOR_HUMAN' then 0 when 'HUMAN' then 1 else 2 end`,
        asc(conversationOwners.requestedAt),
        asc(conversationOwners.updatedAt),
      )
      .limit(500);
    return rows.map(view);
  }

  /**
   * Asks for a person. With no ticket given, one is opened here. Never a second ticket for the same
   * open hand-off: when the conversation waits for or belongs to a person already, nothing changes.
   */
  async requestHuman(input: {
    conversationId: string;
    by: string;
    reason: string;
    ticketId?: string | null;
  }): Promise<Ownership> {
    const reason = input.reason.trim() || 'The shopper asked for a person.';
    const conversation = await this.deps.conversations.get(input.conversationId);
    const [won] = await this.deps.db
      .insert(conversationOwners)
      .values({
        conversationId: conversation.id,
        state: 'WAITING_FOR_HUMAN',
        requestedBy: input.by,
        reason,
        ticketId: input.ticketId ?? null,
        requestedAt: this.now(),
      })
      .onConflictDoUpdate({
        target: conversationOwners.conversationId,
        set: {
          state: 'WAITING_FOR_HUMAN',
          requestedBy: input.by,
          reason,
          ticketId: input.ticketId ?? null,
          requestedAt: this.now(),
          claimedAt: null,
          human: null,
          humanId: null,
          waitNoticeSent: false,
          updatedAt: this.now(),
        },
        setWhere: notInArray(conversationOwners.state, HELD),
      })
      .returning();
    if (!won) return this.ownership(conversation.id);
    let ticketId = won.ticketId;
    if (!ticketId) {
      const ticket = await createTicket(
        this.deps.db,
        {
          customer: { customerId: conversation.customerId ?? undefined, verified: !!conversation.customerId },
          conversationId: conversation.id,
          agentName: input.by,
        },
        { summary: reason, priority: 'normal' },
      );
      ticketId = ticket.ticket_id;
      await this.deps.db
        .update(conversationOwners)
        .set({ ticketId })
        .where(eq(conversationOwners.conversationId, conversation.id));
    }
    await this.append([
      {
        type: 'HUMAN_REQUESTED',
        conversationId: conversation.id,
        agentName: input.by,
        data: { by: input.by, reason, ticketId },
      },
    ]);
    this.cache.set(conversation.id, 'WAITING_FOR_HUMAN');
    // A message queued behind the hand-off would run the planner (and could open a second ticket).
    await this.stopRuns(conversation.id, ['PENDING'], 'a colleague was asked to take over');
    return { ...view(won), ticketId };
  }

  /** Takes the conversation over. A racing second claim gets CONFLICT. */
  async claim(conversationId: string, actor: DeskActor): Promise<Ownership> {
    await this.deps.conversations.get(conversationId);
    const [won] = await this.deps.db
      .insert(conversationOwners)
      .values({ conversationId, state: 'HUMAN', human: actor.name, humanId: actor.id, claimedAt: this.now() })
      .onConflictDoUpdate({
        target: conversationOwners.conversationId,
        set: { state: 'HUMAN', human: actor.name, humanId: actor.id, claimedAt: this.now(), updatedAt: this.now() },
        setWhere: sql`${conversationOwners.state} <> 'HUMAN'`,
      })
      .returning();
    if (!won) {
      const current = await this.ownership(conversationId);
      throw new ConflictError(`${current.human ?? 'Another colleague'} has already taken this conversation`, {
        details: { field: 'conversationId', owner: current.human },
      });
    }
    await this.append([
      {
        type: 'HUMAN_JOINED',
        conversationId,
        agentName: actor.name,
        data: { human: actor.name, ticketId: won.ticketId },
      },
    ]);
    this.cache.set(conversationId, 'HUMAN');
    if (won.ticketId)
      await this.deps.db.update(tickets).set({ assignee: actor.name }).where(eq(tickets.id, won.ticketId));
    await this.stopRuns(conversationId, ['PENDING', 'RUNNING', 'PAUSED'], `${actor.name} took the conversation over`);
    return view(won);
  }

  /** A colleague's reply, as `role: human`. Only the colleague who owns the conversation replies in it. */
  async sendHumanMessage(conversationId: string, text: string, actor: DeskActor): Promise<BatonEvent> {
    const trimmed = this.checkText(text);
    const row = await this.ownerRow(conversationId);
    if (row?.state !== 'HUMAN') throw new ConflictError('Claim the conversation before replying in it');
    if (row.humanId !== actor.id)
      throw new ConflictError(`${row.human} owns this conversation`, {
        details: { field: 'conversationId', owner: row.human },
      });
    const [stored] = await this.append([
      { type: 'MESSAGE', conversationId, data: { role: 'human', text: trimmed, author: actor.name } },
    ]);
    return stored!;
  }

  /** Returns the conversation to the planner; its next turn reads the colleague's messages. */
  async handBack(conversationId: string, actor: DeskActor, note = ''): Promise<Ownership> {
    const [won] = await this.deps.db
      .update(conversationOwners)
      .set({ state: 'BOT', updatedAt: this.now() })
      .where(
        and(
          eq(conversationOwners.conversationId, conversationId),
          eq(conversationOwners.state, 'HUMAN'),
          actor.admin ? undefined : eq(conversationOwners.humanId, actor.id),
        ),
      )
      .returning();
    if (!won) throw new ConflictError('Only the colleague who owns this conversation can hand it back');
    await this.append([
      { type: 'HANDED_BACK', conversationId, agentName: actor.name, data: { human: actor.name, note: note.trim() } },
    ]);
    this.cache.set(conversationId, 'BOT');
    if (won.ticketId) await this.deps.db.update(tickets).set({ status: 'pending' }).where(eq(tickets.id, won.ticketId));
    return view(won);
  }

  /** Closes the hand-off and its ticket. A person's conversation is resolved by its owner (or an admin). */
  async resolve(conversationId: string, actor: DeskActor, note?: string): Promise<Ownership> {
    await this.deps.conversations.get(conversationId);
    const [won] = await this.deps.db
      .insert(conversationOwners)
      .values({ conversationId, state: 'RESOLVED', human: actor.name, humanId: actor.id })
      .onConflictDoUpdate({
        target: conversationOwners.conversationId,
        set: { state: 'RESOLVED', updatedAt: this.now() },
        setWhere: actor.admin
          ? sql`${conversationOwners.state} <> 'RESOLVED'`
          : sql`${conversationOwners.state} <> 'RESOLVED' and (${conversationOwners.state} <> 'HUMAN' or ${conversationOwners.humanId} = ${actor.id})`,
      })
      .returning();
    if (!won) throw new ConflictError('This conversation is resolved already, or another colleague owns it');
    await this.append([
      {
        type: 'RESOLVED',
        conversationId,
        agentName: actor.name,
        data: { by: actor.name, ...(note?.trim() ? { note: note.trim() } : {}), ticketId: won.ticketId },
      },
    ]);
    this.cache.set(conversationId, 'RESOLVED');
    if (won.ticketId) await this.deps.db.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, won.ticketId));
    return view(won);
  }

  /**
   * A shopper's message while a person owns the conversation or it waits for one: stored and delivered,
   * no run. While waiting, the first such message also gets the wait notice (once per hand-off); while a
   * person owns it, agent assist drafts a reply for them.
   */
  async holdShopperMessage(conversationId: string, text: string): Promise<BatonEvent> {
    const trimmed = this.checkText(text);
    const [notice] = await this.deps.db
      .update(conversationOwners)
      .set({ waitNoticeSent: true })
      .where(
        and(
          eq(conversationOwners.conversationId, conversationId),
          eq(conversationOwners.state, 'WAITING_FOR_HUMAN'),
          eq(conversationOwners.waitNoticeSent, false),
        ),
      )
      .returning({ id: conversationOwners.conversationId });
    const settings = await this.deps.settings.get();
    const batch: NewEvent[] = [{ type: 'MESSAGE', conversationId, data: { role: 'user', text: trimmed } }];
    if (notice)
      batch.push({
        type: 'MESSAGE',
        conversationId,
        agentName: DESK_AGENT,
        data: { role: 'assistant', text: waitNotice(settings.businessHours, this.now()) },
      });
    const [message] = await this.append(batch);
    if (this.cache.get(conversationId) === 'HUMAN' && settings.agentAssist && this.deps.suggest)
      void this.deps
        .suggest(conversationId, message!)
        .catch((err) => this.deps.logger.warn({ err, conversationId }, 'agent assist could not draft a suggestion'));
    return message!;
  }

  /** A hand-off that a ticket tool made during a run (create_ticket, transfer_to_human_agents). */
  async ticketFiled(event: BatonEvent): Promise<void> {
    if (event.type !== 'TOOL_CALL' || event.data.error) return;
    const output = event.data.output as {
      ticket_id?: string;
      ticket?: { ticket_id?: string; summary?: string };
      summary?: string;
    };
    const ticketId = output?.ticket_id ?? output?.ticket?.ticket_id;
    if (!ticketId) return;
    const reason = output.summary ?? output.ticket?.summary ?? 'A colleague was asked to take over.';
    const result = await this.requestHuman({
      conversationId: event.conversationId,
      by: event.agentName ?? 'Assistant',
      reason,
      ticketId,
    });
    if (result.ticketId && result.ticketId !== ticketId) {
      // A run that started before the hand-off opened another ticket: fold it into the open one.
      await this.deps.db
        .update(tickets)
        .set({
          status: 'closed',
          internalNote: `Duplicate of ticket ${result.ticketId}: the conversation already waits for a colleague.`,
        })
        .where(eq(tickets.id, ticketId));
    }
  }

  async updateTicket(id: string, patch: TicketUpdate): Promise<TicketRow> {
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (typeof set.internalNote === 'string' && set.internalNote.length > 4_000)
      throw ValidationError.single('input.internalNote', 'at most 4000 characters');
    if (typeof set.assignee === 'string' && set.assignee.length > 200)
      throw ValidationError.single('input.assignee', 'at most 200 characters');
    const [row] = Object.keys(set).length
      ? await this.deps.db.update(tickets).set(set).where(eq(tickets.id, id)).returning()
      : await this.deps.db.select().from(tickets).where(eq(tickets.id, id));
    if (!row) throw new NotFoundError(`No ticket ${id}`);
    return row;
  }

  private async ownerRow(conversationId: string): Promise<ConversationOwnerRow | undefined> {
    const [row] = await this.deps.db
      .select()
      .from(conversationOwners)
      .where(eq(conversationOwners.conversationId, conversationId));
    return row;
  }

  private checkText(text: string): string {
    const trimmed = text.trim();
    if (!trimmed) throw ValidationError.single('text', 'message is empty');
    if (trimmed.length > this.deps.limits.maxMessageLength)
      throw ValidationError.single('text', `message is longer than ${this.deps.limits.maxMessageLength} characters`);
    return trimmed;
  }

  /** Appends, then publishes. */
  private async append(batch: NewEvent[]): Promise<BatonEvent[]> {
    const stored = await this.deps.events.append(batch);
    this.deps.events.publish(stored);
    return stored;
  }

  private async stopRuns(conversationId: string, statuses: string[], reason: string): Promise<void> {
    for (const run of await this.deps.conversations.activeRuns(conversationId))
      if (statuses.includes(run.status)) await this.deps.runs.cancel(run.id, reason);
  }
}

const view = ({ humanId: _h, waitNoticeSent: _w, ...rest }: ConversationOwnerRow): Ownership => rest;

const botOwned = (conversationId: string): Ownership => ({
  conversationId,
  state: 'BOT',
  human: null,
  ticketId: null,
  requestedBy: null,
  reason: null,
  requestedAt: null,
  claimedAt: null,
  updatedAt: new Date(0),
});
