import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskActor } from '../../../server/src/desk/desk-actor.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { tickets } from '../../../server/src/store/schema/tickets.js';
import { createTicket } from '../../../server/src/store/tickets.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const dana: DeskActor = { id: 'key:dana', name: 'Dana', admin: false };
const HAND_OFF = ['HUMAN_REQUESTED', 'HUMAN_JOINED', 'HANDED_BACK', 'RESOLVED'];

describe('DeskService', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.services.runs.stop();
  });
  afterAll(() => t.close());

  const start = async () => (await t.app.services.conversations.start({})).conversation.id;
  const handOffEvents = async (conversationId: string) =>
    (await t.app.services.eventStore.list({ conversationId })).filter((e) => HAND_OFF.includes(e.type));
  const ticketsOf = (conversationId: string) =>
    t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, conversationId));
  const agentTicket = async (conversationId: string, summary: string) =>
    (
      await createTicket(
        t.app.services.db,
        { customer: { verified: false }, conversationId, agentName: 'HumanTransferAgent' },
        { summary, priority: 'normal' },
      )
    ).ticket_id;
  /** The TOOL_CALL an agent's transfer_to_human_agents records, as the desk sees it on the bus. */
  const transferCall = (conversationId: string, ticketId: string) =>
    ({
      id: 1,
      seq: 1,
      type: 'TOOL_CALL',
      conversationId,
      agentName: 'HumanTransferAgent',
      createdAt: new Date(),
      data: {
        tool: 'store.transfer_to_human_agents',
        callId: 'c1',
        arguments: {},
        output: { result: 'Transfer successful', ticket: { ticket_id: ticketId, summary: 'Refund' } },
        durationMs: 1,
      },
    }) as BatonEvent;

  it('an ownership change that cannot store its event changes nothing', async () => {
    const { desk } = t.app.services;
    const id = await start();
    await desk.requestHuman({ conversationId: id, by: 'shopper', reason: 'Double charge' });
    await desk.claim(id, dana);
    // PostgreSQL refuses a NUL character in jsonb: the HANDED_BACK event cannot be stored.
    await expect(desk.handBack(id, dana, 'bad \u0000 note')).rejects.toThrow();
    expect((await desk.ownership(id)).state).toBe('HUMAN');
    expect((await handOffEvents(id)).map((e) => e.type)).toEqual(['HUMAN_REQUESTED', 'HUMAN_JOINED']);
    expect((await ticketsOf(id)).map((k) => k.status)).toEqual(['open']);
  });

  it('every event names the hand-off state the row holds after it, even when colleagues race', async () => {
    const { desk } = t.app.services;
    const id = await start();
    await desk.requestHuman({ conversationId: id, by: 'shopper', reason: 'Refund' });
    const sam: DeskActor = { id: 'key:sam', name: 'Sam', admin: false };
    const admin: DeskActor = { id: 'key:admin', name: 'Ada', admin: true };
    for (let round = 0; round < 5; round++) {
      await Promise.allSettled([desk.claim(id, dana), desk.claim(id, sam), desk.resolve(id, admin)]);
      await Promise.allSettled([desk.handBack(id, dana), desk.handBack(id, sam)]);
      await desk.requestHuman({ conversationId: id, by: 'shopper', reason: `Again ${round}` });
    }
    const events = await handOffEvents(id);
    const state = {
      HUMAN_REQUESTED: 'WAITING_FOR_HUMAN',
      HUMAN_JOINED: 'HUMAN',
      HANDED_BACK: 'BOT',
      RESOLVED: 'RESOLVED',
    };
    expect(state[events.at(-1)!.type as keyof typeof state]).toBe((await desk.ownership(id)).state);
    // No transition is stored twice in a row: each event is a change the row really made.
    for (let i = 1; i < events.length; i++) expect(events[i]!.type).not.toBe(events[i - 1]!.type);
  });

  it('resolving closes every ticket of the conversation that is still open or pending', async () => {
    const { desk } = t.app.services;
    const id = await start();
    await desk.requestHuman({ conversationId: id, by: 'shopper', reason: 'Double charge' });
    await desk.claim(id, dana);
    await desk.handBack(id, dana);
    // The bot opens a second hand-off after the hand-back.
    const second = await agentTicket(id, 'Still waiting for the refund');
    await t.app.services.handOffs.ticketFiled(transferCall(id, second));
    expect((await desk.ownership(id)).ticketId).toBe(second);
    expect((await ticketsOf(id)).map((k) => k.status).sort()).toEqual(['open', 'pending']);
    const resolved = await desk.resolve(id, { ...dana, admin: true });
    expect(resolved.state).toBe('RESOLVED');
    expect((await ticketsOf(id)).map((k) => k.status)).toEqual(['closed', 'closed']);
    const [event] = (await handOffEvents(id)).filter((e) => e.type === 'RESOLVED');
    expect(event!.data).toMatchObject({ by: 'Dana', ticketId: second });
  });

  it('a ticket that a resolution closed before its TOOL_CALL reached the desk opens no hand-off', async () => {
    const { desk } = t.app.services;
    const id = await start();
    await desk.requestHuman({ conversationId: id, by: 'shopper', reason: 'Double charge' });
    await desk.claim(id, dana);
    await desk.handBack(id, dana);
    const late = await agentTicket(id, 'Asked again after the hand-back');
    await desk.resolve(id, dana);
    await t.app.services.handOffs.ticketFiled(transferCall(id, late));
    expect((await desk.ownership(id)).state).toBe('RESOLVED');
    expect(desk.holds(id)).toBe(false);
    expect((await handOffEvents(id)).map((e) => e.type)).toEqual([
      'HUMAN_REQUESTED',
      'HUMAN_JOINED',
      'HANDED_BACK',
      'RESOLVED',
    ]);
    const closed = (await ticketsOf(id)).find((k) => k.id === late)!;
    expect(closed.status).toBe('closed');
    expect(closed.internalNote).toBeNull();
  });

  it("a ticket tool's ticket of this conversation in the desk's store is the hand-off's ticket", async () => {
    const { desk } = t.app.services;
    const id = await start();
    const filed = await agentTicket(id, 'Refund');
    await t.app.services.handOffs.ticketFiled(transferCall(id, filed));
    expect(await desk.ownership(id)).toMatchObject({ state: 'WAITING_FOR_HUMAN', ticketId: filed });
    expect((await ticketsOf(id)).map((k) => k.id)).toEqual([filed]);
    expect((await handOffEvents(id)).map((e) => e.data)).toEqual([expect.objectContaining({ ticketId: filed })]);
  });

  it("a uuid that is no ticket of the conversation's in the desk's store opens the hand-off with the desk's own ticket", async () => {
    const { desk } = t.app.services;
    const elsewhere = await start();
    const others = await agentTicket(elsewhere, 'Another shopper');
    for (const foreign of [crypto.randomUUID(), others]) {
      const id = await start();
      await t.app.services.handOffs.ticketFiled(transferCall(id, foreign));
      const owner = await desk.ownership(id);
      expect(owner.state).toBe('WAITING_FOR_HUMAN');
      expect(owner.ticketId).not.toBe(foreign);
      expect((await ticketsOf(id)).map((k) => [k.id, k.status, k.summary])).toEqual([
        [owner.ticketId, 'open', 'Refund'],
      ]);
      expect((await handOffEvents(id)).map((e) => e.data)).toEqual([
        expect.objectContaining({ ticketId: owner.ticketId, reason: 'Refund' }),
      ]);
    }
    // The other conversation's ticket is left as it was.
    expect((await ticketsOf(elsewhere)).map((k) => [k.id, k.status])).toEqual([[others, 'open']]);
  });

  it('a second ask while a hand-off is open opens no ticket; a racing agent ticket is folded into the open one', async () => {
    const { desk } = t.app.services;
    const id = await start();
    const first = await desk.requestHuman({ conversationId: id, by: 'shopper', reason: 'Double charge' });
    const again = await desk.requestHuman({ conversationId: id, by: 'shopper', reason: 'Hello?' });
    expect(again.ticketId).toBe(first.ticketId);
    expect(await ticketsOf(id)).toHaveLength(1);
    const racing = await agentTicket(id, 'Double charge');
    await t.app.services.handOffs.ticketFiled(transferCall(id, racing));
    const folded = (await ticketsOf(id)).find((k) => k.id === racing)!;
    expect(folded.status).toBe('closed');
    expect(folded.internalNote).toContain(first.ticketId!);
    expect((await handOffEvents(id)).map((e) => e.type)).toEqual(['HUMAN_REQUESTED']);
  });
});
