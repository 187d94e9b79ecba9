import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { EventLog } from '../chat/event-log.js';
import type { RunManager } from '../chat/run-manager.js';
import type { Db } from '../db/client.js';
import type { EventStore } from '../db/event-store.js';
import type { OwnerTransition } from '../db/owner-transition.js';
import { type ConversationOwnerRow, conversationOwners, type OwnershipState } from '../db/schema/desk.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';
import type { WorkspaceSettings } from '../domain/workspace-settings.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type TicketRow, tickets } from '../store/schema/tickets.js';
import type { DeskActor } from './desk-actor.js';
import type { HandOffRecorder } from './hand-off-recorder.js';
import { changeOwner, HELD, type Ownership, readOwnership, view } from './ownership.js';
import type { OwnershipCache } from './ownership-cache.js';
import { waitNotice } from './wait-notice.js';
import { readWithdrawal } from './withdrawal.js';

/** Agent name on the shopper-facing notices the desk posts (the wait notice). */
export const DESK_AGENT = 'Desk';

/** What the shopper is told once their request for a person is withdrawn, however they withdrew it. */
export const WITHDRAWN_CONFIRMATION =
  "Okay, I've cancelled the request for a colleague. I'm here if you need anything else.";

/** Events that change who owns a conversation. */
export const HAND_OFF_EVENTS = [
  'HUMAN_REQUESTED',
  'HUMAN_JOINED',
  'HANDED_BACK',
  'RESOLVED',
  'HUMAN_REQUEST_WITHDRAWN',
] as const;

/**
 * What became of a shopper's message while the conversation was held: stored for the colleague, or it withdrew
 * the request for one. `botTurn`: it was not stored, and the caller submits it as a normal turn: `withdrawn`, the
 * message said more than the withdrawal ("never mind, where's my order?", see withdrawal.ts; the caller confirms
 * the withdrawal after the turn); else the conversation was not held after all (handed back or resolved, and this
 * replica had not heard of it yet).
 */
export type HeldMessage =
  | { message: BatonEvent; withdrawn: boolean; botTurn: false }
  | { botTurn: true; withdrawn: boolean };

export type { Ownership } from './ownership.js';

export interface DeskDeps {
  db: Db;
  events: EventLog;
  /** Reads the conversation's stored events (the withdrawal a take-over names). */
  eventStore: Pick<EventStore, 'list' | 'eventsByIds'>;
  settings: { get(): Promise<WorkspaceSettings> };
  /** Stops the runs of a conversation a colleague takes over, wherever they execute. */
  runs: Pick<RunManager, 'cancel'>;
  /** Opens hand-offs (a person asked for): the same path a run's ticket tool call takes. */
  handOffs: Pick<HandOffRecorder, 'requestHuman'>;
  /** This replica's ownership cache, shared with the HandOffRecorder. */
  cache: OwnershipCache;
  conversations: {
    get(id: string): Promise<{ id: string; customerId: string | null }>;
    activeRuns(id: string): Promise<{ id: string; status: string }[]>;
  };
  limits: { maxMessageLength: number };
  logger: Logger;
  /** Drafts a suggested reply for the colleague (agent assist); absent in setups without models. */
  suggest?: (conversationId: string, message: BatonEvent) => Promise<void>;
  /** Checks a verification code typed while the conversation is held (desk-verification.ts): what to store for it. */
  heldCodes?: { check(conversationId: string, text: string): Promise<NewEvent[] | undefined> };
  now?: () => Date;
}

export interface TicketUpdate {
  status?: TicketRow['status'];
  priority?: TicketRow['priority'];
  assignee?: string | null;
  internalNote?: string | null;
}

