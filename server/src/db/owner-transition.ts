import { ConflictError } from '../errors.js';
import { dateColumn, type SqlParams } from './raw-rows.js';
import type { ConversationOwnerRow } from './schema/desk.js';

/**
 * A change of a conversation's owner, written in the statement that stores its event
 * (RunRepository.appendOwnerChange): the row, the hand-off's tickets and the event commit together,
 * or, when the change does not apply (its guard fails), none of them.
 */
export type OwnerTransition =
  /**
   * → WAITING_FOR_HUMAN, unless a person owns it or it waits for one already. Only while `ticketId` is
   * open: a ticket that a resolution closed in the meantime opens no hand-off.
   */
  | { to: 'WAITING_FOR_HUMAN'; by: string; reason: string; ticketId: string; at: Date }
  /**
   * → HUMAN, unless a person owns it already, or the shopper withdrew the request for one (a claim that raced
   * the withdrawal loses). With `seenWithdrawal`, a withdrawn request is claimed too, as long as it is still the one
   * that withdrawal took back (its ticket): a colleague steps in knowingly. The hand-off's open tickets are assigned
   * to them.
   */
  | { to: 'HUMAN'; human: string; humanId: string; at: Date; seenWithdrawal?: { ticketId: string | null } }
  /** HUMAN → BOT, by its owner (`humanId`), or by anyone when null (an admin). Open tickets become pending. */
  | { to: 'BOT'; humanId: string | null; at: Date }
  /**
   * WAITING_FOR_HUMAN → BOT: the shopper withdrew the request before anyone claimed it. Only while the hand-off
   * is still the one whose ticket is `ticketId` (the event names it); that ticket is closed, with `note` added
   * to its internal note.
   */
  | { to: 'BOT'; withdrawn: { ticketId: string | null; note: string }; at: Date }
  /**
   * → RESOLVED, unless it is already; a person's conversation only by its owner (`onlyOwner`). Every
   * ticket of the conversation that is not closed is closed.
   */
  | { to: 'RESOLVED'; human: string; humanId: string; onlyOwner: boolean; at: Date }
  /**
   * No change: the events are stored only while a person owns the conversation or it waits for one (a shopper's
   * message the desk keeps for the colleague), as the owner row's newest version says once the lock is held.
   */
  | { keep: 'HELD' };

/** The owner states in which a shopper's message goes to the desk, not to the planner (an SQL list). */
export const HELD = `('WAITING_FOR_HUMAN', 'HUMAN')`;

/** ConflictError.reason when a shopper's message was not stored as a turn: the conversation belongs to the desk. */
export const CONVERSATION_HELD = 'CONVERSATION_HELD';

/** A person owns the conversation or it waits for one (RunRepository.enqueue stored nothing): the desk takes the message. */
export const isConversationHeld = (err: unknown): err is ConflictError =>
  err instanceof ConflictError && err.reason === CONVERSATION_HELD;

/**
 * The owner row of a hand-off the shopper withdrew: back to the bot, requested but never claimed. No other
 * path gives that: a hand-back comes from HUMAN (whose claim set `claimed_at`), and a request clears it.
 */
const WITHDRAWN = `(o.state = 'BOT' and o.claimed_at is null and o.requested_at is not null)`;

/**
 * The transition as CTEs after `lock` (the conversation's lock, taken first): `own` returns the
 * owner row as changed, or nothing when the guard failed; `tix` updates the hand-off's tickets.
 */
