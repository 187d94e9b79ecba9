import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import type { ChatMessage } from '../../server/src/models/model-provider.js';
import { asCard, type HarnessResult, type HarnessTool, runTask } from './task-harness.js';
import { createTinyStore } from './tiny-store.js';

const card = (name: string, patch: Partial<ReturnType<typeof asCard>> = {}) => ({
  ...asCard(builtinCards.find((c) => c.name === name)!),
  ...patch,
});
const task = (words: string) => ({
  instruction: `Help the customer with this request. The customer wrote: "${words}"`,
  userMessage: words,
});
/** Every dollar amount a reply states must appear in some tool output: nothing invented. */
const pricesIn = (text: string) => [...text.matchAll(/\$(\d+(?:\.\d{2})?)/g)].map((m) => Number(m[1]));
const outputsOf = (calls: { result?: HarnessResult }[]) => JSON.stringify(calls.map((c) => c.result?.output ?? null));

let store: Awaited<ReturnType<typeof createTinyStore>>;
let tools: HarnessTool[];
const call = (name: string, args: Record<string, unknown>, customerId?: string) => store.call(name, args, customerId);

beforeAll(async () => {
  store = await createTinyStore();
  tools = store.tools;
}, 60_000);
afterAll(async () => {
  await store?.dispose();
});

