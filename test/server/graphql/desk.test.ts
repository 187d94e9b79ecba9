import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import { createModelProvider } from '../../../server/src/models/create-model-provider.js';
import { tickets } from '../../../server/src/store/schema/tickets.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';

interface EventView {
  id: string;
  type: string;
  agentName: string | null;
  data: Record<string, unknown>;
}

const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';
const EVENTS =
  'query($id: ID!) { conversation(id: $id) { ownership { state human } events { id type agentName data: dataJson } } }';

describe('the hand-off to people (GraphQL)', () => {
  let t: TestApp;
  // The real offline model, with every request it gets kept: the bot's history after a hand-back is asserted on it.
  const offline = createModelProvider(loadConfig({ MODEL_PROVIDER: 'offline' }));
  const model = new ScriptedModel((request) => offline.complete(request));
  let admin = '';
  let dana = '';
  let sam = '';
  let integrator = '';
  let conversationId = '';
  let shopper = '';

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' },
      models: model,
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    dana = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    sam = (await t.app.services.apiKeys.create('Sam', 'support')).key;
    integrator = (await t.app.services.apiKeys.create('helpdesk', 'integrator')).key;
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
      {},
      integrator,
    );
    conversationId = started.data!.startConversation.conversation.id;
    shopper = started.data!.startConversation.token;
  }, 60_000);
  afterAll(() => t.close());

  const events = async (token = admin) => {
    const r = await t.gql<{
      conversation: { ownership: { state: string; human: string | null }; events: EventView[] };
    }>(EVENTS, { id: conversationId }, token);
    expect(r.errors).toBeUndefined();
    return r.data!.conversation;
  };
  const send = (text: string) =>
    t.gql<{ sendMessage: { id: string } | null }>(SEND, { id: conversationId, text }, shopper);
  const ticketsOfConversation = () =>
    t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, conversationId));

  it('a shopper who asks for a person waits for one, with one ticket', async () => {
    const sent = await send(
      'Your system double-charged me! I want to talk to a person. My email is james.li4495@example.com, phone 555-201-4477.',
    );
    await waitForRun(t.app, sent.data!.sendMessage!.id);
    // The run recorded the hand-off before it completed.
    const c = await events();
    expect(c.ownership.state).toBe('WAITING_FOR_HUMAN');
    const requested = c.events.find((e) => e.type === 'HUMAN_REQUESTED')!;
    expect(requested.data.by).toBe('HumanTransferAgent');
    const [ticket] = await ticketsOfConversation();
    expect(requested.data.ticketId).toBe(ticket!.id);
  });

  it('a follow-up during the wait is stored, starts no run, opens no second ticket, and is told once where it stands', async () => {
    const runsBefore = (await t.app.services.conversations.runsOf(conversationId)).length;
    const first = await send('Is a person there yet?');
    expect(first.errors).toBeUndefined();
    expect(first.data!.sendMessage).toBeNull();
    // The queue's card shows the shopper as the last to speak, not the desk's automatic notice that followed.
    const queue = await t.gql<{ deskQueue: { lastMessage: { agentName: string | null; data: { text: string } } }[] }>(
      '{ deskQueue { lastMessage { agentName data: dataJson } } }',
      {},
      dana,
    );
    expect(queue.errors).toBeUndefined();
    expect(queue.data!.deskQueue.map((o) => [o.lastMessage.agentName, o.lastMessage.data.text])).toEqual([
      [null, 'Is a person there yet?'],
    ]);
    const second = await send('Hello?');
    expect(second.data!.sendMessage).toBeNull();
    expect((await t.app.services.conversations.runsOf(conversationId)).length).toBe(runsBefore);
    expect(await ticketsOfConversation()).toHaveLength(1);
    const c = await events(shopper);
    const messages = c.events.filter((e) => e.type === 'MESSAGE');
    expect(messages.slice(-3).map((m) => [m.data.role, m.agentName])).toEqual([
      ['user', null],
      ['assistant', 'Desk'],
      ['user', null],
    ]);
    expect(String(messages.at(-2)!.data.text)).toMatch(/colleague.* will reply/);
  });

  it('the queue lists the waiting conversation for support colleagues only', async () => {
    const q = await t.gql<{ deskQueue: { conversationId: string; state: string; ticket: { status: string } }[] }>(
      '{ deskQueue { conversationId state ticket { status } } }',
      {},
      dana,
    );
    expect(q.data!.deskQueue).toEqual([{ conversationId, state: 'WAITING_FOR_HUMAN', ticket: { status: 'open' } }]);
    expect(errorCode(await t.gql('{ deskQueue { state } }', {}, integrator))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql('{ deskQueue { state } }', {}, shopper))).toBe('FORBIDDEN');
  });

  it('a shopper token or an integrator key cannot claim or post as a person', async () => {
    const claim = 'mutation($id: ID!) { claimConversation(conversationId: $id) { state } }';
    expect(errorCode(await t.gql(claim, { id: conversationId }, shopper))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(claim, { id: conversationId }, integrator))).toBe('FORBIDDEN');
    const post = 'mutation($id: ID!) { sendHumanMessage(conversationId: $id, text: "Hi, I am Dana") { id } }';
    expect(errorCode(await t.gql(post, { id: conversationId }, shopper))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(post, { id: conversationId }, integrator))).toBe('FORBIDDEN');
  });

  it('two colleagues claim at once: one wins, the other gets CONFLICT', async () => {
    const claim = 'mutation($id: ID!) { claimConversation(conversationId: $id) { state human } }';
    const results = await Promise.all([
      t.gql<{ claimConversation: { state: string; human: string } }>(claim, { id: conversationId }, dana),
      t.gql<{ claimConversation: { state: string; human: string } }>(claim, { id: conversationId }, sam),
    ]);
    const won = results.filter((r) => r.data?.claimConversation);
    const lost = results.filter((r) => r.errors);
    expect(won).toHaveLength(1);
    expect(lost.map(errorCode)).toEqual(['CONFLICT']);
    // The rest of the suite needs Dana to own it: when Sam won, he hands it back and Dana claims.
    if (won[0]!.data!.claimConversation.human === 'Sam') {
      await t.gql(
        'mutation($id: ID!) { handBackConversation(conversationId: $id) { state } }',
        { id: conversationId },
        sam,
      );
      expect((await t.gql(claim, { id: conversationId }, dana)).errors).toBeUndefined();
    }
    const c = await events();
    expect(c.ownership).toEqual({ state: 'HUMAN', human: 'Dana' });
    expect(c.events.filter((e) => e.type === 'HUMAN_JOINED').at(-1)!.data.human).toBe('Dana');
    const [ticket] = await ticketsOfConversation();
    expect(ticket!.assignee).toBe('Dana');
  });

  it('while Dana owns it, messages go both ways, no planner runs, and suggestions reach only her', async () => {
    const joined = Number((await events()).events.filter((e) => e.type === 'HUMAN_JOINED').at(-1)!.id);
    const hi = await t.gql(
      'mutation($id: ID!) { sendHumanMessage(conversationId: $id, text: "Hi, I am Dana. I can see the two charges; the second one is refunded now.") { id } }',
      { id: conversationId },
      dana,
    );
    expect(hi.errors).toBeUndefined();
    // Only the owner replies.
    expect(
      errorCode(
        await t.gql(
          'mutation($id: ID!) { sendHumanMessage(conversationId: $id, text: "Sam here") { id } }',
          { id: conversationId },
          sam,
        ),
      ),
    ).toBe('CONFLICT');
    expect((await send('Thanks! When will I see the money?')).data!.sendMessage).toBeNull();
    // Agent assist drafts a reply for Dana from the real planner and specialists.
    let suggestion: EventView | undefined;
    await expect
      .poll(async () => {
        suggestion = (await events(dana)).events.find((e) => e.type === 'SUGGESTION');
        return suggestion;
      })
      .toBeDefined();
    expect(String(suggestion!.data.text).length).toBeGreaterThan(0);
    const shopperView = await events(shopper);
    expect(shopperView.events.some((e) => e.type === 'SUGGESTION')).toBe(false);
    const after = (await events()).events.filter((e) => Number(e.id) > joined);
    expect(after.filter((e) => ['RUN_STARTED', 'PLAN', 'TASK_STARTED'].includes(e.type))).toEqual([]);
    expect(after.map((e) => e.type)).toEqual(['MESSAGE', 'MESSAGE', 'SUGGESTION']);
  });

  it("a change the shopper asks of the colleague's conversation is proposed to her, and made only when she makes it", async () => {
    // Emma, vouched for by the integrator: the order card may act for her, and still only proposes.
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation(input: { customerId: "emma_smith_8564" }) { conversation { id } token } }',
      {},
      integrator,
    );
    const id = started.data!.startConversation.conversation.id;
    const claimed = await t.gql(
      'mutation($id: ID!) { claimConversation(conversationId: $id) { state } }',
      { id },
      dana,
    );
    expect(claimed.errors).toBeUndefined();
    const status = async () =>
      (
        await t.app.services.database.query<{ status: string }>(
          "select status from store_orders where id = '#W2417020'",
        )
      )[0]!.status;
    expect(await status()).toBe('pending');
    await t.gql(
      SEND,
      { id, text: 'Please cancel order #W2417020, I ordered it by mistake' },
      started.data!.startConversation.token,
    );
    let suggestion: EventView | undefined;
    await expect
      .poll(async () => {
        const r = await t.gql<{ conversation: { events: EventView[] } }>(EVENTS, { id }, dana);
        suggestion = r.data!.conversation.events.find((e) => e.type === 'SUGGESTION');
        return suggestion;
      })
      .toBeDefined();
    const proposed = suggestion!.data.proposedToolCalls as { tool: string; arguments: unknown; change?: unknown }[];
    expect(proposed).toHaveLength(1);
    expect(proposed[0]).toMatchObject({
      tool: 'store.cancel_pending_order',
      arguments: { order_id: '#W2417020', reason: 'ordered by mistake' },
      // Described by the store, as the shopper's card would be: what Dana decides on.
      change: { title: 'Cancel order #W2417020' },
    });
    expect(await status()).toBe('pending');

    // Dana makes it: the store cancels the order, and the conversation records the change as hers.
    const made = await t.gql<{ makeProposedChange: { agentName: string; data: Record<string, unknown> } }>(
      'mutation($id: ID!, $p: ID!) { makeProposedChange(conversationId: $id, proposalEventId: $p, index: 0) { agentName data: dataJson } }',
      { id, p: suggestion!.id },
      dana,
    );
    expect(made.errors).toBeUndefined();
    expect(made.data!.makeProposedChange).toMatchObject({
      agentName: 'Desk',
      data: { madeBy: 'Dana', tool: 'store.cancel_pending_order', output: { status: 'cancelled' } },
    });
    expect(await status()).toBe('cancelled');
  });

  it('a support key cannot change cards or settings', async () => {
    const r = await t.gql('mutation { setAgentEnabled(name: "UpsellAgent", enabled: false) { name } }', {}, dana);
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect(
      errorCode(await t.gql('mutation { updateSettings(input: { agentAssist: false }) { agentAssist } }', {}, dana)),
    ).toBe('FORBIDDEN');
  });

  it("after the hand-back, the bot answers with Dana's messages in its history, attributed to her", async () => {
    const last = await t.gql(
      'mutation($id: ID!) { sendHumanMessage(conversationId: $id, text: "The refund reaches your card within 5 business days. Anything else I can do?") { id } }',
      { id: conversationId },
      dana,
    );
    expect(last.errors).toBeUndefined();
    const back = await t.gql<{ handBackConversation: { state: string } }>(
      'mutation($id: ID!) { handBackConversation(conversationId: $id, note: "Refund done") { state } }',
      { id: conversationId },
      dana,
    );
    expect(back.data!.handBackConversation.state).toBe('BOT');
    const [ticket] = await ticketsOfConversation();
    expect(ticket!.status).toBe('pending');
    // A question right after the hand-back goes to the specialist for it, not back to the agent that
    // asked for a person, and opens no second hand-off.
    const policy = await send('One more thing: what is your return policy?');
    await waitForRun(t.app, policy.data!.sendMessage!.id);
    const plan = (await events()).events.filter((e) => e.type === 'PLAN').at(-1)!;
    const agents = (plan.data.plan as { tasks: { agent: string }[] }).tasks.map((task) => task.agent);
    expect(agents).not.toContain('HumanTransferAgent');
    expect((await events()).ownership.state).toBe('BOT');
    expect(await ticketsOfConversation()).toHaveLength(1);
    const before = model.requests.length;
    const sent = await send('Great. Can you tell me the status of my order #W2378156?');
    expect(sent.data!.sendMessage).not.toBeNull();
    await waitForRun(t.app, sent.data!.sendMessage!.id);
    const planned = model.requests.slice(before);
    expect(planned.length).toBeGreaterThan(0);
    const history = planned
      .at(-1)!
      .messages.map((m) => m.content)
      .join('\n');
    expect(history).toContain('Hi, I am Dana.');
    expect(history).toContain('[System Note] The assistant message above was authored by a support colleague, Dana.');
    expect(history).toContain('Thanks! When will I see the money?');
  });

  it('resolving closes the ticket, and the feed carries the hand-off events but never suggestions', async () => {
    const r = await t.gql<{ resolveConversation: { state: string } }>(
      'mutation($id: ID!) { resolveConversation(conversationId: $id) { state } }',
      { id: conversationId },
      dana,
    );
    expect(r.data!.resolveConversation.state).toBe('RESOLVED');
    const [ticket] = await ticketsOfConversation();
    expect(ticket!.status).toBe('closed');
    const types = (await events()).events.map((e) => e.type);
    for (const type of ['HUMAN_REQUESTED', 'HUMAN_JOINED', 'HANDED_BACK', 'RESOLVED']) expect(types).toContain(type);
    // The integrator feed (replayed from the start) carries the hand-off events and the colleague's messages, never SUGGESTION.
    const { url } = await t.app.start(0, '127.0.0.1');
    const feed = subscribe(
      'sse',
      url,
      'subscription { eventFeed(after: "0", types: [HUMAN_REQUESTED, HUMAN_JOINED, HANDED_BACK, RESOLVED, SUGGESTION, MESSAGE]) { type conversationId data: dataJson } }',
      {},
      (d) => d.eventFeed as { type: string; conversationId: string; data: Record<string, unknown> },
      integrator,
    );
    try {
      await expect
        // The feed reads in commit order: an event past another transaction still open waits for it.
        .poll(() => feed.items.filter((e) => e.conversationId === conversationId).map((e) => e.type), {
          timeout: 10_000,
        })
        .toEqual(expect.arrayContaining(['HUMAN_REQUESTED', 'HUMAN_JOINED', 'HANDED_BACK', 'RESOLVED']));
      expect(feed.items.some((e) => e.type === 'MESSAGE' && e.data.role === 'human' && e.data.author === 'Dana')).toBe(
        true,
      );
      expect(feed.items.some((e) => e.type === 'SUGGESTION')).toBe(false);
    } finally {
      feed.stop();
    }
  });

  it('updateTicket sets status, priority, assignee and an internal note; unknown tickets are NOT_FOUND', async () => {
    const [ticket] = await ticketsOfConversation();
    const r = await t.gql<{
      updateTicket: { status: string; priority: string; assignee: string; internalNote: string };
    }>(
      'mutation($id: ID!) { updateTicket(id: $id, input: { status: open, priority: high, assignee: "Sam", internalNote: "Check the refund on Monday" }) { status priority assignee internalNote } }',
      { id: ticket!.id },
      dana,
    );
    expect(r.data!.updateTicket).toEqual({
      status: 'open',
      priority: 'high',
      assignee: 'Sam',
      internalNote: 'Check the refund on Monday',
    });
    expect(
      errorCode(
        await t.gql(
          'mutation { updateTicket(id: "00000000-0000-4000-8000-000000000000", input: { priority: low }) { id } }',
          {},
          dana,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(
        await t.gql(
          'mutation($id: ID!) { updateTicket(id: $id, input: { priority: low }) { id } }',
          { id: ticket!.id },
          shopper,
        ),
      ),
    ).toBe('FORBIDDEN');
  });
});
