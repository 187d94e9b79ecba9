import { and, eq, ne } from 'drizzle-orm';
import { cancelUnownedRun } from '../chat/cancel-unowned-run.js';
import type { EventLog } from '../chat/event-log.js';
import type { Db } from '../db/client.js';
import type { RunRepository } from '../db/run-repository.js';
import type { BatonEvent } from '../domain/events.js';
import { isUuid } from '../domain/uuid.js';
import { tickets } from '../store/schema/tickets.js';
import { createTicket } from '../store/tickets.js';
import { changeOwner, HELD, type Ownership, readOwnership } from './ownership.js';
import type { OwnershipCache } from './ownership-cache.js';

export interface HandOffRecorderDeps {
  db: Db;
  events: EventLog;
  /** Cancels the queued runs of a conversation handed over (RunRepository owns the statement). */
  runs: Pick<RunRepository, 'cancel'>;
  conversations: {
    get(id: string): Promise<{ id: string; customerId: string | null }>;
    activeRuns(id: string): Promise<{ id: string; status: string }[]>;
  };
  /** This replica's ownership cache, shared with the DeskService. */
  cache: OwnershipCache;
  now?: () => Date;
}

/** Store tools that hand the conversation to a person: a TOOL_CALL of one opens the hand-off. */
const TICKET_TOOLS = new Set(['store.create_ticket', 'store.transfer_to_human_agents']);

/**
 * Opens hand-offs: a person asked for (DeskService.requestHuman), and the ones a run's ticket tool calls open, which the
 * run records (RunExecutor's HandOffRecorder) before it takes its next step. Needs no RunManager: it stops only runs
 * that wait (PENDING), which execute nowhere.
 */
export class HandOffRecorder {
  private readonly now: () => Date;

  constructor(private readonly deps: HandOffRecorderDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * The hand-offs that a run's stored events open (a successful create_ticket or transfer_to_human_agents), recorded
   * before the run goes on. Nothing to do, and no read, for events that open none. Safe to repeat for the same events
   * (a resumed run records its ticket calls again): a hand-off that is open, closed or folded already stays as it is.
   */
  async recordHandOffs(events: readonly BatonEvent[]): Promise<void> {
    for (const e of events) if (filesTicket(e)) await this.ticketFiled(e);
  }

  /** A hand-off that a ticket tool made during a run (create_ticket, transfer_to_human_agents). */
  async ticketFiled(event: BatonEvent): Promise<void> {
    if (!filesTicket(event)) return;
    const output = event.data.output as {
      ticket_id?: string;
      ticket?: { ticket_id?: string; summary?: string };
      summary?: string;
    };
    const filed = output?.ticket_id ?? output?.ticket?.ticket_id;
    if (!filed) return;
    const reason = output.summary ?? output.ticket?.summary ?? 'A colleague was asked to take over.';
    await this.requestHuman({
      conversationId: event.conversationId,
      by: event.agentName ?? 'Assistant',
      reason,
      // An id that is no ticket of this conversation in Baton's store (a ticket tool that is not Baton's store, even
      // one whose ids are uuids) is not one the desk can follow: the hand-off still opens, with a ticket of the desk's
      // own, so that a colleague hears of it and the run goes on.
      ticketId: await this.deskTicket(event.conversationId, filed),
      ...(event.runId ? { runId: event.runId } : {}),
    });
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
    /** The run whose ticket tool opened the hand-off: HUMAN_REQUESTED is one of its events. */
    runId?: string;
  }): Promise<Ownership> {
    const { db } = this.deps;
    const reason = input.reason.trim() || 'The shopper asked for a person.';
    const conversation = await this.deps.conversations.get(input.conversationId);
    let ticketId = input.ticketId;
    if (!ticketId) {
      const current = await readOwnership(db, conversation.id);
      if (HELD.includes(current.state)) return current;
      const ticket = await createTicket(
        db,
        {
          customer: { customerId: conversation.customerId ?? undefined, verified: !!conversation.customerId },
          conversationId: conversation.id,
          agentName: input.by,
        },
        { summary: reason, priority: 'normal' },
      );
      ticketId = ticket.ticket_id;
    }
    const changed = await changeOwner(
      this.deps,
      [
        {
          type: 'HUMAN_REQUESTED',
          conversationId: conversation.id,
          ...(input.runId ? { runId: input.runId } : {}),
          agentName: input.by,
          data: { by: input.by, reason, ticketId },
        },
      ],
      { to: 'WAITING_FOR_HUMAN', by: input.by, reason, ticketId, at: this.now() },
    );
    if (!changed) {
      const current = await readOwnership(db, conversation.id);
      // A hand-off opened meanwhile (or a run that started before it): fold this ticket into the open one.
      if (HELD.includes(current.state) && current.ticketId !== ticketId)
        await db
          .update(tickets)
          .set({
            status: 'closed',
            internalNote: `Duplicate of ticket ${current.ticketId}: the conversation already waits for a colleague.`,
          })
          .where(and(eq(tickets.id, ticketId), ne(tickets.status, 'closed')));
      return current;
    }
    // A message queued behind the hand-off would run the planner (and could open a second ticket).
    await this.cancelPending(conversation.id, 'a colleague was asked to take over');
    return changed.ownership;
  }

  /** Cancels the conversation's runs that wait to start (no process executes them). */
  private async cancelPending(conversationId: string, reason: string): Promise<void> {
    // A run claimed meanwhile is leased: its owner notices at its next lease renewal and records the cancellation.
    for (const run of await this.deps.conversations.activeRuns(conversationId))
      if (run.status === 'PENDING') await cancelUnownedRun(this.deps, run.id, reason);
  }

  /** `id` when it is a ticket of this conversation in the desk's store, else undefined (looked up). */
  private async deskTicket(conversationId: string, id: unknown): Promise<string | undefined> {
    // Only the form is checked before the lookup: PostgreSQL refuses to compare a uuid column with anything else.
    if (typeof id !== 'string' || !isUuid(id)) return undefined;
    const [row] = await this.deps.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.id, id), eq(tickets.conversationId, conversationId)));
    return row?.id;
  }
}

/** A ticket tool's successful TOOL_CALL: it opens a hand-off. */
const filesTicket = (e: BatonEvent): e is Extract<BatonEvent, { type: 'TOOL_CALL' }> =>
  e.type === 'TOOL_CALL' && TICKET_TOOLS.has(e.data.tool) && !e.data.error;
