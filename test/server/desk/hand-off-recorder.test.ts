import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandOffRecorder } from '../../../server/src/desk/hand-off-recorder.js';
import { OwnershipCache } from '../../../server/src/desk/ownership-cache.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { tickets } from '../../../server/src/store/schema/tickets.js';
import { createTicket } from '../../../server/src/store/tickets.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/**
 * The recorder built alone, from the database, the event log, the run repository and the conversations: no DeskService
 * and no RunManager (the app's runs are stopped, so nothing claims the queued ones).
 */
describe('HandOffRecorder', () => {
  let t: TestApp;
  let cache: OwnershipCache;
  let recorder: HandOffRecorder;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.services.runs.stop();
    const { db, events, runRepository, conversations } = t.app.services;
    cache = new OwnershipCache();
    recorder = new HandOffRecorder({ db, events, runs: runRepository, conversations, cache });
  });
  afterAll(() => t.close());

  const start = async () => (await t.app.services.conversations.start({})).conversation.id;
  const agentTicket = async (conversationId: string) =>
    (
      await createTicket(
        t.app.services.db,
        { customer: { verified: false }, conversationId, agentName: 'HumanTransferAgent' },
        { summary: 'Refund', priority: 'normal' },
      )
    ).ticket_id;
  const toolCall = (conversationId: string, runId: string, output: unknown, error?: string) =>
    ({
      id: 1,
      seq: 1,
      type: 'TOOL_CALL',
      conversationId,
      runId,
      agentName: 'HumanTransferAgent',
      createdAt: new Date(),
      data: {
        tool: 'store.transfer_to_human_agents',
        callId: 'c1',
        arguments: {},
        output,
        durationMs: 1,
        ...(error ? { error } : {}),
      },
    }) as BatonEvent;
  const eventsOf = async (conversationId: string) => await t.app.services.eventStore.list({ conversationId });

  it("a run's ticket call opens the hand-off and cancels the runs queued behind it; the run that filed it goes on", async () => {
    const { conversations } = t.app.services;
    const id = await start();
    // The run that files the ticket executes on another replica; the shopper's next message waits behind it.
    const filing = (
      await conversations.sendMessage(id, 'I want a person', 'AUTO', {
        claimFor: { owner: 'another-replica', leaseMs: 60_000 },
      })
    ).run;
    const queued = (await conversations.sendMessage(id, 'Hello?')).run;
    expect([filing.status, queued.status]).toEqual(['RUNNING', 'PENDING']);
    const ticket = await agentTicket(id);
    const call = toolCall(id, filing.id, {
      result: 'Transfer successful',
      ticket: { ticket_id: ticket, summary: 'Refund' },
    });

    await recorder.recordHandOffs([call]);
    expect(await t.app.services.desk.ownership(id)).toMatchObject({ state: 'WAITING_FOR_HUMAN', ticketId: ticket });
    expect(cache.get(id)).toBe('WAITING_FOR_HUMAN');
    expect((await conversations.getRun(filing.id)).status).toBe('RUNNING');
    expect((await conversations.getRun(queued.id)).status).toBe('CANCELLED');
    const recorded = (await eventsOf(id)).filter((e) => e.type === 'HUMAN_REQUESTED' || e.type === 'RUN_CANCELLED');
    expect(recorded.map((e) => [e.type, e.runId])).toEqual([
      ['HUMAN_REQUESTED', filing.id],
      ['RUN_CANCELLED', queued.id],
    ]);
    expect(recorded[1]!.data).toEqual({ reason: 'a colleague was asked to take over' });

    // A resumed run records its ticket calls again: nothing changes.
    await recorder.recordHandOffs([call]);
    expect((await eventsOf(id)).filter((e) => e.type === 'HUMAN_REQUESTED' || e.type === 'RUN_CANCELLED')).toHaveLength(
      2,
    );
    expect(
      (await t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, id))).map((k) => k.status),
    ).toEqual(['open']);
  });

  it('a ticket call that failed, or filed no ticket, opens nothing', async () => {
    const id = await start();
    const run = (await t.app.services.conversations.sendMessage(id, 'I want a person')).run;
    await recorder.recordHandOffs([
      toolCall(id, run.id, null, 'the store is down'),
      toolCall(id, run.id, { result: 'Transfer failed' }),
    ]);
    expect((await t.app.services.desk.ownership(id)).state).toBe('BOT');
    expect(cache.get(id)).toBeUndefined();
    expect((await t.app.services.conversations.getRun(run.id)).status).toBe('PENDING');
    expect(await t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, id))).toEqual([]);
  });
});
