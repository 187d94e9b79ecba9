import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const START = 'mutation { startConversation { conversation { id } token } }';
const QUEUE = '{ deskQueue { conversationId state ticket { id priority } } }';

interface QueueItem {
  conversationId: string;
  state: string;
  ticket: { id: string; priority: string };
}

/** The desk's queue over a shift: urgent shoppers first, and every card says who spoke last, live. */
describe('the desk queue during a shift', () => {
  let t: TestApp;
  let dana = '';
  let integrator = '';
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    await t.app.services.runs.stop();
    dana = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  });
  afterAll(() => t.close());

  const queue = async () => {
    const r = await t.gql<{ deskQueue: QueueItem[] }>(QUEUE, {}, dana);
    expect(r.errors).toBeUndefined();
    return r.data!.deskQueue;
  };
  /** A shopper who asked for a person (in this order: requestedAt grows). */
  const waiting = async (reason: string) => {
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      {},
      integrator,
    );
    const { token } = started.data!.startConversation;
    const id = started.data!.startConversation.conversation.id;
    const asked = await t.gql(
      'mutation($id: ID!, $r: String) { requestHuman(conversationId: $id, reason: $r) { state } }',
      { id, r: reason },
      token,
    );
    expect(asked.errors).toBeUndefined();
    return { id, token };
  };
  const prioritise = async (id: string, priority: string) => {
    const ticket = (await queue()).find((o) => o.conversationId === id)!.ticket;
    const r = await t.gql(
      'mutation($id: ID!, $p: TicketPriority) { updateTicket(id: $id, input: { priority: $p }) { priority } }',
      { id: ticket.id, p: priority },
      dana,
    );
    expect(r.errors).toBeUndefined();
  };

  it('waiting shoppers are listed by their ticket priority, then by how long they have waited; claimed ones after', async () => {
    const giftCard = await waiting('Question about a gift card, no rush');
    const address = await waiting('Wants to change the delivery address');
    const charged = await waiting('Charged twice for the same order');
    const claimed = await waiting('Wants a refund');
    expect(
      (await t.gql('mutation($id: ID!) { claimConversation(conversationId: $id) { state } }', { id: claimed.id }, dana))
        .errors,
    ).toBeUndefined();
    // All normal: oldest first.
    expect((await queue()).map((o) => o.conversationId)).toEqual([giftCard.id, address.id, charged.id, claimed.id]);

    await prioritise(charged.id, 'urgent');
    await prioritise(giftCard.id, 'low');
    await prioritise(address.id, 'high');
    expect((await queue()).map((o) => [o.conversationId, o.ticket.priority])).toEqual([
      [charged.id, 'urgent'],
      [address.id, 'high'],
      [giftCard.id, 'low'],
      [claimed.id, 'normal'],
    ]);
  });

  it("a colleague's reply reaches the live queue, so the card stops saying the shopper waits on them", async () => {
    const { url } = await t.app.start(0, '127.0.0.1');
    const { id, token } = await waiting('Parcel never came');
    expect(
      (await t.gql('mutation($id: ID!) { claimConversation(conversationId: $id) { state } }', { id }, dana)).errors,
    ).toBeUndefined();
    const live = subscribe(
      'ws',
      url,
      'subscription { deskQueue { conversationId state lastMessage { data { ... on MessageData { role text } } } } }',
      {},
      (d) => d.deskQueue as { conversationId: string; lastMessage: { data: { role: string; text: string } } | null },
      dana,
    );
    try {
      // The subscription is open once it answers: a message the shopper writes is seen.
      await expect
        .poll(
          async () => {
            await t.gql(
              'mutation($id: ID!) { sendMessage(conversationId: $id, text: "Hello? Still there?") { id } }',
              { id },
              token,
            );
            return live.items.length;
          },
          { interval: 250, timeout: 10_000 },
        )
        .toBeGreaterThan(0);
      const seen = live.items.length;
      const replied = await t.gql(
        'mutation($id: ID!) { sendHumanMessage(conversationId: $id, text: "Yes, I am looking at the tracking now.") { id } }',
        { id },
        dana,
      );
      expect(replied.errors).toBeUndefined();
      await expect
        .poll(() => live.items.slice(seen).map((o) => o.lastMessage?.data.text), { timeout: 10_000 })
        .toContain('Yes, I am looking at the tracking now.');
      expect(live.items.at(-1)!.lastMessage!.data.role).toBe('human');
    } finally {
      live.stop();
    }
  });
});