describe('identity first', () => {
  it('asks for an email or name and zip before touching any order tool', async () => {
    const run = await runTask({
      card: card('OrderManagementAgent'),
      tools,
      call,
      ...task('Where is my order #W2611340?'),
    });
    expect(run.calls).toEqual([]);
    expect(run.reply).toContain('#W2611340');
    expect(run.reply).toMatch(/email address/);
    expect(run.reply).toMatch(/first name, last name and zip code/);
  });

  it('identifies by email, then reads the order and reports status and tracking from the tool output', async () => {
    const run = await runTask({
      card: card('OrderManagementAgent'),
      tools,
      call,
      ...task('Where is my order #W2611340? my email is james.li4495@example.com'),
    });
    expect(run.calls.map((c) => [c.name, c.args])).toEqual([
      ['store.find_user_id_by_email', { email: 'james.li4495@example.com' }],
      ['store.get_order_details', { order_id: '#W2611340' }],
    ]);
    const order = run.calls[1]!.result!.output as { status: string; fulfillments: { tracking_id: string[] }[] };
    expect(order.status).toBe('processed');
    expect(run.reply).toContain('Your order #W2611340 has shipped: it is packed and on its way to you.');
    expect(run.reply).toContain(`Tracking number: ${order.fulfillments[0]!.tracking_id[0]}`);
    expect(run.reply).toContain('Water Bottle');
    for (const price of pricesIn(run.reply)) expect(outputsOf(run.calls)).toContain(String(price));
  });

  it('identifies by name and zip, then reads every order of a small account at once', async () => {
    const run = await runTask({
      card: card('OrderManagementAgent'),
      tools,
      call,
      ...task("I'm Emma Smith, zip 10192. What's the status of my orders?"),
    });
    expect(run.calls[0]).toMatchObject({
      name: 'store.find_user_id_by_name_zip',
      args: { first_name: 'Emma', last_name: 'Smith', zip: '10192' },
    });
    expect(run.calls.filter((c) => c.name === 'store.get_order_details').map((c) => c.args.order_id)).toEqual([
      '#W2417020',
      '#W5605613',
      '#W3614011',
    ]);
    expect(run.reply).toContain('Your order #W5605613 was delivered.');
    expect(run.reply).toContain('Your order #W2417020 has not shipped yet');
  });

  it('explains a refusal from the store plainly', async () => {
    const run = await runTask({
      card: card('OrderManagementAgent'),
      tools,
      call,
      customerId: 'emma_smith_8564',
      ...task('What is the status of order #W2611340?'),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.get_order_details']);
    expect(run.calls[0]!.result!.ok).toBe(false);
    expect(run.reply).toMatch(/^I couldn't find order #W2611340 on your account\. .*could you check the number\?/);
    expect(run.reply).not.toMatch(/identified|store tools/);
  });
});

describe('changes are confirmed first', () => {
  it('shows the pending order and asks before cancelling, then cancels on "yes"', async () => {
    const words = 'Please cancel order #W2417020, I ordered it by mistake';
    const first = await runTask({
      card: card('OrderManagementAgent'),
      tools,
      call,
      customerId: 'emma_smith_8564',
      ...task(words),
    });
    expect(first.calls.map((c) => c.name)).toEqual(['store.get_order_details']);
    expect(first.reply).toContain('Order #W2417020 is pending');
    expect(first.reply).toContain('Laptop');
    expect(first.reply).toContain('ordered by mistake');
    expect(first.reply).toContain('reply "yes" to confirm');

    const history: ChatMessage[] = [
      { role: 'user', content: words },
      { role: 'assistant', content: first.reply },
      { role: 'user', content: 'yes, go ahead' },
    ];
    const second = await runTask({
      card: card('OrderManagementAgent'),
      tools,
      call,
      customerId: 'emma_smith_8564',
      history,
      ...task('yes, go ahead'),
    });
    expect(second.calls.map((c) => [c.name, c.args])).toEqual([
      ['store.get_order_details', { order_id: '#W2417020' }],
      ['store.cancel_pending_order', { order_id: '#W2417020', reason: 'ordered by mistake' }],
    ]);
    expect(second.calls[1]!.result!.ok).toBe(true);
    const cancelled = second.calls[1]!.result!.output as {
      payment_history: { transaction_type: string; amount: number }[];
    };
    const refund = cancelled.payment_history.find((p) => p.transaction_type === 'refund')!;
    expect(second.reply).toBe(
      `Order #W2417020 is now cancelled (ordered by mistake). $${refund.amount.toFixed(2)} goes back to your gift card.`,
    );
  });

  it('says why a shipped order cannot be exchanged yet, and when a named item is not in it', async () => {
    const run = await runTask({
      card: card('ReturnsAgent'),
      tools,
      call,
      customerId: 'james_li_5688',
      ...task('Order #W2611340: the jacket is too small, can I swap it for a bigger size?'),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.get_order_details']);
    expect(run.reply).toContain('Your order #W2611340 has shipped');
    expect(run.reply).toContain('You can exchange it once it has arrived.');
    expect(run.reply).toContain("I don't see a jacket in order #W2611340");
  });

  it("finds the order a named item is in among a verified shopper's orders, and lists them all when asked", async () => {
    const cancel = await runTask({
      card: card('OrderManagementAgent'),
      tools,
      call,
      customerId: 'james_li_5688',
      ...task('Cancel the office chair order'),
    });
    // Four orders are looked up at once; the one with the chair is shipped, and the reply says why it stays.
    expect(cancel.calls.map((c) => c.name)).toEqual([
      'store.get_user_details',
      ...Array(4).fill('store.get_order_details'),
    ]);
    expect(cancel.reply).toMatch(
      /^Your order #W2611340 has shipped[\s\S]* Only an order that hasn't shipped yet can be cancelled\.$/,
    );
    const list = await runTask({
      card: card('OrderManagementAgent'),
      tools,
      call,
      customerId: 'james_li_5688',
      ...task('What orders do I have?'),
    });
    for (const id of ['#W2611340', '#W3632959', '#W4435622', '#W3638028'])
      expect(list.reply).toContain(`Your order ${id}`);
  });

  it('answers a return with its result alone, and reads "that order" as the order last named', async () => {
    // A store of its own: the return changes the order the other tests read.
    const own = await createTinyStore();
    onTestFinished(() => own.dispose());
    const tools = own.tools;
    const call = (name: string, args: Record<string, unknown>, customerId?: string) => own.call(name, args, customerId);
    const words = 'I want to return the hiking boots';
    const offer = await runTask({
      card: card('ReturnsAgent'),
      tools,
      call,
      customerId: 'james_li_5688',
      ...task(words),
    });
    expect(offer.reply).toMatch(/^I can return Hiking Boots .* from order #W4435622\. .* goes to your gift card/);
    const history = [
      { role: 'user' as const, content: words },
      { role: 'assistant' as const, content: offer.reply },
      { role: 'user' as const, content: 'yes please' },
    ];
    const yes = await runTask({
      card: card('ReturnsAgent'),
      tools,
      call,
      customerId: 'james_li_5688',
      history,
      ...task('yes please'),
    });
    expect(yes.calls.at(-1)).toMatchObject({ name: 'store.return_delivered_order_items', result: { ok: true } });
    // The four orders looked up to find the boots are not part of the answer.
    expect(yes.reply).toBe(
      'Your return of Hiking Boots from order #W4435622 is requested. The refund of $239.78 goes to your gift card once the items arrive.',
    );
    const more = 'and can you also return the water bottle from that order?';
    const again = await runTask({
      card: card('ReturnsAgent'),
      tools,
      call,
      customerId: 'james_li_5688',
      history: [...history, { role: 'assistant', content: yes.reply }, { role: 'user', content: more }],
      ...task(more),
    });
    expect(again.calls.map((c) => [c.name, c.args])).toEqual([['store.get_order_details', { order_id: '#W4435622' }]]);
    expect(again.reply).toContain('A return is already requested for order #W4435622');
  });

  it('offers a return of the named item with the refund amount and method, then submits it on "yes"', async () => {
    const words = 'I want to return the digital camera from order #W5605613';
    const run = await runTask({
      card: card('ReturnsAgent'),
      tools,
      call,
      customerId: 'emma_smith_8564',
      ...task(words),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.get_order_details']);
    expect(run.reply).toContain('Digital Camera');
    expect(run.reply).toContain('$2909.87');
    expect(run.reply).toContain('your gift card');
    const yes = await runTask({
      card: card('ReturnsAgent'),
      tools,
      call,
      customerId: 'emma_smith_8564',
      history: [
        { role: 'user', content: words },
        { role: 'assistant', content: run.reply },
        { role: 'user', content: 'yes please' },
      ],
      ...task('yes please'),
    });
    expect(yes.calls.at(-1)).toMatchObject({
      name: 'store.return_delivered_order_items',
      args: { order_id: '#W5605613', item_ids: ['7195021808'], payment_method_id: 'gift_card_8541487' },
      result: { ok: true },
    });
    expect(yes.reply).toBe(
      'Your return of Digital Camera from order #W5605613 is requested. The refund of $2909.87 goes to your gift card once the items arrive.',
    );
  });

  it('finds the closest available variant for an exchange and states the price difference', async () => {
    const run = await runTask({
      card: card('ReturnsAgent'),
      tools,
      call,
      customerId: 'james_li_5688',
      ...task("I'd like to exchange the hiking boots from order #W4435622 for size 11"),
    });
    expect(run.calls.map((c) => [c.name, c.args])).toEqual([
      ['store.get_order_details', { order_id: '#W4435622' }],
      ['store.get_product_details', { product_id: '7363354090' }],
      ['store.get_user_details', { user_id: 'james_li_5688' }],
    ]);
    // Size 11 in synthetic is out of stock: the reply says so. The closest match costs $19.97 more, which the order's
    // gift card ($17.00) cannot pay and the store would refuse: that is said before any "yes", with the size 11 that
    // the balance covers.
    expect(run.reply).toBe(
      "The Hiking Boots in size 11 with the rest as you have it (synthetic, waterproof yes) is not available. The Hiking Boots in size 11, leather, waterproof yes costs $19.97 more than yours, and the difference would be paid from the order's gift card, which has $17.00: not enough, so the store won't make this swap. Within it: size 11, leather, waterproof no at $245.99. A colleague can help with another way to pay: just ask.",
    );
    // Which the store confirms: the swap it would have been asked for fails on the balance.
    const refused = await call(
      'store.exchange_delivered_order_items',
      {
        order_id: '#W4435622',
        item_ids: ['4694984344'],
        new_item_ids: ['6159919747'],
        payment_method_id: 'gift_card_1725971',
      },
      'james_li_5688',
    );
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/not enough to pay the price difference of \$19\.97/);
  });
});

describe('catalogue, knowledge, leads and people', () => {
  it('searches with the extracted filters and lists at most five variants with real prices', async () => {
    const run = await runTask({
      card: card('ProductExpertAgent'),
      tools,
      call,
      ...task("do you have any red sneakers in men's size 9 under $200?"),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.search_products']);
    expect(run.calls[0]!.args).toEqual({
      query: "men's red sneakers",
      filters: { color: 'red', size: '9', max_price: 200 },
    });
    const lines = run.reply.split('\n').filter((l) => l.startsWith('- '));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    for (const price of pricesIn(run.reply.replace('$200', ''))) expect(outputsOf(run.calls)).toContain(String(price));
  });

  it('finds the product first, then recommends what is bought with it', async () => {
    const run = await runTask({
      card: card('UpsellAgent'),
      tools,
      call,
      ...task('What goes well with an espresso machine?'),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.search_products', 'store.recommend_related']);
    const recs = (run.calls[1]!.result!.output as { recommendations: { name: string }[] }).recommendations;
    for (const r of recs.slice(0, 3)) expect(run.reply).toContain(r.name);
  });

  it('answers from knowledge articles in the hints, citing the title, without a tool call', async () => {
    const run = await runTask({
      card: card('GeneralSupportAgent'),
      tools,
      call,
      knowledge: [
        { title: 'Privacy policy', content: 'We never sell your data.' },
        { title: 'Gift cards', content: 'Gift cards never expire. They can pay for any order, in part or in full.' },
      ],
      ...task('Do gift cards expire?'),
    });
    expect(run.calls).toEqual([]);
    expect(run.reply).toBe('According to our "Gift cards" article: Gift cards never expire.');
  });

  it("quotes the article's line phrased as the question before lines that only share a word's stem", async () => {
    const shipping = {
      title: 'Shipping times and costs',
      content: [
        'Standard shipping takes 3 to 5 business days. Express shipping takes 1 to 2 business days.',
        'Standard shipping is free on orders over $50. Express shipping costs $14.99.',
        'We currently ship to addresses in the United States only.',
      ].join('\n\n'),
    };
    const run = await runTask({
      card: card('GeneralSupportAgent'),
      tools,
      call,
      knowledge: [shipping],
      ...task('Do you ship to Canada?'),
    });
    expect(run.reply).toContain('We currently ship to addresses in the United States only.');
  });

  it('searches the knowledge base when the hints have nothing relevant', async () => {
    const run = await runTask({
      card: card('GeneralSupportAgent'),
      tools,
      call,
      ...task('How long does shipping take?'),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.search_knowledge']);
    const first = (run.calls[0]!.result!.output as { results: { title: string }[] }).results[0]!;
    expect(run.reply).toContain(`According to our "${first.title}" article:`);
  });

  it('validates the email before storing a lead, and explains a bad one', async () => {
    const ok = await runTask({
      card: card('LeadGenerationAgent'),
      tools,
      call,
      ...task('Sign me up for the newsletter: sam@example.org'),
    });
    expect(ok.calls.map((c) => c.name)).toEqual(['store.validate_email', 'store.create_lead']);
    expect(ok.reply).toContain('sam@example.org');
    const bad = await runTask({
      card: card('LeadGenerationAgent'),
      tools,
      call,
      ...task('newsletter please: sam@mailinator.com'),
    });
    expect(bad.calls.map((c) => c.name)).toEqual(['store.validate_email']);
    expect(bad.reply).toMatch(/doesn't look right: .*disposable/);
    const none = await runTask({
      card: card('LeadGenerationAgent'),
      tools,
      call,
      ...task('Sign me up for the newsletter'),
    });
    expect(none.calls).toEqual([]);
    expect(none.reply).toMatch(/What email address/);
  });

  it("searches for what the planner's task names, not the story around it", async () => {
    const words = 'My daughter loved the headphones I bought, Do you have a matching case';
    const run = await runTask({
      card: card('ProductExpertAgent'),
      tools,
      call,
      instruction: `Find case for the customer. The customer wrote: "${words}"`,
      userMessage: `${words}?`,
    });
    expect(run.calls[0]).toMatchObject({ name: 'store.search_products', args: { query: 'case' } });
    expect(run.reply).toBe("I couldn't find a case in our catalogue.");
  });

  it('looks for what the person a present is for is into, and says what was not found within the budget', async () => {
    const run = await runTask({
      card: card('UpsellAgent'),
      tools,
      call,
      ...task("gift ideas for my sister's birthday, she loves yoga"),
    });
    // The store's largest page: one of each product that fits is suggested, not a page of the first one's variants.
    expect(run.calls.map((c) => [c.name, c.args])).toEqual([['store.search_products', { query: 'yoga', limit: 50 }]]);
    expect(run.reply).toMatch(/^Here is what I found for yoga:\n- Yoga Mat/);
    const hiking = await runTask({
      card: card('UpsellAgent'),
      tools,
      call,
      ...task('I need a gift for my dad who likes hiking, under 50 dollars'),
    });
    expect(hiking.reply).toMatch(/^Here is what I found for hiking:\n- Water Bottle \(.*\): \$4\d\.\d\d$/);
    const budget = await runTask({
      card: card('UpsellAgent'),
      tools,
      call,
      ...task('I need a gift for my dad who likes hiking, under 20 dollars'),
    });
    expect(budget.calls[0]!.args).toEqual({ query: 'hiking', filters: { max_price: 20 }, limit: 50 });
    expect(budget.reply).toBe("I couldn't find anything for hiking under $20.00 in our catalogue.");
  });

  it('says so in its own words when nothing is often bought with a product, never quoting the note to the assistant', async () => {
    const run = await runTask({
      card: card('UpsellAgent'),
      tools,
      call,
      ...task('What would go well with my new laptop?'),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.search_products', 'store.recommend_related']);
    // In the dataset, nothing is bought with laptops more often than chance, and the store's answer says so to the assistant.
    const related = run.calls[1]!.result!.output as { note?: string; recommendations?: unknown[] };
    expect(related.recommendations ?? []).toEqual([]);
    expect(related.note).toMatch(/do not push/);
    expect(run.reply).toContain('Nothing stands out as often bought with the laptop');
    expect(run.reply).not.toContain(related.note!);
  });

  it('hands off to the human colleague when asked for a person', async () => {
    const run = await runTask({
      card: card('GeneralSupportAgent'),
      tools,
      call,
      ...task('I want to talk to a real person'),
    });
    expect(run.handoff?.to).toBe('HumanTransferAgent');
    expect(run.handoff?.reason).toMatch(/talk to a person/);
  });

  it('files a ticket outside business hours with the contact given, and says when someone will answer', async () => {
    const run = await runTask({
      card: card('HumanTransferAgent'),
      tools,
      call,
      businessHoursOpen: false,
      ...task('I was charged twice, this is urgent! please have someone email me at kim@example.com'),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.create_ticket']);
    expect(run.calls[0]!.args).toMatchObject({ priority: 'urgent', customer_email: 'kim@example.com' });
    // The shopper is told the reference a colleague can look up, not the ticket's UUID.
    const ticket = run.calls[0]!.result!.output as { ticket_id: string; reference: string };
    expect(ticket.reference).toMatch(/^T-[0-9A-F]{8}$/);
    expect(run.reply).toContain(`ticket ${ticket.reference}`);
    expect(run.reply).not.toContain(ticket.ticket_id);
    expect(run.reply).toContain('Mon-Fri 9:00-17:00');
    const anonymous = await runTask({
      card: card('HumanTransferAgent'),
      tools,
      call,
      businessHoursOpen: false,
      ...task('I need a person'),
    });
    expect(anonymous.calls.map((c) => c.name)).toEqual(['store.request_user_info']);
  });

  it("files the ticket about the shopper's problem when the message only answers the contact form", async () => {
    const problem = 'The zipper on my new backpack broke after two days. Can I speak to someone?';
    // The form's own answer, and the same typed as a sentence.
    for (const answer of ['kim@example.com, +1 555 0100', 'my email is kim@example.com and my phone is +1 555 0100']) {
      const run = await runTask({
        card: card('HumanTransferAgent'),
        tools,
        call,
        businessHoursOpen: false,
        history: [
          { role: 'user', content: problem },
          { role: 'assistant', content: 'Please fill in the short form (Email address, Phone number).' },
          { role: 'user', content: answer },
        ],
        ...task(answer),
      });
      expect(run.calls.map((c) => c.name)).toEqual(['store.create_ticket']);
      expect(run.calls[0]!.args).toMatchObject({ customer_email: 'kim@example.com', customer_phone: '+1 555 0100' });
      expect(run.calls[0]!.args.summary).toContain(problem);
    }
    // A message that says more than how to reach them is the ask itself.
    const direct = await runTask({
      card: card('HumanTransferAgent'),
      tools,
      call,
      businessHoursOpen: false,
      history: [{ role: 'user', content: problem }],
      ...task('I would rather someone called me in the afternoon. kim@example.com'),
    });
    expect(direct.calls[0]!.args.summary).toContain('called me in the afternoon');
  });
});

describe('bounds', () => {
  it('answers with what it has when the card runs out of steps, and says it is not done', async () => {
    const run = await runTask({
      card: card('OrderManagementAgent', { maxSteps: 2 }),
      tools,
      call,
      ...task('Where is my order #W2611340? my email is james.li4495@example.com'),
    });
    expect(run.calls.map((c) => c.name)).toEqual(['store.find_user_id_by_email']);
    expect(run.reply).toContain('Thanks, I found your account.');
    expect(run.reply).toContain("couldn't finish");
  });

  it('calls only tools it is offered', async () => {
    const run = await runTask({
      card: card('UpsellAgent', { tools: ['store.recommend_related'] }),
      tools,
      call,
      ...task('What goes well with an espresso machine?'),
    });
    expect(run.calls).toEqual([]);
    expect(run.reply).toMatch(/Which product/);
  });
});
