import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderStatusFor } from '../../offline-model/src/tool-preconditions.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { asCard, type HarnessTool, runTask } from './task-harness.js';
import { createTinyStore } from './tiny-store.js';

let store: Awaited<ReturnType<typeof createTinyStore>>;
beforeAll(async () => {
  store = await createTinyStore();
}, 60_000);
afterAll(async () => {
  await store?.dispose();
});

const spec = (t: HarnessTool) => ({ name: t.name, description: t.description, parameters: {} });

describe('orderStatusFor: the store states its rules in its tools, the stand-in reads them there', () => {
  it("reads the order status each of the store's order tools acts on from its description", () => {
    const statuses = Object.fromEntries(
      store.tools.filter((t) => /order/.test(t.name)).map((t) => [t.name, orderStatusFor(spec(t))]),
    );
    expect(statuses).toMatchObject({
      'store.cancel_pending_order': 'pending',
      'store.modify_pending_order_address': 'pending',
      'store.modify_pending_order_payment': 'pending',
      'store.modify_pending_order_items': 'pending',
      'store.return_delivered_order_items': 'delivered',
      'store.exchange_delivered_order_items': 'delivered',
      'store.get_order_details': undefined,
    });
    expect(orderStatusFor(undefined)).toBeUndefined();
  });
});

describe('the stand-in follows the store, not a copy of its rules', () => {
  const orderAgent = asCard(builtinCards.find((c) => c.name === 'OrderManagementAgent')!);
  const ask = (tools: HarnessTool[], words: string) =>
    runTask({
      card: orderAgent,
      tools,
      call: (name, args, customerId) => store.call(name, args, customerId),
      customerId: 'james_li_5688',
      instruction: `Help the customer with this request. The customer wrote: "${words}"`,
      userMessage: words,
    });

  it('declines to cancel a processed order because the cancel tool says it cancels pending ones', async () => {
    const run = await ask(store.tools, 'Please cancel order #W2611340');
    expect(run.calls.map((c) => c.name)).toEqual(['store.get_order_details']);
    // Where the order is, in the words of its status answer, then which orders can be cancelled.
    expect(run.reply).toMatch(
      /^Your order #W2611340 has shipped[\s\S]*: it is packed and on its way to you\.[\s\S]* Only an order that hasn't shipped yet can be cancelled\.$/,
    );
    expect(run.reply).not.toContain('processed');
  });

  it('offers to cancel the same order when the store says its cancel tool takes processed orders', async () => {
    const lenient = store.tools.map((t) =>
      t.name === 'store.cancel_pending_order'
        ? { ...t, description: t.description.replace('Cancel a pending order', 'Cancel a processed order') }
        : t,
    );
    expect(lenient.find((t) => t.name === 'store.cancel_pending_order')!.description).toMatch(/a processed order/);
    const run = await ask(lenient, 'Please cancel order #W2611340');
    expect(run.reply).toMatch(/Shall I cancel it/);
    expect(run.reply).toContain('reply "yes" to confirm');
  });
});