/**
 * Conversation ownership (BOT → WAITING_FOR_HUMAN → HUMAN → BOT or RESOLVED). Every transition is a
 * compare-and-set on the owner row, decided by the database in the statement that stores its event
 * (and updates the hand-off's tickets): of two colleagues claiming at once, one wins and the other
 * gets CONFLICT, and no event is ever stored without its row change, or the other way round. While a person owns a conversation or it waits
 * for one, the shopper's messages are stored and delivered and no run starts.
 */
export class DeskService {
  readonly cache: OwnershipCache;
  private readonly now: () => Date;

  constructor(private readonly deps: DeskDeps) {
    this.cache = deps.cache;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Follows the bus with the ownership cache. Tickets that agents file are not followed here: the run that filed one
   * records its hand-off (HandOffRecorder) before it goes on, once, on the replica that runs it.
   */
  async start(): Promise<void> {
    await this.cache.start(this.deps.events.bus, async () => {
      const rows = await this.deps.db
        .select({
          conversationId: conversationOwners.conversationId,
          state: conversationOwners.state,
          // The seq of the event that made the state, so that an older one the bus brings late is ignored.
          seq: sql<number | string | null>`(select max(e.seq) from events e
            where e.conversation_id = ${conversationOwners.conversationId}
              and e.type in (${sql.raw(HAND_OFF_EVENTS.map((t) => `'${t}'`).join(', '))}))`,
        })
        .from(conversationOwners)
        .where(inArray(conversationOwners.state, HELD));
      return rows.map((r) => ({ ...r, seq: r.seq === null ? null : Number(r.seq) }));
    });
  }

  stop(): void {
    this.cache.stop();
  }

  /**
   * Forgets deleted conversations (an erasure, a retention purge): these ids, or, told by another replica (which does
   * not say which), every cached one that no longer has an owner row (the deletion took it with the conversation).
   */
  async forget(ids: readonly string[] | 'all'): Promise<void> {
    if (ids !== 'all') return this.cache.drop(ids);
    const cached = this.cache.conversationIds();
    if (!cached.length) return;
    const rows = await this.deps.db
      .select({ id: conversationOwners.conversationId })
      .from(conversationOwners)
      // One array parameter, however many conversations this replica has seen a hand-off of.
      .where(sql`${conversationOwners.conversationId} = any(${`{${cached.join(',')}}`}::uuid[])`);
    const kept = new Set(rows.map((r) => r.id));
    this.cache.drop(cached.filter((id) => !kept.has(id)));
  }

  /**
   * Whether a shopper's message likely goes to the desk rather than to the planner (no database read): the path it
   * tries first. Each path decides on the owner row (RunRepository.enqueue, holdShopperMessage) and hands the message
   * to the other when the row says so: another replica's change this one has not heard of yet.
   */
  holds(conversationId: string): boolean {
    return this.cache.get(conversationId) !== undefined;
  }

  ownership(conversationId: string): Promise<Ownership> {
    return readOwnership(this.deps.db, conversationId);
  }

  /**
   * Open hand-offs: waiting ones first, then the ones people own; in each, by their ticket's priority (urgent, high,
   * normal, low; no ticket counts as normal), then oldest request first. A shopper whose ticket a colleague (or the
   * agent that handed off) marked urgent is not left behind shoppers who asked earlier about something that can wait.
   */
  async queue(states: readonly OwnershipState[] = HELD): Promise<Ownership[]> {
    const rows = await this.deps.db
      .select()
      .from(conversationOwners)
      .where(inArray(conversationOwners.state, [...states]))
      .orderBy(
        sql`case ${conversationOwners.state} when 'WAITING_FOR_HUMAN' then 0 when 'HUMAN' then 1 else 2 end`,
        sql`coalesce((select case t.priority when 'urgent' then 0 when 'high' then 1 when 'low' then 3 else 2 end
          from tickets t where t.id = ${conversationOwners.ticketId}), 2)`,
        asc(conversationOwners.requestedAt),
        asc(conversationOwners.updatedAt),
      )
      .limit(500);
    return rows.map(view);
  }

  /**
   * Asks for a person (HandOffRecorder.requestHuman, the path a run's ticket tool call takes too). With no ticket
   * given, one is opened. Never a second ticket for the same open hand-off.
   */
  requestHuman(input: Parameters<HandOffRecorder['requestHuman']>[0]): Promise<Ownership> {
    return this.deps.handOffs.requestHuman(input);
  }

  /**
   * Takes the conversation over. A racing second claim gets CONFLICT, and so does a claim of a request the shopper
   * withdrew, unless it names that withdrawal (`afterWithdrawal`, the HUMAN_REQUEST_WITHDRAWN event's id): the
   * colleague saw the shopper needs nobody and steps in anyway. A claim made against the waiting request still loses
   * the race with the withdrawal.
   */
  async claim(
    conversationId: string,
    actor: DeskActor,
    options: { afterWithdrawal?: number } = {},
  ): Promise<Ownership> {
    await this.deps.conversations.get(conversationId);
    const seen =
      options.afterWithdrawal === undefined
        ? undefined
        : await this.withdrawal(conversationId, options.afterWithdrawal);
    const changed = await this.change(
      [{ type: 'HUMAN_JOINED', conversationId, agentName: actor.name, data: { human: actor.name, ticketId: null } }],
      {
        to: 'HUMAN',
        human: actor.name,
        humanId: actor.id,
        at: this.now(),
        ...(seen ? { seenWithdrawal: { ticketId: seen.ticketId } } : {}),
      },
      { stampTicket: true },
    );
    if (!changed) {
      const current = await this.ownership(conversationId);
      if (current.state !== 'HUMAN') {
        // The withdrawal to name, to take the conversation over anyway.
        const latest = (await this.deps.eventStore.list({ conversationId, types: ['HUMAN_REQUEST_WITHDRAWN'] })).at(-1);
        throw new ConflictError(
          seen
            ? 'The shopper asked for a colleague and withdrew again since that withdrawal: the bot answers them'
            : 'The shopper withdrew the request for a colleague: the bot answers them again',
          {
            details: {
              field: 'conversationId',
              reason: 'WITHDRAWN',
              withdrawalEventId: latest ? String(latest.id) : null,
            },
          },
        );
      }
      throw new ConflictError(`${current.human ?? 'Another colleague'} has already taken this conversation`, {
        details: { field: 'conversationId', owner: current.human },
      });
    }
    await this.stopRuns(conversationId, ['PENDING', 'RUNNING', 'PAUSED'], `${actor.name} took the conversation over`);
    return changed;
  }

  /** The ticket of the request a HUMAN_REQUEST_WITHDRAWN event of this conversation took back. */
  private async withdrawal(conversationId: string, eventId: number): Promise<{ ticketId: string | null }> {
    const [event] = await this.deps.eventStore.eventsByIds([eventId]);
    if (event?.type !== 'HUMAN_REQUEST_WITHDRAWN' || event.conversationId !== conversationId)
      throw ValidationError.single('afterWithdrawal', 'not a HUMAN_REQUEST_WITHDRAWN event of this conversation');
    return { ticketId: event.data.ticketId ?? null };
  }

  /** A colleague's reply, as `role: human`. Only the colleague who owns the conversation replies in it. */
  async sendHumanMessage(conversationId: string, text: string, actor: DeskActor): Promise<BatonEvent> {
    const trimmed = this.checkText(text);
    await this.assertOwner(conversationId, actor, 'replying in it');
    const [stored] = await this.append([
      { type: 'MESSAGE', conversationId, data: { role: 'human', text: trimmed, author: actor.name } },
    ]);
    return stored!;
  }

  /** CONFLICT unless this colleague owns the conversation now (claimed, and not handed back or resolved since). */
  async assertOwner(conversationId: string, actor: DeskActor, doing: string): Promise<void> {
    const row = await this.ownerRow(conversationId);
    if (row?.state !== 'HUMAN')
      throw new ConflictError(`Claim the conversation before ${doing}`, { details: { field: 'conversationId' } });
    if (row.humanId !== actor.id)
      throw new ConflictError(`${row.human} owns this conversation`, {
        details: { field: 'conversationId', owner: row.human },
      });
  }

  /** Returns the conversation to the planner; its next turn reads the colleague's messages. */
  async handBack(conversationId: string, actor: DeskActor, note = ''): Promise<Ownership> {
    const changed = await this.change(
      [{ type: 'HANDED_BACK', conversationId, agentName: actor.name, data: { human: actor.name, note: note.trim() } }],
      { to: 'BOT', humanId: actor.admin ? null : actor.id, at: this.now() },
    );
    if (!changed) throw new ConflictError('Only the colleague who owns this conversation can hand it back');
    return changed;
  }

  /**
   * Closes the hand-off and every ticket of the conversation that is still open or pending. A
   * person's conversation is resolved by its owner (or an admin).
   */
  async resolve(conversationId: string, actor: DeskActor, note?: string): Promise<Ownership> {
    await this.deps.conversations.get(conversationId);
    const changed = await this.change(
      [
        {
          type: 'RESOLVED',
          conversationId,
          agentName: actor.name,
          data: { by: actor.name, ...(note?.trim() ? { note: note.trim() } : {}), ticketId: null },
        },
      ],
      { to: 'RESOLVED', human: actor.name, humanId: actor.id, onlyOwner: !actor.admin, at: this.now() },
      { stampTicket: true },
    );
    if (!changed) throw new ConflictError('This conversation is resolved already, or another colleague owns it');
    return changed;
  }

  /**
   * The shopper takes back their request for a person before a colleague claimed it: the bot answers again,
   * the hand-off's ticket is closed with a note saying so, and the shopper is told. `by`: `shopper`, or the
   * API key's name. Changes nothing when no request waits (a second withdrawal, a conversation the bot owns);
   * CONFLICT once a colleague has claimed it: then the colleague decides. A claim racing it: one of the two
   * wins (the owner row's compare-and-set), the other gets CONFLICT.
   */
  async withdrawRequest(
    conversationId: string,
    by: string,
    options: { via?: 'api' | 'message'; message?: string; confirm?: boolean } = {},
  ): Promise<{ ownership: Ownership; events: BatonEvent[] }> {
    const { message, confirm = true, via = message ? 'message' : 'api' } = options;
    await this.deps.conversations.get(conversationId);
    // The ticket is read first so that the event names it; the change applies only while it is still the
    // hand-off's. A hand-off withdrawn and asked for again in between is read again.
    for (let attempt = 0; ; attempt++) {
      const current = await this.ownership(conversationId);
      if (current.state === 'HUMAN')
        throw new ConflictError(
          `${current.human ?? 'A colleague'} has already taken this conversation: write to them in the chat instead`,
          { details: { field: 'conversationId', owner: current.human } },
        );
      if (current.state !== 'WAITING_FOR_HUMAN') return { ownership: current, events: [] };
      const at = this.now();
      const who = by === 'shopper' ? 'the shopper' : `${by} for the shopper`;
      const batch: NewEvent[] = [];
      if (message) batch.push({ type: 'MESSAGE', conversationId, data: { role: 'user', text: message } });
      batch.push({
        type: 'HUMAN_REQUEST_WITHDRAWN',
        conversationId,
        agentName: by,
        data: { by, via, ticketId: current.ticketId },
      });
      if (confirm) batch.push(this.confirmation(conversationId));
      const changed = await this.changed(batch, {
        to: 'BOT',
        withdrawn: {
          ticketId: current.ticketId,
          note: `Request withdrawn by ${who} at ${at.toISOString()}, before a colleague claimed it: no reply needed.`,
        },
        at,
      });
      if (changed) return changed;
      if (attempt >= 2) throw new ConflictError('The hand-off changed meanwhile; try again');
    }
  }

  /**
   * A shopper's message while a person owns the conversation or it waits for one: stored and delivered,
   * no run. A verification code in it is checked as a run would check it. While waiting, the first such
   * message also gets the wait notice (once per hand-off); while a person owns it, agent assist drafts a
   * reply for them. While waiting, a message that withdraws the request (withdrawal.ts) gives the conversation
   * back to the bot; when it says more than that, it is not stored here but answered as a normal turn.
   *
   * Decided on the owner row, not on this replica's cache: the message is stored only while the row, under the
   * conversation's lock, says the conversation is held; otherwise it is left to the planner (`botTurn`).
   */
  async holdShopperMessage(conversationId: string, text: string): Promise<HeldMessage> {
    const trimmed = this.checkText(text);
    // withdrawRequest reads the row: it withdraws only a request that still waits.
    const withdrawal = readWithdrawal(trimmed);
    if (withdrawal?.more) {
      // The message follows as a normal turn; the caller confirms the withdrawal after it (confirmWithdrawal).
      const { events } = await this.withdrawRequest(conversationId, 'shopper', {
        via: 'message',
        confirm: false,
      }).catch((err) => {
        if (err instanceof ConflictError) return { events: [] };
        throw err;
      });
      if (events.length) return { botTurn: true, withdrawn: true };
    } else if (withdrawal) {
      const { events } = await this.withdrawRequest(conversationId, 'shopper', { message: trimmed }).catch((err) => {
        if (err instanceof ConflictError) return { events: [] };
        throw err;
      });
      if (events.length) return { message: events[0]!, withdrawn: true, botTurn: false };
    }
    // Not a withdrawal, or a colleague claimed the conversation first: the message is theirs.
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
    const held = await this.deps.events.appendOwnerChange(batch, { keep: 'HELD' });
    if (!held) return { botTurn: true, withdrawn: false };
    this.deps.events.publish(held.events);
    const [message] = held.events;
    this.cache.set(conversationId, held.owner.state, held.events.at(-1)!.seq!);
    // A code answers itself (verified, or the fixed refusal); there is nothing for agent assist to draft.
    const code = await this.deps.heldCodes?.check(conversationId, trimmed);
    if (code) await this.append(code);
    else if (held.owner.state === 'HUMAN' && settings.agentAssist && this.deps.suggest)
      void this.deps
        .suggest(conversationId, message!)
        .catch((err) => this.deps.logger.warn({ err, conversationId }, 'agent assist could not draft a suggestion'));
    return { message: message!, withdrawn: false, botTurn: false };
  }

  /**
   * Tells the shopper their request for a person is withdrawn, after the message that withdrew it when that
   * message went on to ask something (holdShopperMessage's `botTurn`): the confirmation follows their message,
   * and the bot's answer follows it.
   */
  async confirmWithdrawal(conversationId: string): Promise<void> {
    await this.append([this.confirmation(conversationId)]);
  }

  private confirmation(conversationId: string): NewEvent {
    return {
      type: 'MESSAGE',
      conversationId,
      agentName: DESK_AGENT,
      data: { role: 'assistant', text: WITHDRAWN_CONFIRMATION },
    };
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

  /**
   * An ownership change and its events, committed together, then published; undefined when the
   * transition's guard failed (nothing was written).
   */
  private async change(
    batch: NewEvent[],
    transition: OwnerTransition,
    options?: { stampTicket?: boolean },
  ): Promise<Ownership | undefined> {
    return (await this.changed(batch, transition, options))?.ownership;
  }

  /** `change`, with the events it stored. */
  private async changed(
    batch: NewEvent[],
    transition: OwnerTransition,
    options?: { stampTicket?: boolean },
  ): Promise<{ ownership: Ownership; events: BatonEvent[] } | undefined> {
    return changeOwner({ events: this.deps.events, cache: this.cache }, batch, transition, options);
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
