import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { OfflineProvider } from '../../offline-model/src/offline-provider.js';
import { picksFromOffer } from '../../offline-model/src/request-cues.js';
import { card, conversationWith, planFor, type TaskExtra } from './conversation.js';
import { builtins, planRequest, type Turn } from './requests.js';
import { runTask } from './task-harness.js';
import { createTinyStore } from './tiny-store.js';

let store: Awaited<ReturnType<typeof createTinyStore>>;
beforeAll(async () => {
  store = await createTinyStore();
});
afterAll(async () => {
  await store?.dispose();
});
const task = (agent: string, words: string, extra: Partial<Parameters<typeof runTask>[0]> = {}) =>
  runTask({
    card: card(agent),
    tools: store.tools,
    call: store.call,
    instruction: `Help the customer with this request. The customer wrote: "${words}"`,
    userMessage: words,
    ...extra,
  });

const agentsFor = async (turns: string | Turn[]) => (await planFor(turns)).map((t) => t.agent);

/** A conversation as the core runs it (conversation.ts); `extra` goes to every task run. */
const conversation = (extra: TaskExtra = {}) => conversationWith(store, { extra });

describe('conversation cases a shopper would try', () => {
  it('"yes" confirms the address change proposed last turn, with the address given then', async () => {
    const first = 'Please change the shipping address of order #W2417020 to 100 Main Street, Apt 5, Austin, TX 78701';
    const proposal = await task('OrderManagementAgent', first, { customerId: 'emma_smith_8564' });
    expect(proposal.reply).toContain('100 Main Street, Apt 5, Austin, TX 78701');
    expect(proposal.reply).toContain('reply "yes"');
    const yes = await task('OrderManagementAgent', 'yes', {
      customerId: 'emma_smith_8564',
      history: [
        { role: 'user', content: first },
        { role: 'assistant', content: proposal.reply },
        { role: 'user', content: 'yes' },
      ],
    });
    const change = yes.calls.find((c) => c.name === 'store.modify_pending_order_address');
    expect(change?.args).toMatchObject({ order_id: '#W2417020', address1: '100 Main Street', city: 'Austin' });
    expect(change?.result?.ok).toBe(true);
    expect(yes.reply).toMatch(/^Done: the shipping address of order #W2417020 is changed\./);
    expect(yes.reply).not.toMatch(/what is the new address/i);
  });

  it('answers when customer service works from the knowledge base, without passing the shopper to a colleague', async () => {
    for (const words of ['what time does customer service close today', 'is customer service open on sundays?']) {
      const answer = await task('GeneralSupportAgent', words);
      expect(answer.calls.map((c) => c.name)).toEqual(['store.search_knowledge']);
      expect(answer.reply).toMatch(/Monday to Friday from 9:00 to 18:00/);
    }
  });

  it('changes a wrong item that has not shipped instead of sending it to returns, and says what else a swap changes', async () => {
    const words =
      "I ordered the wrong colour laptop in order #W2417020, it hasn't shipped yet, can I change it to silver?";
    const swap = await task('OrderManagementAgent', words, { customerId: 'emma_smith_8564' });
    expect(swap.calls.map((c) => c.name)).toEqual(['store.get_order_details', 'store.get_product_details']);
    // The silver laptop with the order's other options is sold out: the reply says so before offering another.
    expect(swap.reply).toMatch(
      /^The Laptop in silver with the rest as you have it \(32GB, 256GB SSD, i7, 13-inch\) is not available\./,
    );
    expect(swap.reply).toContain('reply "yes"');
    expect(swap.reply).toMatch(/Also available in silver: [^.]*13-inch at \$2621\.77\./);
  });

  it('swaps the variant the shopper picked from the ones offered, by the option values named, on "yes"', async () => {
    // Its own store: the swap changes the order other cases read.
    const own = await createTinyStore();
    try {
      const history: { role: 'user' | 'assistant'; content: string }[] = [];
      const say = async (words: string) => {
        history.push({ role: 'user', content: words });
        const r = await task('OrderManagementAgent', words, {
          customerId: 'emma_smith_8564',
          history: [...history],
          tools: own.tools,
          call: own.call,
        });
        history.push({ role: 'assistant', content: r.reply });
        return r;
      };
      await say(
        "I ordered the wrong colour laptop in order #W2417020, it hasn't shipped yet, can I change it to silver?",
      );
      // The silver 13-inch is the one offered second; the shopper names it by its screen size.
      const picked = await say('the 13-inch one please');
      expect(picked.reply).toContain('for 16GB, silver, 1TB SSD, i5, 13-inch at $2621.77 in order #W2417020');
      const done = await say('yes');
      const change = done.calls.find((c) => c.name === 'store.modify_pending_order_items');
      expect(change?.args).toMatchObject({ order_id: '#W2417020', new_item_ids: ['5052031638'] });
      expect(change?.result?.ok).toBe(true);
      // The lookups that led to the change are not the answer: no product listing before the order.
      expect(done.reply).toMatch(/^Your order #W2417020 has not shipped yet\. Its items were changed/);
      expect(done.reply).toContain('Laptop (16GB, silver, 1TB SSD, i5, 13-inch) $2621.77');
    } finally {
      await own.dispose();
    }
  });

  it('reads "my email is …, what\'s the address on my account?" as the shopper saying who they are: a code, then the address', async () => {
    // The default policy: an email only records who the shopper says they are; account details need the code.
    const strict = await createTinyStore(['noah_brown_6181'], { policy: 'strict' });
    onTestFinished(() => strict.dispose());
    const sendCode = {
      name: 'identity.send_verification_code',
      description: 'Email a one-time 6-digit code to the address on the account the shopper claimed.',
      inputSchema: { type: 'object', properties: {} },
    };
    const turns: Turn[] = [];
    const history: { role: 'user' | 'assistant'; content: string }[] = [];
    const say = async (text: string, customerId?: string) => {
      turns.push({ role: 'user', text });
      history.push({ role: 'user', content: text });
      const plan = await planFor(turns);
      const r = await task(plan[0]!.agent, text, {
        instruction: plan[0]!.instruction,
        history: [...history],
        customerId,
        tools: [...strict.tools, sendCode],
        call: (name, args, id) =>
          name === sendCode.name ? Promise.resolve({ ok: true, output: { sent: true } }) : strict.call(name, args, id),
      });
      turns.push({ role: 'assistant', text: r.reply, agentName: plan[0]!.agent });
      history.push({ role: 'assistant', content: r.reply });
      return r;
    };
    const asked = await say("My email is noah.brown7922@example.com, what's the address on my account?");
    expect(asked.calls.map((c) => c.name)).toEqual(['store.find_user_id_by_email', 'identity.send_verification_code']);
    expect(asked.calls[0]!.args).toEqual({ email: 'noah.brown7922@example.com' });
    expect(asked.reply).toMatch(/6-digit code .*please type it here/);
    // The core checked the code: the shopper is verified when the task runs.
    const verified = await say('482913', 'noah_brown_6181');
    expect(verified.calls.map((c) => c.name)).toEqual(['store.get_user_details']);
    expect(verified.reply).toMatch(
      /^The default address on your account is 986 Sunset Drive, Suite 259, Denver, CO 80279/,
    );
  });

  it('"let me know when it\'s back" after an out-of-stock item: a back-in-stock alert for that item, not the newsletter', async () => {
    const say = conversationWith(store, { toolTurns: true });
    const asked = await say('is the blue v-neck polyester t-shirt in size S in stock?');
    expect(asked.reply).toMatch(/^The T-Shirt in S, blue, v-neck, polyester is out of stock right now\./);
    const notify = await say("can you let me know when it's back?");
    expect(notify.reply).not.toMatch(/newsletter/i);
    expect(notify.reply).toMatch(/when the blue polyester tshirt in size S is back in stock\. What email address/);
    const email = await say('my email is shopper.test@gmail.com');
    expect(email.calls.map((c) => c.name)).not.toContain('store.create_lead');
    expect(email.calls.find((c) => c.name === 'store.subscribe_back_in_stock')?.args).toEqual({
      email: 'shopper.test@gmail.com',
      item_id: '5047954489',
    });
    expect(email.reply).toMatch(/shopper\.test@gmail\.com when the T-Shirt \(.*\) is back in stock/);
  });

  it('takes up the request a code was sent for after the shopper asked about the code', async () => {
    const first =
      "I ordered the wrong colour laptop in order #W2417020, it hasn't shipped yet, can I change it to silver?";
    const history = [
      { role: 'user' as const, content: first },
      { role: 'assistant' as const, content: "I've just sent a 6-digit code to the email address on that account." },
      { role: 'user' as const, content: "I didn't get the code for my order, can you resend it?" },
      { role: 'assistant' as const, content: 'To change or cancel an order, we first send a one-time code.' },
      { role: 'user' as const, content: '410221' },
    ];
    // The core checked the code: the shopper is verified when the task runs.
    const answer = await task('OrderManagementAgent', '410221', { customerId: 'emma_smith_8564', history });
    expect(answer.calls.map((c) => c.name)).toEqual(['store.get_order_details', 'store.get_product_details']);
    expect(answer.reply).toContain('I can swap your Laptop');
  });

  it('answers "are they waterproof?" with a yes or a no from the product\'s options before any listing', async () => {
    const ask = (words: string) =>
      task('ProductExpertAgent', words, {
        instruction: `Give the customer the details of the product. The customer wrote: "${words}"`,
      });
    const boots = await ask('are the hiking boots waterproof?');
    expect(boots.calls.map((c) => c.name)).toEqual(['store.search_products', 'store.get_product_details']);
    expect(boots.reply).toMatch(/^Some are: 5 of the 9 Hiking Boots variants in stock are waterproof\.\n/);
    expect(boots.reply.split('\n')[2]).toContain('waterproof yes');
    // No such option: the details promise nothing, and say what the options are.
    expect((await ask('are the running shoes waterproof?')).reply).toMatch(
      /^The Running Shoes details don't say they are waterproof: their options are .*sole \(EVA, rubber\)/,
    );
    for (const words of ['are the running shoes in stock?', 'is the backpack good?'])
      expect((await ask(words)).reply, words).not.toMatch(/don't say|^Some are|^Yes|^No/);
    // Asked after the product was: "it" is that product.
    const follow = await task('ProductExpertAgent', 'is it waterproof?', {
      history: [
        { role: 'user', content: 'do you sell running shoes?' },
        { role: 'assistant', content: 'Here is what I found for running shoes: ...' },
        { role: 'user', content: 'is it waterproof?' },
      ],
    });
    expect(follow.calls.map((c) => c.args)).toContainEqual({ product_id: '6938111410' });
    expect(follow.reply).toMatch(/^The Running Shoes details don't say it is waterproof/);
  });

  it('asks who the shopper is when the item received is "not the color I ordered", instead of quoting an article', async () => {
    const r = await task('ReturnsAgent', "Hello, I received my action camera but it's not the color I ordered", {
      knowledge: [{ title: 'Tracking your order', content: 'Every shipped order gets a tracking number.' }],
    });
    expect(r.calls).toEqual([]);
    expect(r.reply).toMatch(/First I need to confirm who you are/);
  });

  it('answers from an article only when it shares a word on the topic, not "make" or "order"', async () => {
    const knowledge = [
      { title: 'Warranty', content: 'To make a warranty claim, contact us with your order number.' },
      { title: 'Cancelling an order', content: 'A pending order can be cancelled.' },
    ];
    const off = await task('ProductExpertAgent', 'what else would I need to make cappuccino at home', { knowledge });
    expect(off.reply).not.toMatch(/According to our/);
    expect(off.reply).toMatch(/don't have information about that/);
    const on = await task('GeneralSupportAgent', 'how do I make a warranty claim?', { knowledge });
    expect(on.reply).toMatch(/^According to our "Warranty" article/);
    // What a search of its own finds is held to the same test.
    const searched = await task('GeneralSupportAgent', 'what else would I need to make cappuccino at home');
    expect(searched.calls.map((c) => c.name)).toEqual(['store.search_knowledge']);
    expect(searched.reply).not.toMatch(/According to our/);
  });

  it('lists the variants with the option values the shopper named: "a tea kettle that works on an induction stove"', async () => {
    const kettle = await task(
      'ProductExpertAgent',
      "hi! I'm looking for a tea kettle that works on an induction stove",
    );
    expect(kettle.calls.map((c) => c.name)).toEqual(['store.search_products', 'store.search_products']);
    expect(kettle.calls[1]!.args.query).toBe('tea kettle induction');
    const lines = kettle.reply.split('\n').filter((l) => l.startsWith('- '));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toContain('induction');
    expect(kettle.reply).toMatch(/^Here is what I found for tea kettle with induction:/);
    // "The glass one" is the material of the kettle asked about, not a pair of glasses; 1.5 liters is one value.
    const glass = await task('ProductExpertAgent', 'does the glass one come in 1.5 liters?', {
      history: [
        { role: 'user', content: "hi! I'm looking for a tea kettle that works on an induction stove" },
        { role: 'assistant', content: kettle.reply },
        { role: 'user', content: 'does the glass one come in 1.5 liters?' },
      ],
    });
    const found = glass.reply.split('\n').filter((l) => l.startsWith('- '));
    expect(found.length).toBeGreaterThan(0);
    for (const l of found) expect(l).toMatch(/^- Tea Kettle \(1\.5 liters, glass,/);
  });

  it('answers "is the espresso machine any good for lattes?" with no yes/no about "lattes"', async () => {
    const r = await task('ProductExpertAgent', 'Is the espresso machine with 19 bar any good for lattes?');
    expect(r.reply).not.toMatch(/don't say it is lattes/);
    const lines = r.reply.split('\n').filter((l) => l.startsWith('- '));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toContain('19 bar');
  });

  it('says an item cannot come off an order alone, and what can be done instead', async () => {
    const r = await task('OrderManagementAgent', 'please take the air purifier off my order W3614011', {
      customerId: 'emma_smith_8564',
    });
    expect(r.calls.map((c) => c.name)).toEqual(['store.get_order_details']);
    expect(r.reply).toMatch(/^I can't take a single item off an order\./);
    expect(r.reply).toContain('Order #W3614011 can be cancelled as a whole while it is pending');
    expect(r.reply).toContain('the Air Purifier can be swapped for another option of the same product');
  });

  it('answers "unsubscribe me" with how to unsubscribe', async () => {
    for (const words of ['remove me from your mailing list', 'please stop sending me promotional emails']) {
      const k = await store.call('store.search_knowledge', { query: words, limit: 3 });
      const knowledge = (k.output as { results: { title: string; body: string }[] }).results.map((a) => ({
        title: a.title,
        content: a.body,
      }));
      const r = await task('GeneralSupportAgent', words, { knowledge });
      expect(r.reply, words).toMatch(/To unsubscribe from the newsletter or from alerts, use the link/);
    }
  });

  it('answers "how much is shipping for a bicycle?" with the line on bicycles and what it costs, not every shipping time', async () => {
    const r = await task('GeneralSupportAgent', 'How much is shipping for a bicycle?');
    expect(r.reply).toContain('Large items (bicycles');
    expect(r.reply).toContain('ship free');
    expect(r.reply).not.toContain('Standard shipping takes');
    const express = await task('GeneralSupportAgent', 'how much does express shipping cost?');
    expect(express.reply).toContain('$14.99');
  });

  it("says what the variants differ in when asked the difference between a product's models", async () => {
    const r = await task('ProductExpertAgent', "What's the difference between the E-Reader models?");
    expect(r.reply).toMatch(/^The E-Reader variants differ in /);
    for (const option of ['screen size', 'connectivity', 'storage']) expect(r.reply).toContain(option);
  });

  it('answers "which is cheaper, the wireless earbuds or the headphones?" from a search of each', async () => {
    const r = await task('ProductExpertAgent', 'which is cheaper, the wireless earbuds or the headphones?');
    expect(r.calls.map((c) => c.args.query)).toEqual(['wireless earbuds', 'headphones']);
    const lowest = (i: number) => {
      const out = r.calls[i]!.result!.output as { results: { price: number; available: boolean }[] };
      return Math.min(...out.results.filter((v) => v.available).map((v) => v.price));
    };
    const [earbuds, headphones] = [lowest(0), lowest(1)];
    const cheaper = earbuds < headphones ? 'Wireless Earbuds' : 'Headphones';
    expect(r.reply.split('\n')[0]).toBe(
      `The ${cheaper} are cheaper: from $${Math.min(earbuds, headphones).toFixed(2)}, against $${Math.max(earbuds, headphones).toFixed(2)} for the ${cheaper === 'Headphones' ? 'Wireless Earbuds' : 'Headphones'}.`,
    );
  });

  it('searches each product asked for side by side, each with the colour said with it', async () => {
    const two = await task('ProductExpertAgent', 'do you have headphones or earbuds?');
    expect(two.calls.map((c) => c.args.query)).toEqual(['headphones', 'earbuds']);
    expect(two.reply.split('\n')).toEqual([
      expect.stringMatching(/^- Headphones: from \$\d+\.\d\d in stock\.$/),
      expect.stringMatching(/^- Wireless Earbuds: from \$\d+\.\d\d in stock\.$/),
    ]);
    const coloured = await task('ProductExpertAgent', 'do you have red sneakers or a blue fleece jacket?');
    expect(coloured.calls.map((c) => [c.args.query, (c.args.filters as { color?: string }).color])).toEqual([
      ['red sneakers', 'red'],
      ['blue fleece jacket', 'blue'],
    ]);
    expect(coloured.reply).toMatch(/^- Red sneakers: /);
  });

  it('says a phone case or a laptop sleeve is not in the catalogue, rather than offering phones or laptops', async () => {
    for (const [words, thing] of [
      ['I need a new phone case', 'a phone case'],
      ['do you have a laptop sleeve?', 'a laptop sleeve'],
    ] as const) {
      const r = await task('ProductExpertAgent', words);
      expect(r.reply, words).toBe(`I couldn't find ${thing} in our catalogue.`);
    }
    // What a thing is for is not a second thing to look for.
    const charger = await task('ProductExpertAgent', 'I need a portable charger for my phone');
    expect(charger.calls[0]!.args.query).toBe('portable charger');
    expect(charger.reply).toMatch(/^Here is what I found for portable charger:\n- Portable Charger/);
  });

  it('answers "what\'s the return window?" with the time limit, and a yes/no about "it" after a product was asked about', async () => {
    const window = await task('GeneralSupportAgent', "what's the return window?");
    expect(window.reply).toMatch(/^According to our "Returns and refunds" article: Please return items within 30 days/);
    const safe = await task('ProductExpertAgent', 'Is the coffee maker dishwasher safe?');
    expect(safe.reply).toMatch(/^The Coffee Maker details don't say it is dishwasher safe: /);
    const history = [
      { role: 'user' as const, content: 'do you sell yoga mats?' },
      { role: 'assistant' as const, content: 'Here is what I found for yoga mats:' },
      { role: 'user' as const, content: 'is it machine washable?' },
    ];
    const washable = await task('ProductExpertAgent', 'is it machine washable?', { history });
    expect(washable.reply).toMatch(/^The Yoga Mat details don't say it is machine washable: /);
  });

  it('answers "which is cheaper?" after "do you have headphones or earbuds?" about those two, planned for the card that answered', async () => {
    const provider = new OfflineProvider();
    const first = 'do you have headphones or earbuds?';
    const shown = await task('ProductExpertAgent', first);
    const turns: Turn[] = [
      { role: 'user', text: first },
      { role: 'assistant', text: shown.reply, agentName: 'ProductExpertAgent' },
      { role: 'user', text: 'which is cheaper?' },
    ];
    const plan = JSON.parse((await provider.complete(planRequest(turns))).content ?? '{}') as {
      tasks: { agent: string; instruction: string }[];
    };
    expect(plan.tasks.map((t) => t.agent)).toEqual(['ProductExpertAgent']);
    const r = await task('ProductExpertAgent', 'which is cheaper?', {
      instruction: plan.tasks[0]!.instruction,
      history: [
        { role: 'user', content: first },
        { role: 'assistant', content: shown.reply },
        { role: 'user', content: 'which is cheaper?' },
      ],
    });
    expect(r.calls.map((c) => c.args.query)).toEqual(['headphones', 'earbuds']);
    expect(r.reply).toMatch(/^The Wireless Earbuds are cheaper: from \$/);
  });

  it('asks what a child is into before suggesting a gift, and finds "the fleece jacket in XL" exactly', async () => {
    const gift = await task('UpsellAgent', 'can you recommend a good gift for a 10 year old?');
    expect(gift.calls).toEqual([]);
    expect(gift.reply).toMatch(/What are they into/);
    const fleece = await task('ProductExpertAgent', 'Do you have the fleece jacket in XL?');
    expect(fleece.reply).toMatch(/^Here is what I found for fleece jacket in size XL:/);
    for (const l of fleece.reply.split('\n').slice(1)) expect(l).toMatch(/^- Fleece Jacket \(XL,/);
  });

  it('answers "is the smart thermostat compatible with google home?" with the variants whose option names Google', async () => {
    const r = await task('ProductExpertAgent', 'Is the smart thermostat compatible with google home?');
    expect(r.reply).toMatch(/^Smart Thermostat with compatibility Google Assistant: \d+ of the \d+ variants/);
    expect(r.reply).not.toMatch(/don't say it is home/);
    const watch = await task('ProductExpertAgent', 'is the wristwatch available with a metal strap?');
    expect(watch.reply).toMatch(/^Here is what I found for metal wristwatch:/);
  });

  it('answers a comparison from the knowledge base with a line on each side', async () => {
    const answer = await task('GeneralSupportAgent', "what's the difference between standard and express shipping?");
    expect(answer.calls.map((c) => c.name)).toEqual(['store.search_knowledge']);
    expect(answer.reply).toContain('Standard shipping takes 3 to 5 business days');
    expect(answer.reply).toContain('Express shipping takes 1 to 2 business days');
    expect(answer.reply).not.toContain('United States only');
  });

  it('lists the other orders past the one the conversation is about, and all of them when asked, not that one again', async () => {
    const first = "What's the status of order #W2417020?";
    const status = await task('OrderManagementAgent', first, { customerId: 'emma_smith_8564' });
    const history = [
      { role: 'user' as const, content: first },
      { role: 'assistant' as const, content: status.reply },
    ];
    const other = await task('OrderManagementAgent', 'Do I have any other orders?', {
      customerId: 'emma_smith_8564',
      history: [...history, { role: 'user', content: 'Do I have any other orders?' }],
    });
    expect(other.calls.map((c) => c.name)).toEqual(['store.get_user_details']);
    expect(other.reply).toBe('Besides #W2417020, I see 2 other orders on your account: #W5605613 and #W3614011.');
    // Asked for all of them, every order is looked up, not the one named before.
    const all = await task('OrderManagementAgent', 'Which orders do I have?', {
      customerId: 'emma_smith_8564',
      history: [...history, { role: 'user', content: 'Which orders do I have?' }],
    });
    for (const id of ['#W2417020', '#W5605613', '#W3614011']) expect(all.reply).toContain(`Your order ${id}`);
  });

  it('keeps the product and all its options in a back-in-stock lead: XL black hoodie', async () => {
    const run = await task(
      'LeadGenerationAgent',
      'Notify me when your XL black hoodie is back in stock. My email is ann.lee@example.com',
    );
    const lead = run.calls.find((c) => c.name === 'store.create_lead' || c.name === 'store.subscribe_back_in_stock');
    const saved = JSON.stringify(lead?.args);
    for (const word of ['hoodie', 'XL', 'black']) expect(saved).toContain(word);
    expect(saved).not.toMatch(/sock/);
  });

  it("keeps men's in the search, and lists the nearest options by what differs, right size first, none out of stock", async () => {
    const run = await task('ProductExpertAgent', "do you have any red sneakers in men's size 9?");
    expect(String(run.calls[0]!.args.query)).toContain("men's");
    const lines = run.reply.split('\n').filter((l) => l.startsWith('- '));
    expect(run.reply).toContain('Nothing matches');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toMatch(/out of stock/);
      expect(line).not.toMatch(/\b\d{10}\b/);
      // A different size is never presented as a match: it is named as the difference.
      if (!/in size 9\b/.test(line)) expect(line).toMatch(/but [^(]*size \d/);
    }
    const firstWrongSize = lines.findIndex((l) => !/in size 9\b/.test(l));
    const lastRightSize = lines.map((l) => /in size 9\b/.test(l)).lastIndexOf(true);
    if (firstWrongSize >= 0) expect(lastRightSize).toBeLessThan(firstWrongSize);
  });

  it('"what about in size 10?" after asking for hiking boots looks for hiking boots in size 10, within the budget given', async () => {
    const first = 'do you have waterproof hiking boots under $150?';
    const asked = await task('ProductExpertAgent', first);
    // None is within the budget: the answer says so once, and what the cheapest cost.
    expect(asked.calls.map((c) => [c.name, (c.args.filters as { max_price?: number } | undefined)?.max_price])).toEqual(
      [
        ['store.search_products', 150],
        ['store.search_products', undefined],
      ],
    );
    const [head, ...lines] = asked.reply.split('\n');
    expect(head).toBe('We have no hiking boots under $150. The lowest-priced:');
    const prices = lines.map((l) => Number(/\$(\d+\.\d\d)$/.exec(l)?.[1]));
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.every((p) => p > 150)).toBe(true);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    // Asked for waterproof ones: the boots whose "waterproof" option says no are left out.
    for (const line of lines) expect(line).toContain('waterproof yes');
    const history = [
      { role: 'user' as const, content: first },
      { role: 'assistant' as const, content: asked.reply },
    ];
    for (const [words, option] of [
      ['what about in size 10?', { size: '10' }],
      ['and in black?', { color: 'black' }],
    ] as const) {
      const next = await task('ProductExpertAgent', words, { history: [...history, { role: 'user', content: words }] });
      const search = next.calls.find((c) => c.name === 'store.search_products');
      expect(search?.args).toMatchObject({ query: expect.stringContaining('hiking boots') });
      expect(search?.args.filters).toMatchObject({ ...option, max_price: 150 });
      expect(next.reply).not.toMatch(/Running Shoes|Sneakers|for size:/);
    }
    // Nothing near enough within the budget either: said once, with the nearest options in stock.
    const sneakers = await task('ProductExpertAgent', 'red sneakers in size 9 under $100');
    expect(sneakers.reply).toMatch(/^We have no red sneakers in size 9 under \$100\. The closest options in stock/);
    expect(sneakers.reply).not.toMatch(/couldn't find/);
    // "Is it in stock in black?": the boots, in black ("stock" is not a misspelt "sock").
    const words0 = 'is it in stock in black?';
    const black = await task('ProductExpertAgent', words0, {
      history: [...history, { role: 'user', content: words0 }],
    });
    expect(black.calls[0]?.args).toMatchObject({ query: expect.stringMatching(/^black hiking boots$/) });
    // A new budget alone: the same boots within it.
    const words = 'and under $300?';
    const raised = await task('ProductExpertAgent', words, { history: [...history, { role: 'user', content: words }] });
    expect(raised.calls[0]?.args).toMatchObject({
      query: expect.stringContaining('hiking boots'),
      filters: { max_price: 300 },
    });
    expect(raised.reply).toMatch(/^Here is what I found for hiking boots under \$300:\n- Hiking Boots/);
  });

  it('answers "waterproof hiking boots in size 10?" with the boots that are, not with lines of the product document', async () => {
    for (const [job, words, size] of [
      ['the hiking boots', 'do you have waterproof hiking boots in size 10?', 'size 10'],
      ['the action camera', 'I need an action camera that is waterproof', ''],
    ] as const) {
      const run = await task('ProductExpertAgent', words, {
        instruction: `Give the customer the details of ${job}. The customer wrote: "${words}"`,
      });
      expect(run.calls.map((c) => c.name)).toEqual(['store.search_products']);
      const lines = run.reply.split('\n').filter((l) => l.startsWith('- '));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toContain('waterproof yes');
        expect(line).toContain(size);
      }
      expect(run.reply).not.toContain('|');
    }
    // A question about the product itself still reads its document, quoted in sentences, never its table.
    const words = 'tell me the specifications of the hiking boots';
    const specs = await task('ProductExpertAgent', words, {
      instruction: `Give the customer the details of the hiking boots. The customer wrote: "${words}"`,
    });
    expect(specs.calls.map((c) => c.name)).toEqual(['store.search_products', 'store.read_product_document']);
    expect(specs.reply).toMatch(/^From the product document for Hiking Boots: /);
    expect(specs.reply).not.toContain('|');
  });

  it('says plainly whether an order shipped, with its tracking number', async () => {
    const run = await task('OrderManagementAgent', 'Where is my order #W2611340?', { customerId: 'james_li_5688' });
    expect(run.reply).toMatch(/^Your order #W2611340 has shipped/);
    expect(run.reply).toContain('Tracking number: 357962501027');
    expect(run.reply).not.toContain('processed for shipping');
  });
  it("answers 'what sizes / colours does it come in' with the option's values from every variant, not a page of variants", async () => {
    type Details = { variants: Record<string, { options: Record<string, string>; available: boolean }> };
    const valuesIn = (run: Awaited<ReturnType<typeof task>>, key: string, where: Record<string, string> = {}) => {
      const details = run.calls.find((c) => c.name === 'store.get_product_details')?.result;
      expect(details?.ok).toBe(true);
      const variants = Object.values((details as { output: Details }).output.variants);
      const fit = variants.filter((v) => Object.entries(where).every(([k, x]) => v.options[k] === x));
      return [...new Set(fit.map((v) => v.options[key]!))];
    };
    const boots = await task('ProductExpertAgent', 'what sizes do the hiking boots come in?');
    const sizes = valuesIn(boots, 'size');
    // More sizes than one search page lists variants of.
    expect(sizes.length).toBeGreaterThan(5);
    const said = boots.reply.match(/sizes ([^.]+)\./)![1]!.split(/, | and /);
    expect(said).toEqual([...sizes].sort((a, b) => Number(a) - Number(b)));
    expect(boots.reply).not.toMatch(/^- /m);

    const shirts = await task('ProductExpertAgent', 'What colors are available for the t-shirt in size XL?');
    const xl = valuesIn(shirts, 'color', { size: 'XL' });
    expect(xl.length).toBeLessThan(valuesIn(shirts, 'color').length);
    expect(shirts.reply).toContain('in size XL');
    expect(new Set(shirts.reply.match(/colors? ([^.]+)\./)![1]!.split(/, | and /))).toEqual(new Set(xl));

    // Naming a value picks variants, and a yes/no option filters them: neither asks for the values.
    const ten = await task('ProductExpertAgent', 'do you have the hiking boots in size 10?');
    expect(ten.calls.map((c) => c.name)).not.toContain('store.get_product_details');
    const waterproof = await task('ProductExpertAgent', 'which hiking boots are waterproof?');
    expect(waterproof.reply).not.toMatch(/We carry the Hiking Boots in/);
  });
  it("says where a rule stops when the question names what the article never mentions: shipping 'to Canada'", async () => {
    const canada = await task('GeneralSupportAgent', 'how long does shipping take to Canada?');
    expect(canada.calls.map((c) => c.name)).toEqual(['store.search_knowledge']);
    expect(canada.reply).toContain('United States only');
    // Asked without a place, the times are the answer.
    const plain = await task('GeneralSupportAgent', 'how long does shipping take?');
    expect(plain.reply).toMatch(/Standard shipping takes/);
    expect(plain.reply).not.toContain('United States only');
    // The lines that answer stay: what express shipping costs.
    const texas = await task('GeneralSupportAgent', 'how much is express shipping to Texas?');
    expect(texas.reply).toContain('$14.99');
  });
  it("a designer's card with no tools answers from what its instructions state, never quoting what they tell it to do", async () => {
    const card = {
      ...builtins.find((c) => c.name === 'GeneralSupportAgent')!,
      name: 'ShowroomAgent',
      tools: [],
      handoffs: [],
      instructions: [
        'You help shoppers who want to visit our Austin showroom.',
        'Our Austin showroom is at 500 Congress Avenue and is open Monday to Saturday, 10am to 8pm.',
        'Tell customers that parking is free for two hours in the garage on 5th Street.',
        '- 30-day returns are free at the showroom.',
        "Don't mention the showroom's competitors.",
        'Be warm and brief.',
      ].join('\n'),
    };
    const ask = (words: string) =>
      runTask({ card, tools: store.tools, call: store.call, instruction: `Answer: "${words}"`, userMessage: words });
    expect((await ask('is parking free?')).reply).toBe('Parking is free for two hours in the garage on 5th Street.');
    const hours = (await ask('when is the showroom open on saturday?')).reply;
    expect(hours).toContain('Monday to Saturday, 10am to 8pm');
    expect(hours).not.toMatch(/You help|Be warm|competitors/);
    // A list marker goes; a statement's own number stays.
    expect((await ask('are returns free at the showroom?')).reply).toContain(
      '30-day returns are free at the showroom.',
    );
    // Not in its instructions: said honestly, nothing quoted.
    expect((await ask('what is the meaning of life?')).reply).toMatch(/don't have information/);
  });
  it("sets two values of an option side by side: 'the difference between the leather and synthetic hiking boots?'", async () => {
    type Details = {
      variants: Record<string, { options: Record<string, string>; available: boolean; price: number }>;
    };
    const run = await task(
      'ProductExpertAgent',
      "what's the difference between the leather and synthetic hiking boots?",
    );
    const details = run.calls.find((c) => c.name === 'store.get_product_details')?.result;
    expect(details?.ok).toBe(true);
    const variants = Object.values((details as { output: Details }).output.variants);
    const lines = run.reply.split('\n');
    expect(lines[0]).toBe('Hiking Boots, leather against synthetic:');
    for (const [i, material] of ['leather', 'synthetic'].entries()) {
      const these = variants.filter((v) => v.options.material === material);
      const prices = these.map((v) => v.price);
      const inStock = these.filter((v) => v.available).length;
      expect(lines[i + 1]).toBe(
        `- ${material[0]!.toUpperCase()}${material.slice(1)}: $${Math.min(...prices).toFixed(2)} to $${Math.max(...prices).toFixed(2)}; ${inStock} of ${these.length} in stock`,
      );
    }
    // Nothing "matches exactly" is said of a comparison.
    expect(run.reply).not.toContain('Nothing matches');
  });

  it('reads "waterproof" or "water resistant" as the speaker\'s yes/no option "water resistance", and lists those that have it', async () => {
    for (const words of ['is the bluetooth speaker waterproof?', 'is the bluetooth speaker water resistant?']) {
      const r = await task('ProductExpertAgent', words);
      const details = r.calls.find((c) => c.name === 'store.get_product_details')?.result?.output as {
        variants: Record<string, { options: Record<string, string>; available: boolean }>;
      };
      const inStock = Object.values(details.variants).filter((v) => v.available);
      const yes = inStock.filter((v) => v.options['water resistance'] === 'yes').length;
      expect(yes).toBeGreaterThan(0);
      expect(yes).toBeLessThan(inStock.length);
      expect(r.reply.split('\n')[0]).toBe(
        `Some have water resistance: ${yes} of the ${inStock.length} Bluetooth Speaker variants in stock; the others do not.`,
      );
      const listed = r.reply.split('\n').filter((l) => l.startsWith('- '));
      expect(listed.length).toBeGreaterThan(0);
      for (const line of listed) expect(line).toContain('water resistance yes');
      expect(r.reply).not.toMatch(/don't say/);
    }
  });

  it("answers a product's battery life from its option, or says its details don't list one, instead of looking for a battery", async () => {
    const reader = await task('ProductExpertAgent', 'how long does the e-reader battery last');
    expect(reader.calls[0]!.args.query).toBe('ereader');
    expect(reader.reply).toMatch(/^The E-Reader details don't list its battery life: its options are /);
    for (const option of ['screen size', 'connectivity', 'storage']) expect(reader.reply).toContain(option);
    const speaker = await task('ProductExpertAgent', "what's the speaker's battery life like?");
    expect(speaker.reply).toBe(
      'We carry the Bluetooth Speaker in 2 battery life options: 10 hours and 20 hours. Each is in stock.',
    );
    // A battery of its own, asked for, is still a thing to look for.
    const spare = await task('ProductExpertAgent', 'do you sell a spare battery for the e-reader?');
    expect(spare.reply).toBe("I couldn't find an ereader battery in our catalogue.");
    expect(spare.calls[0]!.args.query).toBe('ereader battery');
  });

  it('lists "your cheapest tablet" from the lowest price, and the most expensive laptop from the highest', async () => {
    for (const [words, order] of [
      ["what's your cheapest tablet", 1],
      ['what is the most expensive laptop you have?', -1],
    ] as const) {
      const r = await task('ProductExpertAgent', words);
      const search = r.calls.find((c) => c.name === 'store.search_products')!;
      const results = (search.result!.output as { results: { price: number; available: boolean }[] }).results;
      const inStock = results.filter((v) => v.available).map((v) => v.price);
      const prices = [...r.reply.matchAll(/\$(\d+\.\d{2})/g)].map((m) => Number(m[1]));
      expect(prices.length).toBe(Math.min(5, inStock.length));
      expect(prices[0]).toBe(order === 1 ? Math.min(...inStock) : Math.max(...inStock));
      expect([...prices].sort((a, b) => order * (a - b))).toEqual(prices);
      expect(r.reply.split('\n')[0]).toMatch(order === 1 ? /lowest price first:$/ : /highest price first:$/);
    }
  });

  it('says the product named as asked is out of stock in that colour, beside what is in stock ("sneakers in red")', async () => {
    const r = await task('ProductExpertAgent', 'do you sell sneakers in red?');
    const results = (
      r.calls[0]!.result!.output as { results: { name: string; options: Record<string, string>; available: boolean }[] }
    ).results;
    const sneakers = results.filter((v) => v.name === 'Sneakers');
    expect(sneakers.length).toBeGreaterThan(0);
    expect(sneakers.every((v) => !v.available)).toBe(true);
    expect(r.reply).toContain(`Out of stock right now: Sneakers (size ${sneakers[0]!.options.size}, red,`);
    expect(r.reply).toMatch(/^Here is what I found for red sneakers:\n- Running Shoes/);
  });

  it('answers "how long do refunds take to show up on my card?" from the refunds article; "my refund" is the returns card\'s', async () => {
    const general = 'how long do refunds take to show up on my card';
    expect(await agentsFor(general)).toEqual(['GeneralSupportAgent']);
    expect(await agentsFor('when will my refund show up on my card?')).toEqual(['ReturnsAgent']);
    const r = await task('GeneralSupportAgent', general);
    expect(r.reply).toMatch(/^According to our "Returns and refunds" article: /);
    expect(r.reply).toContain('5 to 7 business days');
  });

  it('keeps "who do I talk to?" with the bulk enquiry it follows, and reads "we need 200 water bottles" as one', async () => {
    expect(await agentsFor('I want to buy 50 office chairs for my company, who do I talk to')).toEqual([
      'LeadGenerationAgent',
    ]);
    expect(await agentsFor('who do I talk to about a return?')).not.toContain('LeadGenerationAgent');
    const lead = await task(
      'LeadGenerationAgent',
      'we need 200 water bottles for an event. who can I contact about pricing?',
    );
    expect(lead.reply).toBe('Happy to keep you posted about your bulk order. What email address should we use?');
    // The product card, given the same count, still searches.
    const search = await task('ProductExpertAgent', 'do you have 30 yoga mats in stock?');
    expect(search.calls.map((c) => c.name)).toEqual(['store.search_products']);
  });

  it('searches "need new headphones, noise cancelling, under 300" within the budget, and signs up "tell me when it is back"', async () => {
    const r = await task('ProductExpertAgent', 'need new headphones, noise cancelling, under 300');
    expect(r.calls[0]!.args).toEqual({ query: 'headphones', filters: { max_price: 300 } });
    const back = await task('LeadGenerationAgent', 'tell me when the fleece jacket is back');
    expect(back.reply).toBe(
      'Happy to keep you posted when the fleece jacket is back in stock. What email address should we use?',
    );
    const identified = await task('OrderManagementAgent', "hi i'm emma smith, zip 10192, where is my order?");
    expect(identified.calls[0]!.name).toBe('store.find_user_id_by_name_zip');
    expect(identified.calls[0]!.result?.ok).toBe(true);
  });

  it('compares "the e-reader and the tablet" by what each comes in, planned as one task naming both', async () => {
    const words = 'what is the difference between the e-reader and the tablet';
    const plan = await planFor(words);
    expect(plan.map((t) => t.agent)).toEqual(['ProductExpertAgent']);
    expect(plan[0]!.instruction).toMatch(/^Compare ereader and tablet for the customer\./);
    const r = await task('ProductExpertAgent', words, { instruction: plan[0]!.instruction });
    expect(r.calls.map((c) => c.args.query)).toEqual(['ereader', 'tablet']);
    const lines = r.reply.split('\n');
    for (const [i, call] of r.calls.entries()) {
      const results = (call.result!.output as { results: { name: string; options: Record<string, string> }[] }).results;
      expect(lines[i]).toMatch(new RegExp(`^- ${results[0]!.name}: from \\$\\d+\\.\\d\\d in stock; comes in `));
      for (const key of Object.keys(results[0]!.options)) expect(lines[i]).toContain(key);
    }
  });

  it("sends a product's battery life or compatibility to the catalogue's card, and a return window to the article that states one", async () => {
    expect(await agentsFor('how long does the speaker battery last')).toEqual(['ProductExpertAgent']);
    expect(await agentsFor('is the smart watch compatible with iphone')).toEqual(['ProductExpertAgent']);
    expect(await agentsFor('how long is the warranty on the laptop?')).toEqual(['GeneralSupportAgent']);
    const watch = await task('ProductExpertAgent', 'is the smart watch compatible with iphone');
    expect(watch.reply).toMatch(/^The Smart Watch details don't list its compatibility: its options are /);
    const window = await task('GeneralSupportAgent', 'what is your return window for shoes?');
    expect(window.reply).toMatch(/^According to our "Returns and refunds" article: .*within 30 days of delivery/);
  });

  it('reads "something for my brother who is into gaming" as a present, and suggests one of each product that fits', async () => {
    const [giftCard] = await planFor('a birthday gift for my dad');
    for (const words of [
      'something for my brother who is into gaming',
      'could you recommend a gift for my mom, she loves cooking',
    ]) {
      const tasks = await planFor(words);
      expect(tasks.map((t) => t.agent)).toEqual([giftCard!.agent]);
      expect(tasks[0]!.instruction).toMatch(/^Suggest gift ideas for the person the customer describes\./);
      const r = await task(giftCard!.agent, words, { instruction: tasks[0]!.instruction });
      const names = r.reply
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .map((l) => /^- ([^(]+) \(/.exec(l)![1]);
      expect(names.length).toBeGreaterThanOrEqual(3);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('goes on about the products just shown: "what colors?", then "ok thanks" is a thank-you, not a yes', async () => {
    const first = 'do you have running shoes in size 10?';
    const shown = await task('ProductExpertAgent', first);
    const turns: Turn[] = [
      { role: 'user', text: first },
      { role: 'assistant', text: shown.reply, agentName: 'ProductExpertAgent' },
    ];
    const next = (text: string) => planFor([...turns, { role: 'user', text }]);
    const colours = await next('what colors?');
    expect(colours.map((t) => t.agent)).toEqual(['ProductExpertAgent']);
    const r = await task('ProductExpertAgent', 'what colors?', {
      instruction: colours[0]!.instruction,
      history: [
        { role: 'user', content: first },
        { role: 'assistant', content: shown.reply },
        { role: 'user', content: 'what colors?' },
      ],
    });
    expect(r.calls[0]!.args.query).toBe('running shoes');
    expect(r.reply).toMatch(/^We carry the Running Shoes in colors /);
    // Questions of their own after it are planned as any message is.
    for (const [text, agent] of [
      ['is it waterproof?', 'ProductExpertAgent'],
      ['any in black?', 'ProductExpertAgent'],
      ['where is my order?', 'OrderManagementAgent'],
      ['what is your return policy?', 'GeneralSupportAgent'],
      ['do they run true to size?', 'GeneralSupportAgent'],
      ['ok thanks', 'GeneralSupportAgent'],
      ['that is perfect thanks', 'GeneralSupportAgent'],
      ['thats all, thanks', 'GeneralSupportAgent'],
    ] as const)
      expect((await next(text)).map((t) => t.agent)).toEqual([agent]);
    const thanks = await task('GeneralSupportAgent', 'ok thanks', {
      history: [
        { role: 'user', content: first },
        { role: 'assistant', content: shown.reply },
        { role: 'user', content: 'ok thanks' },
      ],
    });
    expect(thanks.calls).toEqual([]);
    expect(thanks.reply).toMatch(/^You're welcome!/);
  });

  it("asks what a present's person is into, then searches what they like within the budget given after", async () => {
    const say = conversation();
    const asked = await say('I am looking for a gift for my sister');
    expect(asked.plan).toHaveLength(1);
    expect(asked.calls).toEqual([]);
    expect(asked.reply).toMatch(/What are they into/);
    const likes = await say('she likes camping');
    expect(likes.agent).toBe(asked.agent);
    expect(likes.calls[0]!.args).toEqual({ query: 'camping', limit: 50 });
    const budget = await say('under 50 please');
    expect(budget.agent).toBe(asked.agent);
    expect(budget.calls[0]!.args).toEqual({ query: 'camping', filters: { max_price: 50 }, limit: 50 });
    for (const price of [...budget.reply.matchAll(/\$(\d+\.\d\d)/g)].map((m) => Number(m[1])))
      expect(price).toBeLessThan(50);
  });

  it('goes on with "cancel my order" when the order number and then the email come in messages of their own', async () => {
    const say = conversation();
    await say('cancel my order');
    const order = await say('W2417020');
    // The order number is the one to cancel, not a question where it is.
    expect(order.plan.map((t) => [t.agent, t.instruction.split(' The customer')[0]])).toEqual([
      ['OrderManagementAgent', 'Cancel order #W2417020 for the customer, after confirming.'],
    ]);
    const email = await say('emma.smith3991@example.com');
    expect(email.calls.map((c) => c.name)).toEqual(['store.find_user_id_by_email', 'store.get_order_details']);
    expect(email.reply).toMatch(/^Order #W2417020 is pending: .* Shall I cancel it/);
  });

  it('answers follow-ups about a product with its option values, the cheaper ones first, or the most of an option', async () => {
    const converse = async (messages: string[]) => {
      const say = conversation();
      const out = [];
      for (const text of messages) out.push(await say(text));
      return out;
    };
    const [, thickness] = await converse(['do you have a yoga mat?', 'what thickness options?']);
    expect(thickness!.agent).toBe('ProductExpertAgent');
    expect(thickness!.reply).toMatch(/^We carry the Yoga Mat in \d thickness options: \d+mm, \d+mm/);
    const [, price, cheaper] = await converse([
      'is the espresso machine any good?',
      'how much is it?',
      'do you have a cheaper one?',
    ]);
    expect(price!.agent).toBe('ProductExpertAgent');
    expect(price!.calls[0]!.args.query).toBe('espresso machine');
    const shown = [...price!.reply.matchAll(/\$(\d+\.\d\d)/g)].map((m) => Number(m[1]));
    expect(price!.reply.split('\n')[0]).toBe(`The Espresso Machine in stock starts at $${shown[0]!.toFixed(2)}:`);
    expect(shown[0]).toBe(Math.min(...shown.slice(1)));
    expect(cheaper!.reply).toMatch(/^Here is what I found for espresso machine, lowest price first:/);
    const prices = [...cheaper!.reply.matchAll(/\$(\d+\.\d\d)/g)].map((m) => Number(m[1]));
    expect([...prices].sort((a, b) => a - b)).toEqual(prices);
    const [, most] = await converse(['do you sell laptops?', 'which one has the most storage?']);
    const details = most!.calls.find((c) => c.name === 'store.get_product_details');
    expect(details).toBeDefined();
    expect(most!.reply.split('\n')[0]).toBe('Laptop with the most storage (1TB SSD):');
    for (const line of most!.reply.split('\n').slice(1)) expect(line).toContain('1TB SSD');
  });

  it('keeps a conversation with the card it is with: "what are my options?", "it\'s been 10 days", no order number', async () => {
    const next = (before: Turn[], text: string) => agentsFor([...before, { role: 'user', text }]);
    const asked = (agent: string, text: string): Turn[] => [
      { role: 'user', text },
      {
        role: 'assistant',
        agentName: agent,
        text: 'I can help with your order. First I need to confirm who you are: please send the email address on your account, or your first name, last name and zip code.',
      },
    ];
    expect(
      await next(asked('ReturnsAgent', 'my tablet arrived with a cracked screen'), 'what are my options?'),
    ).toEqual(['ReturnsAgent']);
    expect(await next(asked('OrderManagementAgent', 'my order has not arrived'), "it's been 10 days")).toEqual([
      'OrderManagementAgent',
    ]);
    const none = await task('OrderManagementAgent', "I don't have the order number", {
      history: [
        { role: 'user', content: 'where is my package?' },
        { role: 'assistant', content: 'I can help with your order. First I need to confirm who you are.' },
        { role: 'user', content: "I don't have the order number" },
      ],
    });
    expect(none.reply).toMatch(/^No problem: I can find your orders without it\. Please send the email address/);
    // Asking for help, or about a present already given, is no request for a gift.
    expect(await next([], 'I need help')).toEqual(['GeneralSupportAgent']);
    expect((await task('GeneralSupportAgent', 'I need help')).reply).toMatch(/^Of course\. What can I help you with\?/);
    expect(await next([], 'what if the item was a gift?')).toEqual(['GeneralSupportAgent']);
    // "How much is it?" is no greeting.
    expect(await next([], 'how are you?')).toEqual(['GeneralSupportAgent']);
    // A package stuck on its way is the shopper's order to look up, not a question the card cannot place.
    const stuck = await task('OrderManagementAgent', 'my package is stuck in transit for a week');
    expect(stuck.reply).toMatch(/^I can help with your order\. First I need to confirm who you are/);
  });

  it('takes "I ordered it by mistake" as the reason of the cancellation asked before, says what changed, and lists past orders', async () => {
    // A store of its own: this test cancels an order the others read as pending.
    const own = await createTinyStore();
    onTestFinished(() => own.dispose());
    const customerId = 'emma_smith_8564';
    const history: { role: 'user' | 'assistant'; content: string }[] = [];
    const say = async (text: string) => {
      history.push({ role: 'user', content: text });
      const r = await runTask({
        card: card('OrderManagementAgent'),
        tools: own.tools,
        call: own.call,
        instruction: `Help the customer with this request. The customer wrote: "${text}"`,
        userMessage: text,
        customerId,
        history: [...history],
      });
      history.push({ role: 'assistant', content: r.reply });
      return r;
    };
    const asked = await say('cancel W3614011');
    expect(asked.reply).toMatch(/^Order #W3614011 is pending: .* Shall I cancel it \(reason: no longer needed\)\?/);
    const reason = await say('I ordered it by mistake');
    expect(reason.reply).toMatch(/Shall I cancel it \(reason: ordered by mistake\)\?/);
    const done = await say('yes');
    expect(done.calls.find((c) => c.name === 'store.cancel_pending_order')?.args).toEqual({
      order_id: '#W3614011',
      reason: 'ordered by mistake',
    });
    expect(done.reply).toMatch(/^Order #W3614011 is now cancelled \(ordered by mistake\)\./);
    expect(await agentsFor('what did I order last time?')).toEqual(['OrderManagementAgent']);
    const past = await runTask({
      card: card('OrderManagementAgent'),
      tools: own.tools,
      call: own.call,
      instruction: 'Help the customer with this request. The customer wrote: "what did I order last time?"',
      userMessage: 'what did I order last time?',
      customerId,
    });
    for (const id of ['#W2417020', '#W5605613', '#W3614011']) expect(past.reply).toContain(id);
  });

  it('answers product questions a page of variants cannot: the biggest screen, wired against wireless, the material', async () => {
    const screen = await task('ProductExpertAgent', 'which tablet has the biggest screen?');
    expect(screen.calls.map((c) => c.name)).toEqual(['store.search_products', 'store.get_product_details']);
    const lines = screen.reply.split('\n');
    expect(lines[0]).toBe('Tablet with the biggest screen size (10-inch):');
    for (const line of lines.slice(1)) expect(line).toMatch(/^- Tablet \(.*10-inch.*\): \$/);
    const connectivity = await task(
      'ProductExpertAgent',
      'what is the difference between the wired and wireless headphones?',
    );
    expect(connectivity.reply).toMatch(/^Headphones, wired against wireless:\n- Wired: .*\n- Wireless: /);
    const material = await task('ProductExpertAgent', 'what material is the fleece jacket?');
    expect(material.reply).toMatch(/^The Fleece Jacket details don't list its material: its options are /);
    const made = await task('ProductExpertAgent', 'what is the backpack made of?');
    expect(made.reply).toMatch(/^We carry the Backpack in materials /);
    // "T-shirts" is the T-Shirt, in the size asked.
    const tees = await task('ProductExpertAgent', 'do you have any t-shirts in XL?');
    expect(tees.reply).toMatch(/^Here is what I found for tshirts in size XL:\n- T-Shirt \(XL, /);
  });

  it('reads a relative "that" as no thing of the shopper\'s, and a leak asked about before buying as a product question', async () => {
    expect(await agentsFor('I want a water bottle that keeps drinks cold')).toEqual(['ProductExpertAgent']);
    expect(await agentsFor('my water bottle is leaking')).toEqual(['ReturnsAgent']);
    expect(await agentsFor('the bottle that I bought leaks')).toEqual(['ReturnsAgent']);
    expect(await agentsFor('does the water bottle leak?')).toEqual(['ProductExpertAgent']);
  });

  it('hands "change my email address on my account" or a forgotten password to a person, asking for no postal address', async () => {
    for (const [agent, words] of [
      ['OrderManagementAgent', 'can I change my email address on my account'],
      ['GeneralSupportAgent', 'I want to update my phone number on my account'],
      ['GeneralSupportAgent', 'I forgot my password'],
      ['GeneralSupportAgent', "I can't log in to my account"],
    ] as const) {
      const r = await task(agent, words, { customerId: 'emma_smith_8564' });
      expect(r.calls.map((c) => c.name)).toEqual(['handoff_to_HumanTransferAgent']);
      expect(r.reply).not.toMatch(/new address/);
    }
    // A postal address is still the order card's to change.
    const postal = await task(
      'OrderManagementAgent',
      'change the shipping address of W2417020 to 1 Main St, Austin, TX 78701',
      { customerId: 'emma_smith_8564' },
    );
    expect(postal.reply).toMatch(
      /^I'll change the shipping address of order #W2417020 to 1 Main St, Austin, TX 78701\./,
    );
  });

  it("tells how to reach the shop's people from the articles instead of opening a ticket", async () => {
    expect(await agentsFor('how do I contact customer service?')).toEqual(['GeneralSupportAgent']);
    const r = await task('GeneralSupportAgent', 'how do I contact customer service?');
    expect(r.calls.map((c) => c.name)).toEqual(['store.search_knowledge']);
    expect(r.reply).toMatch(/^According to our "Business hours and contacting a person" article: /);
    // Asking to be put through still is a request for a person.
    expect(await agentsFor('I want to talk to customer service')).toEqual(['HumanTransferAgent']);
  });

  it("shows the account's own details once the shopper is known, and says how the shop handles them otherwise", async () => {
    for (const words of [
      'what credit cards do I have on file?',
      'show me my saved addresses',
      "what's the email on my account",
      'which payment methods are saved on my account',
    ])
      expect(await agentsFor(words)).toEqual(['OrderManagementAgent']);
    expect(await agentsFor('what payment methods do you accept')).toEqual(['GeneralSupportAgent']);
    const cards = await task('OrderManagementAgent', 'what credit cards do I have on file?', {
      customerId: 'emma_smith_8564',
    });
    expect(cards.calls.map((c) => c.name)).toEqual(['store.get_user_details']);
    expect(cards.reply).toBe('The payment methods saved on your account: gift card (balance $62.00) and PayPal.');
    const where = await task('OrderManagementAgent', 'show me my saved addresses', { customerId: 'emma_smith_8564' });
    expect(where.reply).toBe(
      'The default address on your account is 243 Hillcrest Drive, Suite 113, New York, NY 10192.',
    );
    // Not yet known: who the shopper is comes first, and nothing of the account is read.
    const stranger = await task('OrderManagementAgent', "what's the email on my account");
    expect(stranger.calls).toEqual([]);
    expect(stranger.reply).toMatch(/^I can help with your account details\. First I need to confirm who you are/);
  });

  it('matches no card by a verb any request uses, without its object', async () => {
    expect(await agentsFor('where can I find my invoice')).toEqual(['GeneralSupportAgent']);
    expect(await agentsFor("I'd like to leave a review")).toEqual(['GeneralSupportAgent']);
    expect(await agentsFor('find me running shoes')).toEqual(['ProductExpertAgent']);
    expect(await agentsFor('leave my email for updates')).toEqual(['LeadGenerationAgent']);
  });

  it("takes a thing of the shopper's that does not fit for an exchange, and a fit asked before buying as a product question", async () => {
    for (const words of [
      'the shoes I got are too small',
      'my new shoes are too small',
      'the jacket that arrived is too big',
    ])
      expect(await agentsFor(words)).toEqual(['ReturnsAgent']);
    expect(await agentsFor('is the tent too small for 4 people?')).toEqual(['ProductExpertAgent']);
    expect(await agentsFor('are the running shoes too small for wide feet?')).toEqual(['ProductExpertAgent']);
  });

  it('finds "the shoes" among the sneakers of an order, and lists what the orders hold when none has the thing named', async () => {
    const shoes = await task('ReturnsAgent', 'the shoes I got are too small', { customerId: 'emma_smith_8564' });
    // The Sneakers are in an order not delivered yet: a change to it, which the order card makes.
    expect(shoes.handoff?.to).toBe('OrderManagementAgent');
    const kettle = await task('ReturnsAgent', 'the kettle I got is broken', { customerId: 'emma_smith_8564' });
    expect(kettle.reply).toMatch(/^I don't see kettle in your orders\. #W2417020 \(pending\): Laptop; /);
    expect(kettle.reply).toMatch(/Which item do you mean\?$/);
  });

  it('puts a shopper nobody has helped through to a person, and the card for people hands over what it is given', async () => {
    for (const words of [
      "this is the third time I'm writing, nobody helps me",
      "I've emailed twice and still no reply",
      'is there no one who can help me?',
    ])
      expect(await agentsFor(words)).toEqual(['HumanTransferAgent']);
    expect(await agentsFor('where is my order #W2417020? I keep asking and nobody answers')).toEqual([
      'OrderManagementAgent',
      'HumanTransferAgent',
    ]);
    expect(await agentsFor('how many times can I return an item')).toEqual(['GeneralSupportAgent']);
    const r = await task('HumanTransferAgent', "this is the third time I'm writing, nobody helps me", {
      businessHoursOpen: true,
    });
    expect(r.calls.map((c) => c.name)).toEqual(['store.transfer_to_human_agents']);
    expect(r.reply).toMatch(/^I've passed your request to a colleague/);
    // Out of hours the ticket waits for the team: a shopper let down before goes first.
    const ticket = await task('HumanTransferAgent', "this is the third time I'm writing, nobody helps me", {
      businessHoursOpen: false,
      customerId: 'emma_smith_8564',
    });
    expect(ticket.calls.find((c) => c.name === 'store.create_ticket')?.args).toMatchObject({ priority: 'high' });
    // In hours too, how an unidentified shopper said to reach them goes on the ticket, for the colleague's desk.
    const typed = await task(
      'HumanTransferAgent',
      'My parcel never came, can a person help? my email is kim.lee@example.com',
      {
        businessHoursOpen: true,
      },
    );
    expect(typed.calls.map((c) => c.name)).toEqual(['store.create_ticket']);
    expect(typed.calls[0]!.args).toMatchObject({ customer_email: 'kim.lee@example.com' });
    // "Thanks Maria!" after a colleague answered is a thank-you, not a question for the articles.
    expect(await agentsFor('thanks Maria! and where is my order #W2417020?')).toEqual(['OrderManagementAgent']);
  });

  it('answers a discount that was not applied from the article on promotions', async () => {
    expect(await agentsFor("my discount wasn't applied to my order")).toEqual(['GeneralSupportAgent']);
    expect(await agentsFor('the promo code is not working')).toEqual(['GeneralSupportAgent']);
  });

  it('offers the next sizes for "too small", takes "10 please" as the pick, and swaps it on "yes"', async () => {
    const own = await createTinyStore();
    try {
      const history: { role: 'user' | 'assistant'; content: string }[] = [];
      const turns: Turn[] = [];
      const say = async (words: string) => {
        history.push({ role: 'user', content: words });
        turns.push({ role: 'user', text: words });
        const plan = await planFor(turns);
        const r = await task('OrderManagementAgent', words, {
          customerId: 'emma_smith_8564',
          instruction: plan[0]!.instruction,
          history: [...history],
          tools: own.tools,
          call: own.call,
        });
        history.push({ role: 'assistant', content: r.reply });
        turns.push({ role: 'assistant', text: r.reply, agentName: 'OrderManagementAgent' });
        return { plan, ...r };
      };
      // The order's Sneakers are size 8 in gray canvas; the only larger pair in stock is a size 10 in gray leather.
      const first = await say('the sneakers in my order are too small');
      expect(first.reply).toBe(
        'Your size is 8, and no larger size is available in gray, canvas right now. Available larger in other options: size 10, gray, leather at $189.50. Would one of these suit you?',
      );
      const pick = await say('10 please');
      expect(pick.plan.map((t) => t.agent)).toEqual(['OrderManagementAgent']);
      expect(pick.reply).toMatch(
        /I can swap your Sneakers \(size 8, gray, canvas\) \$197\.37 for size 10, gray, leather/,
      );
      const yes = await say('yes');
      const swap = yes.calls.find((c) => c.name === 'store.modify_pending_order_items');
      expect(swap?.result?.ok).toBe(true);
      expect(yes.reply).toContain('Sneakers (size 10, gray, leather) $189.50');
    } finally {
      await own.dispose();
    }
  });

  it('does not take a pick of words the last answer did not offer, nor an answer that asked nothing', () => {
    const offer = 'Available larger in other options: size 10, gray, leather at $189.50. Would one of these suit you?';
    expect(picksFromOffer('10 please', offer)).toBe(true);
    expect(picksFromOffer('the gray one', offer)).toBe(true);
    expect(picksFromOffer('50 please', offer)).toBe(false);
    expect(picksFromOffer('where is my order', offer)).toBe(false);
    expect(picksFromOffer('10 please', 'Size 10 is available.')).toBe(false);
  });

  it('hands an exchange of a delivered order on to returns, and keeps one of an order not shipped', async () => {
    const delivered = await task(
      'OrderManagementAgent',
      'I want to exchange the digital camera from order #W5605613 for one with 10x zoom',
      { customerId: 'emma_smith_8564' },
    );
    expect(delivered.handoff?.to).toBe('ReturnsAgent');
    const pending = await task('OrderManagementAgent', 'exchange the sneakers in #W3614011 for a size 10', {
      customerId: 'emma_smith_8564',
    });
    expect(pending.handoff).toBeUndefined();
    expect(pending.reply).toMatch(/I can swap your Sneakers/);
  });

  it('takes signs of a fault told of a thing of the shopper\'s as a defect, and "buy a faster one" as a search for it', async () => {
    for (const words of [
      'I bought a blender from you and it smells like burning when I use it',
      'my headphones keep disconnecting',
      "the speaker won't charge",
    ])
      expect(await agentsFor(words)).toEqual(['ReturnsAgent']);
    const plan = await planFor("I want to return the laptop, it's too slow, and buy a faster one");
    expect(plan.map((t) => t.agent)).toEqual(['ReturnsAgent', 'ProductExpertAgent']);
    expect(plan[1]!.instruction).toMatch(/^Find laptop for the customer\./);
  });

  it('answers a property asked after a listing of the product listed, and takes "ok I\'ll think about it" as a close', async () => {
    const say = conversation();
    await say('do you have bluetooth speakers?');
    const battery = await say('how long does the battery last?');
    expect(battery.agent).toBe('ProductExpertAgent');
    expect(battery.reply).toMatch(/Bluetooth Speaker in 2 battery life options: 10 hours and 20 hours/);
    const later = await say("ok I'll think about it");
    expect(later.agent).toBe('GeneralSupportAgent');
    expect(later.reply).toBe("Of course. I'm here whenever you need anything else.");
    for (const words of ['no thanks', 'never mind', "that's all for now", 'maybe later'])
      expect(await agentsFor(words)).toEqual(['GeneralSupportAgent']);
  });

  it('never takes a pause ("ok I\'ll think about it", "sure, but not now") for the "yes" a change waits for', async () => {
    const first = 'cancel order #W2417020';
    const proposal = await task('OrderManagementAgent', first, { customerId: 'emma_smith_8564' });
    expect(proposal.reply).toContain('reply "yes"');
    for (const pause of ["ok I'll think about it", 'sure, but not now', 'ok wait']) {
      const r = await task('OrderManagementAgent', pause, {
        customerId: 'emma_smith_8564',
        history: [
          { role: 'user', content: first },
          { role: 'assistant', content: proposal.reply },
          { role: 'user', content: pause },
        ],
      });
      expect(r.calls.map((c) => c.name)).not.toContain('store.cancel_pending_order');
    }
  });

  it("says the cart is the shop's, for the product talked about, instead of listing again", async () => {
    const say = conversation();
    await say('is the yoga mat available in blue');
    const cart = await say('ok add it to my cart');
    expect(cart.calls).toEqual([]);
    expect(cart.reply).toMatch(
      /^I can't add things to your cart from this chat: please add the yoga mat from the product page/,
    );
  });

  it('takes "it was order W…" as the order the card that asked for it wanted', async () => {
    const plan = await planFor([
      { role: 'user', text: 'my tablet arrived with a cracked screen' },
      {
        role: 'assistant',
        text: 'I can help with your order. First I need to confirm who you are: please send the email address on your account, or your first name, last name and zip code.',
        agentName: 'ReturnsAgent',
      },
      { role: 'user', text: 'it was order W5605613' },
    ]);
    expect(plan.map((t) => t.agent)).toEqual(['ReturnsAgent']);
  });

  it('reads "and for clothes?" or "what about to canada?" after an answer from the articles as the question before, asked on', async () => {
    const say = conversation();
    await say("what's your return policy for electronics");
    const clothes = await say('and for clothes?');
    expect(clothes.calls.map((c) => c.name)).toEqual(['store.search_knowledge']);
    expect(clothes.reply).toMatch(/^According to our "Returns and refunds" article: /);
    const ship = conversation();
    await ship('how long does shipping take');
    const canada = await ship('what about to canada?');
    expect(canada.reply).toMatch(/We currently ship to addresses in the United States only\.$/);
  });

  it('takes a thing that came without a part of it as a defect, and the size chart as a help page', async () => {
    for (const words of ['the laptop I got is missing the charger', 'the box arrived without the manual'])
      expect(await agentsFor(words)).toEqual(['ReturnsAgent']);
    expect(await agentsFor('my package is missing')).toEqual(['OrderManagementAgent']);
    for (const words of ["I can't find the size chart", 'do the sneakers come with a size chart'])
      expect(await agentsFor(words)).toEqual(['GeneralSupportAgent']);
  });

  it('reads "a gift for someone who likes cooking" as a present, not a request for someone to talk to', async () => {
    for (const words of ['a gift for someone who likes cooking', "what's a good gift for someone who loves hiking"])
      expect(await agentsFor(words)).toEqual(['UpsellAgent']);
    for (const words of ['can I talk to someone', 'is there someone in billing I can talk to'])
      expect(await agentsFor(words)).toEqual(['HumanTransferAgent']);
    const r = await task('UpsellAgent', "what's a good gift for someone who likes cooking");
    expect(r.calls[0]?.args).toMatchObject({ query: 'cooking' });
    expect(r.reply).toMatch(/^Here is what I found for cooking:/);
    expect(await agentsFor("I'd like to get notified about new arrivals")).toEqual(['LeadGenerationAgent']);
  });

  it('reads "does it track sleep?" as what a device measures, and being overcharged as a billing complaint for a person', async () => {
    expect(await agentsFor('is the smart watch waterproof and does it track sleep')).toEqual(['ProductExpertAgent']);
    expect(await agentsFor('how do I track my package')).toEqual(['OrderManagementAgent']);
    expect(await agentsFor('I think I was overcharged on my last order')).toEqual(['HumanTransferAgent']);
  });

  it('answers "which is the cheapest?" after a listing with the lowest price in stock, and "actually never mind" as a close', async () => {
    const boots = conversation();
    await boots('do you sell hiking boots?');
    const cheapest = await boots('which is the cheapest?');
    expect(cheapest.agent).toBe('ProductExpertAgent');
    expect(cheapest.reply).toMatch(
      /^The lowest-priced Hiking Boots in stock is size 12, leather, waterproof yes at \$236\.57\./,
    );
    const laptop = conversation();
    await laptop('can you help me pick a laptop');
    expect((await laptop('mostly for gaming')).agent).toBe('ProductExpertAgent');
    const cancel = conversation();
    await cancel('I want to cancel my order');
    const never = await cancel('actually never mind');
    expect(never.agent).toBe('GeneralSupportAgent');
    expect(never.reply).toBe("Of course. I'm here whenever you need anything else.");
  });

  it('reads worries before buying, how data is kept, invoices, money taken for nothing and demanded discounts by what they ask', async () => {
    const k = async (words: string) =>
      (
        (await store.call('store.search_knowledge', { query: words, limit: 3 })).output as {
          results: { title: string; body: string }[];
        }
      ).results.map((a) => ({ title: a.title, content: a.body }));
    const answer = async (agent: string, words: string) =>
      (await task(agent, words, { knowledge: await k(words) })).reply;

    // A worry about a size before buying is the catalogue's, answered from the sizing guide, not an exchange.
    expect(await agentsFor("I'm worried the sneakers will be too tight")).toEqual(['ProductExpertAgent']);
    expect(await answer('ProductExpertAgent', "I'm worried the sneakers will be too tight")).toMatch(
      /^According to our "Sizing guide for shoes and clothing" article/,
    );
    // The sneakers the shopper has are still an exchange.
    expect(await agentsFor('the sneakers I got are too tight')).toEqual(['ReturnsAgent']);

    for (const words of ['is my card saved securely?', 'what happens to my saved cards if I delete my account'])
      expect(await agentsFor(words), words).toEqual(['GeneralSupportAgent']);
    // "account" is in all three articles found; the privacy article, which the knowledge base ranks first, answers.
    expect(await answer('GeneralSupportAgent', 'what happens to my saved cards if I delete my account')).toMatch(
      /^According to our "Privacy and your personal data" article: .*deletion of your account/,
    );
    // "Company" is no sales enquiry beside an invoice; no article covers invoices, and a person is offered.
    expect(await agentsFor('I need an invoice with my company name on it')).toEqual(['GeneralSupportAgent']);
    expect(await answer('GeneralSupportAgent', 'I need an invoice with my company name on it')).toBe(
      "I couldn't find anything about that in our help articles. A colleague can help: just ask for a person.",
    );
    expect(await agentsFor('we need 200 notebooks for our company')).toEqual(['LeadGenerationAgent']);

    expect(await agentsFor('I was charged but the order never went through')).toEqual(['HumanTransferAgent']);
    expect(await agentsFor('give me a discount or I am leaving')).toEqual(['GeneralSupportAgent']);
    expect(await answer('GeneralSupportAgent', 'give me a discount or I am leaving')).toMatch(
      /"Prices, promotions and price adjustments" article: We have no standing discounts/,
    );
    // What happened, told before asking whether the warranty covers it, is the question's case: one answer.
    expect(await agentsFor('my kid broke the tablet screen, is that covered by warranty')).toEqual([
      'GeneralSupportAgent',
    ]);
    expect(await agentsFor('my tablet screen cracked, is that covered by warranty? I want a replacement')).toContain(
      'ReturnsAgent',
    );
    expect(await agentsFor('order not here yet??')).toEqual(['OrderManagementAgent']);
  });

  it('reads a feeling beside a request as how the shopper feels about it, and "anything cheaper?" after a listing as the same search by price', async () => {
    expect(await agentsFor("I'm frustrated, the sneakers are too small, can I exchange them")).toEqual([
      'ReturnsAgent',
    ]);
    expect(await agentsFor('disappointed with the sneakers, can I return them')).toEqual(['ReturnsAgent']);
    expect(await agentsFor("I'm so annoyed, where is my order #W2417020?")).toEqual(['OrderManagementAgent']);
    // Alone, asked for a person, or after help not given, it is still a person's.
    expect(await agentsFor("I'm not happy")).toEqual(['HumanTransferAgent']);
    expect(await agentsFor('ugh frustrated. I want to talk to someone about my refund')).toEqual([
      'HumanTransferAgent',
    ]);
    expect(await agentsFor("I'm really frustrated, I've been waiting for a month and nothing happened")).toEqual([
      'HumanTransferAgent',
    ]);
    // A grievance is not a feeling: the money back of a double charge goes to the person with it.
    expect(await agentsFor('I was charged twice. Can I get my money back?')).toEqual(['HumanTransferAgent']);

    const packs = conversation();
    await packs('show me backpacks');
    const cheaper = await packs('anything cheaper?');
    expect(cheaper.agent).toBe('ProductExpertAgent');
    expect(cheaper.reply).toMatch(/^Here is what I found for backpacks, lowest price first:/);
    const jackets = conversation();
    await jackets('looking for a jacket');
    // A comparison the catalogue cannot rank stays with the product card, which says so, not with the articles.
    const warmer = await jackets('something warmer');
    expect(warmer.agent).toBe('ProductExpertAgent');
    expect((await jackets('in black')).reply).toMatch(/^Here is what I found for black jacket:/);
  });

  it('reads "can you recommend a good laptop under 1000" as a search, and says what the cheapest cost when none is that cheap', async () => {
    const [t] = await planFor('can you recommend a good laptop under 1000');
    expect(t).toMatchObject({ agent: 'ProductExpertAgent' });
    // Not "Answer the customer's good question".
    expect(t!.instruction).toMatch(/^Find laptop under \$1000 for the customer\./);
    const r = await task('ProductExpertAgent', 'can you recommend a good laptop under 1000', {
      instruction: t!.instruction,
    });
    expect(r.reply).toMatch(/^We have no laptop under \$1000\. The lowest-priced:\n- Laptop /);
  });

  it('gives a change the top card cannot make to the card that changes orders: "switch my payment", "my address is wrong on the order"', async () => {
    expect(await agentsFor('could you switch my payment to the gift card')).toEqual(['OrderManagementAgent']);
    expect(await agentsFor('my address is wrong on the order, I moved last month')).toEqual(['OrderManagementAgent']);
    // "Instead" says there is a payment to change, and a change asked for as an order is evidence as a question is.
    expect(await agentsFor('and pay it with my visa instead of paypal')).toEqual(['OrderManagementAgent']);
    expect(await agentsFor('charge my visa instead of paypal for that order')).toEqual(['OrderManagementAgent']);
    expect(await agentsFor('do you take visa instead of paypal?')).toEqual(['GeneralSupportAgent']);
    expect(await agentsFor('I want to pay for #W5694685 with a different card')).toEqual(['OrderManagementAgent']);
    expect(await agentsFor('do you have other payment options')).toEqual(['GeneralSupportAgent']);

    // How gift cards work, or a wrong item, are still the articles' and the returns card's.
    expect(await agentsFor('how do gift cards work')).toEqual(['GeneralSupportAgent']);
    expect(await agentsFor('I received the wrong item in my order')).toEqual(['ReturnsAgent']);
    const r = await task('OrderManagementAgent', 'could you switch my payment to the gift card', {
      customerId: 'emma_smith_8564',
    });
    expect(r.reply).toMatch(/Which one should I change\?$/);
  });

  it('keeps a proposed return when the shopper asks for a replacement or another refund method, and reads "it" as the order just shown', async () => {
    const james = { customerId: 'james_li_5688' };
    const bottle = conversation(james);
    expect((await bottle('hey, my water bottle leaks')).reply).toMatch(/^I can return Water Bottle \(red, 750ml/);
    // A replacement is the same item again, not "which of your orders?".
    const again = await bottle('replacement please');
    expect(again.reply).toBe(
      'I can send you a new Water Bottle (red, 750ml, stainless steel) $47.76 in exchange for the one you have from order #W4435622, at no extra cost. Please reply "yes" to confirm.',
    );
    const puzzle = conversation(james);
    await puzzle('I want to return the puzzle, too hard');
    // Paid with a gift card: the refund cannot go to a card, which is said, with the return still offered.
    const card = await puzzle('refund to my card');
    expect(card.reply).toMatch(
      /^A refund goes back to the payment the order was made with, or to a gift card; order #W3638028 was paid with your gift card, so the refund can't go to a card\. I can return Jigsaw Puzzle/,
    );

    const grill = conversation(james);
    const when = await grill('when is my grill coming');
    expect(when.agent).toBe('OrderManagementAgent');
    // The order with the grill alone, not every order of the account.
    expect(when.reply).toMatch(/^Your order #W3632959 has shipped/);
    expect(when.reply).not.toContain('#W2611340');
    // The refusal says where the order is as the answer before did ("has shipped", not the store's "processed").
    const cancelIt = (await grill('can I still cancel it?')).reply;
    expect(cancelIt).toMatch(
      /^Your order #W3632959 has shipped[\s\S]* Only an order that hasn't shipped yet can be cancelled\.$/,
    );
    expect(cancelIt).not.toContain('processed');
    // Nor can it be returned yet: once it arrives, it can be.
    // (The order card hands a return off to the returns card, as the server runs it.)
    const returnIt = (await grill('can I return it?', 'ReturnsAgent')).reply;
    expect(returnIt).toMatch(
      /^Your order #W3632959 has shipped[\s\S]* Only a delivered order can be returned: once it arrives, it can be\.$/,
    );
    expect(returnIt).not.toContain('processed');
    // A change of a thing of the shopper's to another size is a change to make, not a question for the articles.
    const [boots] = await planFor('can I change the boots to size 11');
    expect(boots!.agent).toBe('OrderManagementAgent');
    const r = await task('OrderManagementAgent', 'can I change the boots to size 11', {
      ...james,
      instruction: boots!.instruction,
    });
    expect(r.calls.at(-1)?.name).toBe('handoff_to_ReturnsAgent');
  });

  it('reads a policy question through its typos: "wat is ur return polcy"', async () => {
    expect(await agentsFor('wat is ur return polcy')).toEqual(['GeneralSupportAgent']);
    expect(await agentsFor('i wnat to retrun my shoes')).toEqual(['ReturnsAgent']);
  });

  it('carries a return through the email, the code and "replacement please" to the exchange on "yes", and reads a feeling beside an exchange as no request for a person', async () => {
    const own = await createTinyStore();
    onTestFinished(() => own.dispose());
    const say = conversation({ customerId: 'james_li_5688', tools: own.tools, call: own.call });
    await say('hey, my water bottle leaks');
    // As in production: the shopper identifies themselves between the request and its answer.
    await say('james.li4495@example.com');
    await say('123456');
    expect((await say('replacement please')).reply).toMatch(/^I can send you a new Water Bottle \(red, 750ml/);
    const yes = await say('yes');
    expect(yes.calls.at(-1)).toMatchObject({
      name: 'store.exchange_delivered_order_items',
      args: { order_id: '#W4435622', item_ids: ['6777246137'], new_item_ids: ['6777246137'] },
    });
    expect(yes.reply).toBe(
      'Your exchange of Water Bottle from order #W4435622 is requested, for a new one of the same.',
    );

    const [exchange] = await planFor("I'm frustrated, the sneakers are too small, can I exchange them");
    expect(exchange).toMatchObject({ agent: 'ReturnsAgent' });
    expect(exchange!.instruction).toMatch(/^Exchange the sneakers/);

    // A bare size after the card's question about sizes is its answer, not a question for the articles.
    expect(
      await agentsFor([
        { role: 'user', text: 'the sneakers I got are too small' },
        {
          role: 'assistant',
          agentName: 'ReturnsAgent',
          text: 'Your size is 8, and no larger size is available in gray, canvas right now. Available larger in other options: size 10, gray, leather at $189.50. Would one of these suit you?',
        },
        { role: 'user', text: '9' },
      ]),
    ).toEqual(['ReturnsAgent']);
  });

  it('reads "change the sneakers to a different size" as a change to the order it is in, asked what to, not an article', async () => {
    const r = await task('OrderManagementAgent', 'can I change the sneakers to a different size', {
      customerId: 'emma_smith_8564',
    });
    expect(r.reply).toMatch(/^What should the Sneakers \(size: 8, color: gray, material: canvas\) change to\?/);
  });

  it('asks its question again when a bare "yes" answers a question a yes cannot answer', async () => {
    const say = conversation({ customerId: 'noah_brown_6181' });
    const asked = await say('the kettle I got is the wrong one, can i swap it for the induction version');
    expect(asked.reply).toMatch(/^What should the Electric Kettle \(.*\) change to\?$/);
    for (const yes of ['yes', 'ok'])
      expect((await say(yes)).reply).toBe(`I need a little more to go on: ${asked.reply}`);
  });

  it('says where a return stands when asked after it was made, and offers more help to a bare "ok" after that', async () => {
    const own = await createTinyStore();
    onTestFinished(() => own.dispose());
    const say = conversation({ customerId: 'james_li_5688', tools: own.tools, call: own.call });
    expect((await say('return the jigsaw puzzle from #W3638028')).reply).toMatch(/Please reply "yes" to confirm\.$/);
    const made = await say('yes');
    expect(made.reply).toMatch(/^Your return of Jigsaw Puzzle from order #W3638028 is requested\./);
    for (const asked of ['is my return done?', 'any update on my return?', 'is my refund done?']) {
      const state = await say(asked);
      expect(state.calls.map((c) => c.name)).not.toContain('store.return_delivered_order_items');
      expect(state.reply).toBe(made.reply);
    }
    expect((await say('ok')).reply).toBe('Is there anything else I can help you with?');
  });

  it("changes the account's address when the shopper names the account, though an order came before", async () => {
    const say = conversation({ customerId: 'emma_smith_8564' });
    await say('where is my order #W2417020?');
    const account = await say('please change the address on my account to 100 Main Street, Apt 5, Austin, TX 78701');
    expect(account.reply).toMatch(/^I'll change the default address on your account to 100 Main Street, Apt 5/);
    // The order the conversation was about, named as such, is still the order's.
    const order = await say('and change the address of that order to 100 Main Street, Apt 5, Austin, TX 78701 too');
    expect(order.reply).toMatch(/^I'll change the shipping address of order #W2417020 to 100 Main Street/);
  });

  it('proposes again the items of the held return after a question in between, not the whole order', async () => {
    const held = { order_id: '#W7678072', item_ids: ['2193628750'], payment_method_id: 'paypal_5727330' };
    const r = await task('ReturnsAgent', 'yes', {
      customerId: 'noah_brown_6181',
      // The question between read as a refund of the order, naming no item: the yes's task says only that.
      instruction: 'Help the customer with a refund for their order. The customer wrote: "yes"',
      history: [
        { role: 'user', content: 'the mouse stopped working after a week' },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'h1', name: 'store__return_delivered_order_items', arguments: JSON.stringify(held) }],
        },
        {
          role: 'tool',
          toolCallId: 'h1',
          content: JSON.stringify({ error: 'Not done yet', code: 'CONFIRMATION_REQUIRED' }),
        },
        {
          role: 'assistant',
          content:
            'I can return Gaming Mouse (black, laser, wired) $162.15 from order #W7678072. Please reply "yes" to confirm.',
        },
        { role: 'user', content: 'will that refund be the full price of my order?' },
        {
          role: 'assistant',
          content: 'According to our "Returns and refunds" article: refunds go to the original payment method.',
        },
        { role: 'user', content: 'yes' },
      ],
    });
    // Proposed in words here (the harness's store does not hold calls for a yes): the mouse alone, as before.
    expect(r.reply).toMatch(/^I can return Gaming Mouse \(black, laser, wired\) \$162\.15 from order #W7678072\./);
    expect(r.reply).not.toMatch(/Kettle|Backpack/);
  });

  it('says an item already has the option named for a change, and what else there is', async () => {
    const say = conversation({ customerId: 'emma_smith_8564' });
    expect((await say('can I change the sneakers to a different color')).reply).toMatch(
      /^What should the Sneakers \(size: 8, color: gray, material: canvas\) change to\?/,
    );
    const same = await say('gray');
    expect(same.calls.map((c) => c.name)).not.toContain('store.modify_pending_order_items');
    expect(same.reply).toMatch(
      /^Your color is already gray[.,] .*(?:In other options|Available in another color).* would you like instead\?$/,
    );
  });

  it('names the new item of an exchange by its options once it is made, not by its id', async () => {
    const own = await createTinyStore();
    onTestFinished(() => own.dispose());
    const say = conversation({ customerId: 'james_li_5688', tools: own.tools, call: own.call });
    expect((await say("I'd like to exchange the hiking boots from order #W4435622 for leather ones")).reply).toMatch(
      /^I can swap your Hiking Boots \(size 12, synthetic, waterproof yes\) \$239\.78 for size 12, leather, waterproof yes at \$236\.57/,
    );
    const yes = await say('yes');
    expect(yes.calls.at(-1)).toMatchObject({ name: 'store.exchange_delivered_order_items' });
    expect(yes.reply).toBe(
      'Your exchange of Hiking Boots from order #W4435622 is requested, for size 12, leather, waterproof yes. The price difference of $3.21 is refunded to your gift card.',
    );
  });

  it('changes nothing on a "yes" that answers no proposal, and reads "James Li 10083" as the name and zip asked for', async () => {
    const own = await createTinyStore();
    onTestFinished(() => own.dispose());
    const history = [
      { role: 'user' as const, content: 'cancel order #W2417020' },
      {
        role: 'assistant' as const,
        content:
          'According to our "Cancelling an order" article: An order can be cancelled while it is pending, which means it has not been processed for shipping yet.',
      },
      { role: 'user' as const, content: 'yes' },
    ];
    // "yes" to the order card, in its own store (a cancellation must not reach the other cases' store).
    const yes = () =>
      runTask({
        card: card('OrderManagementAgent'),
        tools: own.tools,
        call: own.call,
        instruction: 'Help the customer with this request. The customer wrote: "yes"',
        userMessage: 'yes',
        history,
        customerId: 'emma_smith_8564',
      });
    expect((await yes()).calls.map((c) => c.name)).not.toContain('store.cancel_pending_order');
    // Proposed first, the same "yes" cancels.
    history[1]!.content = (
      await task('OrderManagementAgent', 'cancel order #W2417020', { customerId: 'emma_smith_8564' })
    ).reply;
    expect(history[1]!.content).toMatch(/Please reply "yes" to confirm\.$/);
    expect((await yes()).calls.map((c) => c.name)).toContain('store.cancel_pending_order');

    const who = await task('OrderManagementAgent', 'James Li 10083', {
      history: [
        { role: 'user', content: 'where is my order' },
        {
          role: 'assistant',
          content:
            'I can help with your order. First I need to confirm who you are: please send the email address on your account, or your first name, last name and zip code.',
        },
        { role: 'user', content: 'James Li 10083' },
      ],
    });
    expect(who.calls[0]).toMatchObject({
      name: 'store.find_user_id_by_name_zip',
      args: { first_name: 'James', last_name: 'Li', zip: '10083' },
    });
    expect((await task('GeneralSupportAgent', 'ok wait')).reply).toBe(
      "Of course. I'm here whenever you need anything else.",
    );
  });

  it('files money taken for nothing as urgent, in words that do not claim the shopper asked for a person', async () => {
    // Out of hours, a ticket is filed (in hours, the transfer carries the same summary).
    const r = await task('HumanTransferAgent', 'I was charged but the order never went through', {
      customerId: 'noah_brown_6181',
      businessHoursOpen: false,
    });
    const filed = r.calls.find((c) => ['store.create_ticket', 'store.transfer_to_human_agents'].includes(c.name))!;
    expect(String(filed.args.summary)).toMatch(
      /^The customer needs help from a person: "I was charged but the order never went through"\./,
    );
    expect(filed).toMatchObject({ name: 'store.create_ticket', args: { priority: 'high' } });
    const asked = await task('HumanTransferAgent', 'can I talk to someone please', { customerId: 'noah_brown_6181' });
    expect(String(asked.calls.find((c) => c.name !== 'store.get_user_details')?.args.summary)).toMatch(
      /^The customer asked for help from a person:/,
    );
  });

  it('reads "the backpack is the wrong size, I would like a bigger one" as an exchange for the larger sizes, not the money back', async () => {
    expect(await agentsFor("the backpack is the wrong size, I'd like a bigger one")).toEqual(['ReturnsAgent']);
    const r = await task('ReturnsAgent', "the backpack is the wrong size, I'd like a bigger one", {
      customerId: 'noah_brown_6181',
    });
    expect(r.calls.map((c) => c.name)).not.toContain('store.return_delivered_order_items');
    expect(r.reply).toMatch(
      /^Your size is small, and no larger size is available in green, polyester, laptop right now\./,
    );
    // The wrong size alone is still a return the card offers.
    expect(
      (await task('ReturnsAgent', 'the backpack is the wrong size', { customerId: 'noah_brown_6181' })).reply,
    ).toMatch(/^I can return Backpack/);
  });

  it('records "we need 30 office chairs" once the email is given, as an enquiry for the sales team; searches a gift by what the person loves; says goodbye to "thanks bye"', async () => {
    const office = conversation();
    expect((await office('we need 30 office chairs for our new office')).reply).toMatch(
      /What email address should we use\?$/,
    );
    const lead = await office('sam@example.com');
    expect(lead.calls.find((c) => c.name === 'store.create_lead')?.args).toMatchObject({
      email: 'sam@example.com',
      interest: 'bulk order: we need 30 office chairs for our new office',
    });
    expect(lead.reply).toBe(
      'Thank you: our sales team will contact you at sam@example.com about your enquiry ("we need 30 office chairs for our new office").',
    );
    const gift = await task('UpsellAgent', 'can you help me find a gift for my sister, she loves yoga');
    expect(gift.calls[0]?.args).toMatchObject({ query: 'yoga' });
    expect((await task('GeneralSupportAgent', 'thanks bye')).reply).toBe(
      "You're welcome. Goodbye, and have a great day!",
    );
  });
});
