import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import { RunRepository } from '../../../server/src/db/run-repository.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { createModelProvider } from '../../../server/src/models/create-model-provider.js';
import { createTicket } from '../../../server/src/store/tickets.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';
const ASK_FOR_A_PERSON =
  'Your system double-charged me! I want to talk to a person. My email is james.li4495@example.com, phone 555-201-4477.';

/**
 * A run whose agent files a ticket hands the conversation to a person before it takes another step: the hand-off is
 * one of the run's events, stored before RUN_COMPLETED, so a message the shopper sends the moment the run completes
 * goes to the desk. The bus plays no part in it.
 */
describe('the hand-off a run makes', () => {
  let t: TestApp;
  // The conversation under test, and what its owner was each time the agent that transferred it was asked for its
  // next step.
  let conversationId = '';
  const seenByNextStep: { cached: boolean; state: string }[] = [];
  const offline = createModelProvider(loadConfig({ MODEL_PROVIDER: 'offline' }));
  const model = new ScriptedModel(async (request) => {
    const transferred = request.messages.some((m) => m.role === 'tool' && m.content.includes('ticket_id'));
    if (request.agentName === 'HumanTransferAgent' && transferred)
      seenByNextStep.push({
        cached: t.app.services.desk.holds(conversationId),
        state: (await t.app.services.desk.ownership(conversationId)).state,
      });
    return offline.complete(request);
  });

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' }, models: model });
  }, 60_000);
  afterAll(() => t.close());

  it('a message sent the moment the run completes is held for the desk, never planned; the agent goes on with it held', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    conversationId = conversation.id;
    const send = (text: string) =>
      t.gql<{ sendMessage: { id: string } | null }>(SEND, { id: conversation.id, text }, token);
    // The follow-up goes out from the bus listener that sees RUN_COMPLETED, before anything else runs.
    let followUp: ReturnType<typeof send> | undefined;
    let runId = '';
    const unsubscribe = t.app.services.bus.subscribe((e: BatonEvent) => {
      if (e.type === 'RUN_COMPLETED' && e.runId === runId && !followUp) followUp = send('Is anyone there?');
    });
    try {
      const sent = await send(ASK_FOR_A_PERSON);
      runId = sent.data!.sendMessage!.id;
      await waitForRun(t.app, runId);
      expect(followUp).toBeDefined();
      const held = await followUp!;
      expect(held.errors).toBeUndefined();
      expect(held.data!.sendMessage).toBeNull();
    } finally {
      unsubscribe();
    }
    expect((await t.app.services.conversations.runsOf(conversation.id)).map((r) => r.id)).toEqual([runId]);
    const events = await t.app.services.eventStore.list({ conversationId: conversation.id });
    const requested = events.find((e) => e.type === 'HUMAN_REQUESTED')!;
    const completed = events.find((e) => e.type === 'RUN_COMPLETED')!;
    expect(requested.runId).toBe(runId);
    expect(requested.seq!).toBeLessThan(completed.seq!);
    // The held message and the desk's wait notice come after the run, not a plan.
    expect(events.filter((e) => e.seq! > completed.seq!).map((e) => [e.type, e.agentName ?? null])).toEqual([
      ['MESSAGE', null],
      ['MESSAGE', 'Desk'],
    ]);
    // And the agent that transferred the shopper took its next step with the conversation waiting already.
    expect(seenByNextStep.length).toBeGreaterThan(0);
    for (const seen of seenByNextStep) expect(seen).toEqual({ cached: true, state: 'WAITING_FOR_HUMAN' });
  });

  it('a run resumed after its owner died between the ticket and the hand-off records the hand-off', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    // The dead owner's run: claimed under a lease that has lapsed, with a stored ticket TOOL_CALL and nothing after.
    const runs = new RunRepository(t.app.services.database, { historyChars: 10_000 });
    const { run } = await runs.enqueue(conversation.id, 'Where is my order #W2378156?', 'AUTO', {
      owner: 'dead-replica',
      leaseMs: 1,
    });
    const ticket = await createTicket(
      t.app.services.db,
      { customer: { verified: false }, conversationId: conversation.id, agentName: 'HumanTransferAgent' },
      { summary: 'Double charge on the last order', priority: 'normal' },
    );
    await runs.append([
      {
        conversationId: conversation.id,
        runId: run.id,
        taskId: 't1',
        agentName: 'HumanTransferAgent',
        type: 'TOOL_CALL',
        data: {
          tool: 'store.create_ticket',
          callId: 'c1',
          arguments: { summary: 'Double charge on the last order', priority: 'normal' },
          output: ticket,
          durationMs: 1,
        },
      },
    ]);
    expect((await t.app.services.desk.ownership(conversation.id)).state).toBe('BOT');
    // Another replica on the same database takes the run over as it starts.
    const other = await createTestApp({ db: t.db, env: { AUTH_MODE: 'keys' }, models: offline });
    try {
      await waitForRun(other.app, run.id);
      expect((await other.app.services.conversations.getRun(run.id)).status).toBe('COMPLETED');
    } finally {
      await other.close();
    }
    const owner = await t.app.services.desk.ownership(conversation.id);
    expect(owner).toMatchObject({ state: 'WAITING_FOR_HUMAN', ticketId: ticket.ticket_id });
    const events = await t.app.services.eventStore.list({ conversationId: conversation.id });
    const requested = events.filter((e) => e.type === 'HUMAN_REQUESTED');
    expect(requested.map((e) => [e.runId, e.data])).toEqual([
      [run.id, expect.objectContaining({ ticketId: ticket.ticket_id, by: 'HumanTransferAgent' })],
    ]);
    const completed = events.find((e) => e.type === 'RUN_COMPLETED')!;
    expect(requested[0]!.seq!).toBeLessThan(completed.seq!);
  });
});