export function ownerTransitionCtes(t: OwnerTransition, conversation: string, p: SqlParams): string[] {
  if ('keep' in t)
    // FOR UPDATE, correlated with the lock so that it runs after it: a change committed while this statement waited
    // for the lock is seen (the newest version is locked and checked again), though the snapshot is older.
    return [
      `own as (select o.* from lock, lateral (select * from conversation_owners o
        where o.conversation_id = ${conversation} and o.state in ${HELD} and lock.locked is not null for update) o)`,
    ];
  const at = p.add(t.at, 'timestamptz');
  const tickets = (set: string, where: string) =>
    `tix as (update tickets t set ${set} from own
      where t.conversation_id = own.conversation_id::text and ${where} returning t.id)`;
  switch (t.to) {
    case 'WAITING_FOR_HUMAN': {
      const ticket = p.add(t.ticketId, 'uuid');
      return [
        // FOR UPDATE, correlated with the lock so that it runs after it: a resolution that closed the
        // ticket while this statement waited for the lock is seen, though the snapshot is older.
        `own as (
          insert into conversation_owners as o (conversation_id, state, requested_by, reason, ticket_id, requested_at, updated_at)
          select ${conversation}, 'WAITING_FOR_HUMAN', ${p.add(t.by, 'text')}, ${p.add(t.reason, 'text')}, ${ticket}, ${at}, ${at}
          from lock where exists (
            select 1 from tickets k where k.id = ${ticket} and k.status = 'open' and lock.locked is not null for update)
          on conflict (conversation_id) do update set state = 'WAITING_FOR_HUMAN', requested_by = excluded.requested_by,
            reason = excluded.reason, ticket_id = excluded.ticket_id, requested_at = excluded.requested_at,
            claimed_at = null, human = null, human_id = null, wait_notice_sent = false, updated_at = excluded.updated_at
          where o.state not in ${HELD}
          returning o.*)`,
      ];
    }
    case 'HUMAN': {
      const withdrawn = t.seenWithdrawal
        ? `(${WITHDRAWN} and o.ticket_id is distinct from ${p.add(t.seenWithdrawal.ticketId, 'uuid')})`
        : WITHDRAWN;
      return [
        `own as (
          insert into conversation_owners as o (conversation_id, state, human, human_id, claimed_at, updated_at)
          select ${conversation}, 'HUMAN', ${p.add(t.human, 'text')}, ${p.add(t.humanId, 'text')}, ${at}, ${at} from lock
          on conflict (conversation_id) do update set state = 'HUMAN', human = excluded.human,
            human_id = excluded.human_id, claimed_at = excluded.claimed_at, updated_at = excluded.updated_at
          where o.state <> 'HUMAN' and not ${withdrawn}
          returning o.*)`,
        tickets(`assignee = ${p.add(t.human, 'text')}`, `t.status <> 'closed'`),
      ];
    }
    case 'BOT': {
      if ('withdrawn' in t)
        return [
          `own as (
            update conversation_owners o set state = 'BOT', updated_at = ${at} from lock
            where o.conversation_id = ${conversation} and o.state = 'WAITING_FOR_HUMAN'
              and o.ticket_id is not distinct from ${p.add(t.withdrawn.ticketId, 'uuid')}
            returning o.*)`,
          tickets(
            `status = 'closed', internal_note = concat_ws(E'\\n\\n', nullif(t.internal_note, ''), ${p.add(t.withdrawn.note, 'text')})`,
            `t.id = own.ticket_id and t.status <> 'closed'`,
          ),
        ];
      const owner = t.humanId === null ? '' : ` and o.human_id = ${p.add(t.humanId, 'text')}`;
      return [
        `own as (
          update conversation_owners o set state = 'BOT', updated_at = ${at} from lock
          where o.conversation_id = ${conversation} and o.state = 'HUMAN'${owner}
          returning o.*)`,
        tickets(`status = 'pending'`, `t.status = 'open'`),
      ];
    }
    case 'RESOLVED': {
      const humanId = p.add(t.humanId, 'text');
      const owner = t.onlyOwner ? ` and (o.state <> 'HUMAN' or o.human_id = ${humanId})` : '';
      return [
        `own as (
          insert into conversation_owners as o (conversation_id, state, human, human_id, updated_at)
          select ${conversation}, 'RESOLVED', ${p.add(t.human, 'text')}, ${humanId}, ${at} from lock
          on conflict (conversation_id) do update set state = 'RESOLVED', updated_at = excluded.updated_at
          where o.state <> 'RESOLVED'${owner}
          returning o.*)`,
        tickets(`status = 'closed'`, `t.status <> 'closed'`),
      ];
    }
  }
}

/** A `conversation_owners` row from raw SQL (`to_jsonb(own)`), as drizzle would type it. */
export function rawToOwner(r: Record<string, unknown>): ConversationOwnerRow {
  const date = (v: unknown) => (v == null ? null : dateColumn(v));
  return {
    conversationId: r.conversation_id as string,
    state: r.state as ConversationOwnerRow['state'],
    human: (r.human as string | null) ?? null,
    humanId: (r.human_id as string | null) ?? null,
    ticketId: (r.ticket_id as string | null) ?? null,
    requestedBy: (r.requested_by as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    requestedAt: date(r.requested_at),
    claimedAt: date(r.claimed_at),
    waitNoticeSent: Boolean(r.wait_notice_sent),
    updatedAt: dateColumn(r.updated_at),
  };
}
