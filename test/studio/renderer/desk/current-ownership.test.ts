import { describe, expect, it } from 'vitest';
import { currentOwner, handOffCount, ownerFromEvents } from '../../../../studio/src/renderer/desk/current-ownership.js';
import { ev } from '../event-fixtures.js';

const requested = () => ev('HUMAN_REQUESTED', { by: 'HumanTransferAgent', reason: 'Refund', ticketId: 't1' });
const joined = (human = 'Dana') => ev('HUMAN_JOINED', { human, ticketId: 't1' });
const handedBack = () => ev('HANDED_BACK', { human: 'Dana', note: '' });
const resolved = () => ev('RESOLVED', { by: 'Dana', ticketId: 't1' });

describe('the desk toolbar owner', () => {
  it('follows the hand-off events of the log, in order', () => {
    const message = ev('MESSAGE', { role: 'user', text: 'hi' });
    expect(ownerFromEvents([message])).toBeUndefined();
    expect(ownerFromEvents([requested(), message])).toEqual({ state: 'WAITING_FOR_HUMAN', human: null });
    expect(ownerFromEvents([requested(), joined()])).toEqual({ state: 'HUMAN', human: 'Dana' });
    expect(ownerFromEvents([requested(), joined(), handedBack()])).toEqual({ state: 'BOT', human: 'Dana' });
    expect(ownerFromEvents([requested(), joined(), resolved()])).toEqual({ state: 'RESOLVED', human: 'Dana' });
    expect(ownerFromEvents([requested(), joined(), handedBack(), requested(), resolved()])).toEqual({
      state: 'RESOLVED',
      human: null,
    });
  });

  it("shows the answer of the colleague's own action at once, and a stale query never overrides the log", () => {
    const log = [requested(), joined(), handedBack()];
    const staleQuery = { state: 'HUMAN' as const, human: 'Dana' };
    // Resolve answered before its RESOLVED event arrived: the answer is shown.
    const acted = { owner: { state: 'RESOLVED' as const, human: 'Dana' }, handOffs: handOffCount(log) };
    expect(currentOwner(log, acted, staleQuery)).toEqual(acted.owner);
    // Its event arrives: the log agrees.
    expect(currentOwner([...log, resolved()], acted, staleQuery)?.state).toBe('RESOLVED');
    // Without an action, the log wins over a query that answered before the change.
    expect(currentOwner([...log, resolved()], undefined, staleQuery)?.state).toBe('RESOLVED');
    // A later change by someone else replaces the answer.
    expect(currentOwner([...log, resolved(), requested(), joined('Sam')], acted, staleQuery)).toEqual({
      state: 'HUMAN',
      human: 'Sam',
    });
    // No hand-off yet: the query.
    expect(currentOwner([], undefined, { state: 'BOT', human: null })).toEqual({ state: 'BOT', human: null });
  });

  it("shows a request the shopper withdrew as the bot's, with nothing to claim, until a new request", () => {
    const withdrawn = () => ev('HUMAN_REQUEST_WITHDRAWN', { by: 'shopper', via: 'message', ticketId: 't1' });
    const log = [requested(), withdrawn()];
    expect(ownerFromEvents(log)).toEqual({ state: 'BOT', human: null, withdrawn: true });
    // The colleague's claim raced it and lost: the log moves on, so the refused answer is never shown.
    expect(handOffCount(log)).toBe(2);
    expect(ownerFromEvents([...log, requested()])).toEqual({ state: 'WAITING_FOR_HUMAN', human: null });
  });
});
