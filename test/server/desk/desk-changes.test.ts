import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ChatState } from '../../../server/src/chat/chat-state.js';
import { agreesToProposal } from '../../../server/src/desk/agent-assist.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';
import { emma, say, toolCalls } from '../identity/identity-kit.js';

const MAKE = `mutation($id: ID!, $proposal: ID!, $index: Int) {
  makeProposedChange(conversationId: $id, proposalEventId: $proposal, index: $index) {
    id type agentName data: dataJson
  }
}`;
const CLAIM = 'mutation($id: ID!) { claimConversation(conversationId: $id) { state human } }';

type Made = {
  makeProposedChange: { id: string; type: string; agentName: string; data: Record<string, unknown> };
};

/**
 * A colleague who owns a conversation makes the change an agent proposed in it, through GraphQL, the offline stand-in
 * and the real store: only a stored proposal, as proposed, for the conversation's own customer, once, and only while
 * the store's description of it still holds.
 */
describe('the desk makes a proposed change', () => {
  let t: TestApp;
  let dana = '';
  let sam = '';
  let integrator = '';

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' } });
    dana = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    sam = (await t.app.services.apiKeys.create('Sam', 'support')).key;
    integrator = (await t.app.services.apiKeys.create('helpdesk', 'integrator')).key;
  }, 60_000);
  afterAll(() => t.close());

  const orderStatus = async (order: string) =>
    (
      await t.app.services.database.query<{ status: string }>('select status from store_orders where id = $1', [order])
    )[0]!.status;
  /** A conversation verified as the customer (an API key vouches for it), or nobody. */
  const conversationFor = async (customerId?: string) => {
    const { conversation } = await t.app.services.conversations.start({ customerId });
    return conversation.id;
  };
  const claim = async (conversationId: string) => {
    await t.app.services.desk.requestHuman({ conversationId, by: 'shopper', reason: 'wants a person' });
    const claimed = await t.gql(CLAIM, { id: conversationId }, dana);
    expect(claimed.errors).toBeUndefined();
  };
  const make = (conversationId: string, proposal: number | string, token = dana, index?: number) =>
    t.gql<Made>(MAKE, { id: conversationId, proposal: String(proposal), index }, token);
  const heldCall = (events: BatonEvent[], tool: string) =>
    toolCalls(events).find((e) => e.data.tool === `store.${tool}` && e.data.code === 'CONFIRMATION_REQUIRED')!;
  /** A proposal as agent assist stores it, for a case no agent reaches on its own (another customer's order). */
  const suggestion = async (conversationId: string, proposed: { tool: string; arguments: unknown }[]) => {
    const [stored] = await t.app.services.events.append([
      {
        type: 'SUGGESTION',
        conversationId,
        agentName: 'AgentAssist',
        data: { messageEventId: 0, text: 'I can cancel that.', agents: ['OrdersAgent'], proposedToolCalls: proposed },
      },
    ]);
    return stored!.id!;
  };

  it("makes the held cancellation as the store described it, once, as the owner's, and only the owner may", async () => {
    const c = await conversationFor(emma.id);
    const asked = await say(t, c, `Please cancel order ${emma.pendingOrder}, I ordered it by mistake`);
    const held = heldCall(asked, 'cancel_pending_order');
    await t.app.services.desk.requestHuman({ conversationId: c, by: 'shopper', reason: 'wants a person' });
    const unclaimed = await make(c, held.id!);
    expect(errorCode(unclaimed)).toBe('CONFLICT');
    expect(unclaimed.errors![0]!.message).toMatch(/Claim the conversation before making changes/);

    expect((await t.gql(CLAIM, { id: c }, dana)).errors).toBeUndefined();
    const notTheirs = await make(c, held.id!, sam);
    expect(errorCode(notTheirs)).toBe('CONFLICT');
    expect(notTheirs.errors![0]!.extensions).toMatchObject({ owner: 'Dana' });
    expect(errorCode(await make(c, held.id!, integrator))).toBe('FORBIDDEN');
    expect(await orderStatus(emma.pendingOrder)).toBe('pending');

    const made = await make(c, held.id!);
    expect(made.errors).toBeUndefined();
    const event = made.data!.makeProposedChange;
    expect(event).toMatchObject({ type: 'TOOL_CALL', agentName: 'Desk' });
    expect(event.data).toMatchObject({
      tool: 'store.cancel_pending_order',
      arguments: held.data.arguments,
      madeBy: 'Dana',
      proposalEventId: held.id,
      change: held.data.change,
      output: { order_id: emma.pendingOrder, status: 'cancelled' },
    });
    expect(event.data.error).toBeUndefined();
    expect(await orderStatus(emma.pendingOrder)).toBe('cancelled');

    const again = await make(c, held.id!);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0]!.message).toBe('Dana made this change already');

    // The bot's next turn reads the change as the colleague's.
    const history = await t.app.services.eventStore.list({ conversationId: c });
    const state = ChatState.fromHistory({
      conversationId: c,
      runId: 'next',
      settings: await t.app.services.settings.get(),
      agents: [],
      history,
    });
    const rendered = state.renderHistory('OrdersAgent').map((m) => m.content);
    expect(rendered).toContain('[System Note] The tool calls above were made by a support colleague, Dana.');
  });

  it('makes nothing when the order changed since it was described, and says what the change would do now', async () => {
    const c = await conversationFor('mei_ahmed_5058');
    const held = heldCall(await say(t, c, 'please cancel #W2631563, I no longer need it'), 'cancel_pending_order');
    expect(held.data.change!.lines.length).toBeGreaterThan(0);
    await claim(c);
    // The order changes under the proposal (a price corrected by the shop).
    await t.app.services.database.query(
      `update store_order_items set price_cents = price_cents + 100
        where order_id = '#W2631563' and item_id = (select min(item_id) from store_order_items where order_id = '#W2631563')`,
    );
    const stale = await make(c, held.id!);
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.message).toMatch(/order changed since this change was described, so nothing was made/);
    const now = stale.errors![0]!.extensions!.change as { title: string; lines: string[] };
    expect(now.title).toBe(held.data.change!.title);
    expect(now.lines).not.toEqual(held.data.change!.lines);
    expect(await orderStatus('#W2631563')).toBe('pending');
    expect(toolCalls(await t.app.services.eventStore.list({ conversationId: c })).filter((e) => e.data.madeBy)).toEqual(
      [],
    );
  });

  it("records the store's refusal of a change made meanwhile impossible, with its reason and the order's status", async () => {
    const [pending] = await t.app.services.database.query<{ id: string; user_id: string }>(
      `select id, user_id from store_orders where status = 'pending'
        and user_id not in ('noah_brown_6181', 'emma_smith_8564', 'mei_ahmed_5058') order by id limit 1`,
    );
    const c = await conversationFor(pending!.user_id);
    const held = heldCall(await say(t, c, `please cancel ${pending!.id}, I no longer need it`), 'cancel_pending_order');
    await claim(c);
    // The shop cancels it meanwhile, outside the conversation.
    await t.app.services.database.query(`update store_orders set status = 'cancelled' where id = $1`, [pending!.id]);
    const made = await make(c, held.id!);
    expect(made.errors).toBeUndefined();
    expect(made.data!.makeProposedChange.data).toMatchObject({
      code: 'CONFLICT',
      reason: 'ORDER_NOT_PENDING',
      details: { order_id: pending!.id, status: 'cancelled' },
      madeBy: 'Dana',
    });
  });

  it("acts only for the conversation's own customer, at the identity level the tool needs", async () => {
    // Verified as Noah: a proposal naming Emma's order is the store's NOT_FOUND, recorded, and Emma's order untouched.
    const noahs = await conversationFor('noah_brown_6181');
    await claim(noahs);
    const other = await suggestion(noahs, [
      { tool: 'store.cancel_pending_order', arguments: { order_id: '#W2974929', reason: 'no longer needed' } },
    ]);
    const refused = await make(noahs, other, dana, 0);
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.makeProposedChange.data).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'ORDER_NOT_FOUND',
      details: { order_id: '#W2974929' },
      madeBy: 'Dana',
    });
    expect(await orderStatus('#W2974929')).toBe('pending');

    // Nobody verified: the tool needs `verified`, so nothing is called.
    const anonymous = await conversationFor();
    await claim(anonymous);
    const proposal = await suggestion(anonymous, [
      { tool: 'store.cancel_pending_order', arguments: { order_id: '#W2974929', reason: 'no longer needed' } },
    ]);
    const unverified = await make(anonymous, proposal, dana, 0);
    expect(errorCode(unverified)).toBe('FORBIDDEN');
    expect(unverified.errors![0]!.extensions).toMatchObject({ reason: 'IDENTITY_REQUIRED' });
    expect(await orderStatus('#W2974929')).toBe('pending');
  });

  it('refuses what is not a proposal of this conversation, with the field named', async () => {
    const c = await conversationFor('noah_brown_6181');
    await claim(c);
    const elsewhere = await conversationFor('noah_brown_6181');
    const foreign = await suggestion(elsewhere, [{ tool: 'store.create_ticket', arguments: { summary: 'x' } }]);
    const notHere = await make(c, foreign);
    expect(errorCode(notHere)).toBe('NOT_FOUND');
    expect(notHere.errors![0]!.extensions).toMatchObject({ field: 'proposalEventId' });

    const own = await suggestion(c, [{ tool: 'store.create_ticket', arguments: { summary: 'x' } }]);
    const outOfRange = await make(c, own, dana, 3);
    expect(errorCode(outOfRange)).toBe('VALIDATION_FAILED');
    expect(outOfRange.errors![0]!.extensions).toMatchObject({ field: 'index' });
    const message = (await t.app.services.eventStore.list({ conversationId: c, types: ['HUMAN_JOINED'] }))[0]!;
    const notAProposal = await make(c, message.id!);
    expect(errorCode(notAProposal)).toBe('VALIDATION_FAILED');
    expect(notAProposal.errors![0]!.extensions).toMatchObject({ field: 'proposalEventId' });
    expect(errorCode(await make(c, 'abc'))).toBe('VALIDATION_FAILED');
  });

  it('a double click makes the change once', async () => {
    const c = await conversationFor('fatima_anderson_2157');
    const held = heldCall(await say(t, c, 'cancel order #W2974929 please, ordered by mistake'), 'cancel_pending_order');
    await claim(c);
    const [first, second] = await Promise.all([make(c, held.id!), make(c, held.id!)]);
    expect([first, second].map((r) => (r.errors ? errorCode(r) : 'made')).sort()).toEqual(['CONFLICT', 'made']);
    const made = toolCalls(await t.app.services.eventStore.list({ conversationId: c })).filter((e) => e.data.madeBy);
    expect(made).toHaveLength(1);
    expect(await orderStatus('#W2974929')).toBe('cancelled');
  });

  it("drafts no suggestion for the shopper's yes to a change the colleague put to them: making it is the colleague's step", async () => {
    // Drafts of its own would race the suggestion this test stores.
    await t.app.services.settings.update({ agentAssist: false });
    onTestFinished(async () => {
      await t.app.services.settings.update({ agentAssist: true });
    });
    const c = await conversationFor('noah_brown_6181');
    await claim(c);
    const proposal = await suggestion(c, [
      { tool: 'store.cancel_pending_order', arguments: { order_id: '#W1', reason: 'no longer needed' } },
    ]);
    const shopper = async (text: string) => {
      const held = await t.app.services.desk.holdShopperMessage(c, text);
      if (held.botTurn) throw new Error(`"${text}" was not held for the colleague`);
      return held.message;
    };
    const answer = async (text: string) => agreesToProposal(t.app.services.eventStore, c, await shopper(text));
    // Not put to the shopper yet: their message is theirs to draft for.
    expect(await answer('yes')).toBe(false);
    const relayed = await t.gql(
      'mutation($id: ID!) { sendHumanMessage(conversationId: $id, text: "I can cancel #W1 for you. Reply yes to confirm.") { id } }',
      { id: c },
      dana,
    );
    expect(relayed.errors).toBeUndefined();
    expect(await answer('what happens to my refund?')).toBe(false);
    expect(await answer('yes please')).toBe(true);
    // Made: a later yes is a message like any other.
    await t.app.services.events.append([
      {
        type: 'TOOL_CALL',
        conversationId: c,
        agentName: 'Desk',
        data: {
          tool: 'store.cancel_pending_order',
          arguments: { order_id: '#W1' },
          output: {},
          madeBy: 'Dana',
          proposalEventId: proposal,
          durationMs: 1,
        },
      },
    ]);
    expect(await answer('yes')).toBe(false);
  });
});
