import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopperError } from '../../offline-model/src/error-wording.js';
import type { ToolStep } from '../../offline-model/src/task-transcript.js';
import { defaultStoreDataDir, loadStoreDataset } from '../../server/src/store/store-dataset.js';
import { card, conversationWith, type TaskExtra } from './conversation.js';
import { runTask } from './task-harness.js';
import { createTinyStore } from './tiny-store.js';

const SHOPPERS = ['olivia_ito_3591', 'emma_smith_8564', 'noah_brown_6181', 'yara_ito_8499', 'emma_brown_8847'];
let store: Awaited<ReturnType<typeof createTinyStore>>;
beforeAll(async () => {
  store = await createTinyStore(SHOPPERS);
});
afterAll(async () => {
  await store?.dispose();
});
/**
 * A conversation as the core runs it, its history with each run's tool calls (conversation.ts); `extra` goes to every
 * task run.
 */
const conversation = (customerId?: string, extra: TaskExtra = {}) =>
  conversationWith(store, { customerId, extra, toolTurns: true });

/** Nothing meant for the store's callers: an argument's name, an internal id, a tool's name. */
const INTERNAL = /\b[a-z]+_[a-z_]+\b|\b(?:gift_card|credit_card|paypal)_\d+\b/;

describe('a failed store call is told to the shopper in their words, with what they can do next', () => {
  it('a gift card that cannot pay: its balance, the amount, and the other saved methods to choose from', async () => {
    const say = conversation('olivia_ito_3591');
    await say('please pay order #W5442520 with my gift card instead');
    const yes = await say('yes');
    expect(yes.calls.at(-1)?.result).toMatchObject({
      errorReason: 'GIFT_CARD_BALANCE_INSUFFICIENT',
      errorDetails: { payment_method_id: 'gift_card_7794233', balance: 56, amount: 663.85, for: 'order' },
    });
    expect(yes.reply).toBe(
      "Your gift card has $56.00, which doesn't cover the order's $663.85. Would you like to use your PayPal account or your Visa card ending 9182 instead?",
    );
  });

  const step = (tool: string, error: string, code = 'VALIDATION_FAILED'): ToolStep => ({
    callId: 'c1',
    name: `store__${tool}`,
    tool,
    args: {},
    ok: false,
    error,
    code,
  });
  /** A refusal of Baton's store, its message reworded: only its reason, its facts and the call's arguments tell why. */
  const refused = (
    tool: string,
    code: string,
    reason: string,
    details: Record<string, unknown> = {},
    args: Record<string, unknown> = {},
  ): ToolStep => ({ ...step(tool, 'The store said no.', code), reason, details, args });
  const lookedUp = (tool: string, args: Record<string, unknown>, output: unknown = {}): ToolStep => ({
    ...step(tool, ''),
    ok: true,
    error: undefined,
    args,
    output,
  });

  it("a refusal of Baton's store is read by its reason and facts, however its message is worded", () => {
    const order = '#W2611340';
    const cases: [ToolStep, string | RegExp][] = [
      [
        refused('cancel_pending_order', 'CONFLICT', 'ORDER_NOT_PENDING', { order_id: order, status: 'processed' }),
        "I can't cancel order #W2611340: its status is processed, and only orders that haven't been processed yet can be changed.",
      ],
      [
        refused('modify_pending_order_items', 'CONFLICT', 'ORDER_NOT_PENDING', {
          order_id: order,
          status: 'pending (item modified)',
        }),
        /^I can't change the items of order #W2611340: its items were already changed once/,
      ],
      [
        refused('modify_pending_order_address', 'CONFLICT', 'ORDER_NOT_PENDING', {
          order_id: order,
          status: 'delivered',
        }),
        /: its status is delivered, .* If something is wrong with it, I can help you return or exchange items\.$/,
      ],
      [
        refused('return_delivered_order_items', 'CONFLICT', 'ORDER_NOT_DELIVERED', {
          order_id: order,
          status: 'pending',
        }),
        "Order #W2611340 can't be returned: its status is pending, and items can be returned once the order has been delivered. If you no longer want it, I can cancel it instead.",
      ],
      [
        refused('exchange_delivered_order_items', 'VALIDATION_FAILED', 'GIFT_CARD_BALANCE_INSUFFICIENT', {
          payment_method_id: 'gift_card_1234',
          balance: 10,
          amount: 25,
          for: 'price_difference',
        }),
        "Your gift card has $10.00, which doesn't cover the $25.00 price difference. Would you like to use another payment method instead?",
      ],
      [
        refused('modify_pending_order_payment', 'VALIDATION_FAILED', 'SAME_PAYMENT_METHOD', {
          order_id: order,
          payment_method_id: 'paypal_5727330',
        }),
        'Order #W2611340 is already paid with your PayPal account. Which other payment method would you like to use?',
      ],
      [
        refused('return_delivered_order_items', 'VALIDATION_FAILED', 'REFUND_METHOD_NOT_ALLOWED', {
          payment_method_id: 'credit_card_1',
          original_payment_method_id: 'paypal_5727330',
        }),
        /^The refund can only go to the payment method the order was paid with \(your PayPal account\) or to a gift card/,
      ],
      [
        refused('modify_pending_order_payment', 'NOT_FOUND', 'PAYMENT_METHOD_NOT_FOUND', {
          payment_method_id: 'credit_card_1',
        }),
        /^That payment method isn't saved on your account\./,
      ],
      [
        refused('modify_pending_order_items', 'NOT_FOUND', 'ITEM_NOT_IN_ORDER', { order_id: order, item_id: '123' }),
        "That item isn't in order #W2611340. Which item from that order do you mean?",
      ],
      [
        refused('exchange_delivered_order_items', 'VALIDATION_FAILED', 'ITEM_UNAVAILABLE', {
          item_id: '123',
          product_name: 'Hiking Boots',
        }),
        'That Hiking Boots option is out of stock right now. Would you like to pick another option?',
      ],
      [
        refused('modify_pending_order_items', 'NOT_FOUND', 'PRODUCT_TYPE_MISMATCH', {
          item_id: '123',
          product_id: '456',
          product_name: 'Hiking Boots',
        }),
        "That isn't one of the options of the Hiking Boots. Which option would you like instead?",
      ],
      [
        refused('get_order_details', 'NOT_FOUND', 'ORDER_NOT_FOUND', { order_id: '#W64607' }),
        "I couldn't find order #W64607. Order numbers look like #W1234567: could you check it?",
      ],
      [
        refused('get_order_details', 'UNAUTHENTICATED', 'CUSTOMER_NOT_IDENTIFIED'),
        /^First I need to confirm who you are/,
      ],
      [
        refused('find_user_id_by_email', 'NOT_FOUND', 'CUSTOMER_NOT_FOUND', {}, { email: 'nobody@example.com' }),
        "I couldn't find an account with the email address nobody@example.com. Could you check the spelling, or send your first name, last name and zip code instead?",
      ],
      [
        refused('find_user_id_by_name_zip', 'NOT_FOUND', 'CUSTOMER_NOT_FOUND', {}, { first_name: 'Kim' }),
        "I couldn't find an account with that name and zip code. Could you check them, or send the email address on your account instead?",
      ],
    ];
    for (const [s, expected] of cases) {
      const reply = shopperError(s);
      if (typeof expected === 'string') expect(reply, s.reason).toBe(expected);
      else expect(reply, s.reason).toMatch(expected);
      expect(reply, s.reason).not.toMatch(INTERNAL);
      expect(reply, s.reason).not.toMatch(/said no/);
    }
  });

  it('a refusal names what the conversation saw: the account searched, the saved methods to choose from', () => {
    const claimed = lookedUp('find_user_id_by_email', { email: 'sam@example.com' });
    expect(
      shopperError(refused('get_order_status', 'NOT_FOUND', 'ORDER_NOT_FOUND', {}, { order_id: '#W6460787' }), [
        claimed,
      ]),
    ).toBe(
      "I couldn't find order #W6460787 on the account for sam@example.com. If you placed it with another email address, send me that one; otherwise, could you check the number?",
    );
    const user = lookedUp(
      'get_user_details',
      { user_id: 'x' },
      {
        payment_methods: {
          gift_card_1: { source: 'gift_card', id: 'gift_card_1', balance: 5 },
          paypal_2: { source: 'paypal', id: 'paypal_2' },
        },
      },
    );
    const short = refused('modify_pending_order_payment', 'VALIDATION_FAILED', 'GIFT_CARD_BALANCE_INSUFFICIENT', {
      payment_method_id: 'gift_card_1',
      balance: 5,
      amount: 1234.5,
      for: 'order',
    });
    expect(shopperError(short, [user])).toBe(
      "Your gift card has $5.00, which doesn't cover the order's $1234.50. Would you like to use your PayPal account instead?",
    );
  });

  it('a server that gives no reason: its message, without the argument it names, the ids, or the tools it tells the caller to use', () => {
    const replies = [
      step('create_ticket', 'customer_email: invalid email address'),
      step('create_lead', 'interest: Too long. Use list_all_product_types to pick a product_id.'),
      step('book_table', 'party_size: paypal_5727330 cannot pay for 12 guests.', 'TOOL_ERROR'),
    ].map((c) => shopperError(c));
    for (const r of replies) expect(r).not.toMatch(INTERNAL);
    expect(replies[0]).toMatch(/^I couldn't open a ticket for our team: invalid email address\. Would you like/);
    expect(replies[1]).toMatch(/^I couldn't sign you up: too long\. Would you like/);
    expect(replies[2]).toMatch(/^I couldn't do that \(book table\): your PayPal account cannot pay for 12 guests\./);
    const forbidden = shopperError({
      ...refused('find_user_id_by_email', 'FORBIDDEN', 'VERIFIED_AS_OTHER_CUSTOMER'),
      error:
        'Refused: this conversation belongs to a verified customer, and the details given match a different account.',
    });
    expect(forbidden).toMatch(/^I can't find your account: this conversation belongs to a verified customer/);
  });
});

describe('an account the store cannot find: what to check, and the other way to be found', () => {
  it('by email', async () => {
    const r = await conversation()('where is my order? my email is nobody@example.com');
    expect(r.reply).toBe(
      "I couldn't find an account with the email address nobody@example.com. Could you check the spelling, or send your first name, last name and zip code instead?",
    );
  });
  it('by name and zip code', async () => {
    const r = await conversation()('where is my order? I am Kim Lee, zip 12345');
    expect(r.reply).toBe(
      "I couldn't find an account with that name and zip code. Could you check them, or send the email address on your account instead?",
    );
  });
});

describe('when the shop is open: its business-hours setting, and whether it is open now', () => {
  for (const words of ['What are your business hours?', 'are you open on saturdays?', 'when do you close today?']) {
    it(`"${words}"`, async () => {
      const open = await conversation()(words);
      expect(open.reply).toMatch(/^Our business hours are Mon-Fri 9:00-17:00\. We're open right now\./);
      const closed = await conversation(undefined, { businessHoursOpen: false })(words);
      expect(closed.reply).toMatch(/^Our business hours are Mon-Fri 9:00-17:00\. We're closed right now/);
    });
  }
  for (const words of ['how do I open an account?', 'when will gift cards be available?']) {
    it(`not "${words}": another opening, another availability`, async () => {
      const r = await conversation()(words);
      expect(r.reply).not.toMatch(/business hours are/);
    });
  }
});

describe('a short yes to a proposed change makes it, in the words shoppers use', () => {
  const propose = async (say: ReturnType<typeof conversation>) => {
    const asked = await say(
      'Please change the shipping address of order #W2417020 to 100 Main Street, Apt 5, Austin, TX 78701',
    );
    expect(asked.reply).toContain('reply "yes"');
  };
  for (const yes of [
    'yess',
    'yep',
    'sure thing',
    'sí',
    'oui',
    'YESSS!!',
    'absolutely',
    'definitely',
    "let's do it",
    'perfect, do it',
    'awesome!',
  ]) {
    it(`"${yes}"`, async () => {
      const say = conversation('emma_smith_8564');
      await propose(say);
      const done = await say(yes);
      expect(done.calls.find((c) => c.name === 'store.modify_pending_order_address')?.result?.ok).toBe(true);
      expect(done.reply).toMatch(/^Done: the shipping address of order #W2417020 is changed\./);
    });
  }
  for (const no of [
    'absolutely not',
    'of course not',
    'yesterday I changed my mind',
    "great, now it's going to be late anyway",
    'perfect? is that the earliest?',
  ]) {
    it(`not "${no}"`, async () => {
      const say = conversation('emma_smith_8564');
      await propose(say);
      const r = await say(no);
      expect(r.calls.some((c) => c.name === 'store.modify_pending_order_address')).toBe(false);
    });
  }
});

describe("the shopper's own figures come from the store's data, once they are verified", () => {
  for (const words of ["what's my gift card balance?", 'how much is left on my gift card?']) {
    it(`"${words}": the balance of the account's gift card`, async () => {
      const r = await conversation('emma_smith_8564')(words);
      expect(r.calls.map((c) => c.name)).toEqual(['store.get_user_details']);
      expect(r.reply).toBe('Your gift card has a balance of $62.00.');
      // Not verified: who they are first, as for any account question; no help article stands in for it.
      const anonymous = await conversation()(words);
      expect(anonymous.calls).toEqual([]);
      expect(anonymous.reply).toMatch(/First I need to confirm who you are/);
    });
  }
  it('an account with no gift card says so, with the methods it has', async () => {
    const r = await conversation('noah_brown_6181')("what's my gift card balance?");
    expect(r.reply).toBe(
      "I don't see a gift card on your account; the payment methods saved are PayPal and Mastercard card ending 9212.",
    );
  });
  it("an order's total and what paid for it", async () => {
    const r = await conversation('emma_smith_8564')('what was my order total for #W2417020?');
    expect(r.reply).toMatch(/^The total of order #W2417020 is \$2674\.40 \(1 item\), paid with your gift card\./);
    const many = await conversation('yara_ito_8499')('how much did I pay for order #W8353027?');
    expect(many.reply).toMatch(/^The total of order #W8353027 is \$1861\.84 \(5 items\), paid with PayPal\./);
    // A question about the order's state is not answered with its total.
    const status = await conversation('emma_smith_8564')("what's the status of order #W2417020?");
    expect(status.reply).not.toMatch(/The total of/);
  });
  for (const words of [
    'how much did I pay for my last order?',
    'what did my latest order cost?',
    "what's the total of my most recent order?",
  ])
    it(`"${words}": the account's latest order, found from the account rather than asked for`, async () => {
      const r = await conversation('olivia_ito_3591')(words);
      expect(r.calls.map((c) => [c.name, c.args])).toEqual([
        ['store.get_user_details', { user_id: 'olivia_ito_3591' }],
        // The account lists its orders as they were placed: #W3657213 is the last of five.
        ['store.get_order_details', { order_id: '#W3657213' }],
      ]);
      expect(r.reply).toMatch(/^The total of order #W3657213 is \$3570\.34 \(3 items\)/);
    });
  it('"where is my most recent order?": that order\'s status, not a list of every order', async () => {
    const r = await conversation('olivia_ito_3591')('where is my most recent order?');
    expect(r.reply).toMatch(/^Your order #W3657213 has not shipped yet/);
  });
});

describe('a policy answer keeps the condition that decides the question', () => {
  for (const words of [
    'Can I return a used item?',
    'can I send back something I used once?',
    // A kind of thing in a state of use asks what the rule allows, not to return one: no identity is asked for.
    'can I return shoes I already wore?',
    "could I send back a jacket I've worn once?",
    'can I return headphones without the box?',
  ]) {
    it(`"${words}": returned items must be unused`, async () => {
      const r = await conversation()(words);
      expect(r.calls.map((c) => c.name)).toEqual(['store.search_knowledge']);
      expect(r.reply).toMatch(/unused and in their original packaging/);
    });
  }
});

describe('an upsell suggests only what goes with the product', () => {
  // Every customer's orders: the store's association rules are mined from them.
  let full: Awaited<ReturnType<typeof createTinyStore>>;
  beforeAll(async () => {
    const dataset = await loadStoreDataset(defaultStoreDataDir());
    full = await createTinyStore(Object.keys(dataset.users));
  }, 120_000);
  afterAll(async () => {
    await full?.dispose();
  });
  const ask = (words: string) =>
    runTask({
      card: card('UpsellAgent'),
      tools: full.tools,
      call: full.call,
      instruction: `Help the customer with this request. The customer wrote: "${words}"`,
      userMessage: words,
    });
  it('a skateboard: not the perfume or headphones its buyers also bought, the sunglasses', async () => {
    const r = await ask('what goes well with a skateboard?');
    const related = r.calls.find((c) => c.name === 'store.recommend_related');
    const output = related?.result?.output as { recommendations: { name: string }[] } | undefined;
    const offered = (output?.recommendations ?? []).map((x) => x.name);
    expect(offered).toEqual(expect.arrayContaining(['Headphones', 'Perfume']));
    expect(r.reply).toMatch(/^Customers who bought this often add:\n- Sunglasses \(often bought with the Skateboard/);
    expect(r.reply).not.toMatch(/Perfume|Headphones/);
  });
  it('says so when nothing bought with it goes with it', async () => {
    const r = await ask('what would go well with a tea kettle?');
    const related = r.calls.find((c) => c.name === 'store.recommend_related');
    const output = related?.result?.output as { recommendations: unknown[] } | undefined;
    expect(output?.recommendations.length).toBeGreaterThan(0);
    expect(r.reply).toBe(
      "Nothing that goes with the tea kettle stands out among what customers buy with it, so I won't suggest something unrelated. Is there something specific you're looking for?",
    );
  });
});

describe('a back-in-stock alert for one of several sold-out options: which one, first', () => {
  const soldOut = async () => {
    const say = conversation();
    const asked = await say('are the leather hiking boots in size 10 in stock?');
    expect(asked.agent).toBe('ProductExpertAgent');
    // What was asked for exists, sold out in each of its options: said first, before what is in stock instead.
    expect(asked.reply).toMatch(
      /^The Hiking Boots in size 10, leather are out of stock right now, in every option: waterproof no and waterproof yes\. I can email you when they're back: just ask\.\n\nNothing matches/,
    );
    return say;
  };
  it('lists the options that fit and asks which, rather than signing the shopper up for news', async () => {
    const say = await soldOut();
    const r = await say("let me know when they're back, my email is kim@example.com");
    expect(r.agent).toBe('LeadGenerationAgent');
    expect(r.calls).toEqual([]);
    expect(r.reply).toBe(
      '2 options of that are out of stock right now:\n- Hiking Boots (size 10, leather, waterproof no)\n- Hiking Boots (size 10, leather, waterproof yes)\nWhich one should I let you know about (or all of them)?',
    );
    // The pick, for the card that asked: an alert for that option.
    const picked = await say('the waterproof one', 'LeadGenerationAgent');
    expect(picked.calls.filter((c) => c.name === 'store.subscribe_back_in_stock').map((c) => c.args)).toEqual([
      { email: 'kim@example.com', item_id: '7228247242' },
    ]);
    expect(picked.reply).toMatch(
      /^Done: we'll email kim@example\.com when the Hiking Boots \(size 10, leather, waterproof yes\)/,
    );
  });
  it('the product named agrees with its verb, whatever it comes in', async () => {
    const r = await conversation()('can you tell me when the synthetic hiking boots in size 9 are back in stock?');
    expect(r.reply).toMatch(/when the synthetic hiking boots in size 9 are back in stock\. What email address/);
  });
  it('"both": an alert for each', async () => {
    const say = await soldOut();
    const asked = await say("can you tell me when they're back in stock?");
    expect(asked.reply).toMatch(
      /Which one should I let you know about \(or all of them\)\? And what email address should we use\?$/,
    );
    const both = await say('both please, kim@example.com', 'LeadGenerationAgent');
    expect(
      both.calls
        .filter((c) => c.name === 'store.subscribe_back_in_stock')
        .map((c) => c.args.item_id)
        .sort(),
    ).toEqual(['2185126308', '7228247242']);
  });
});

describe("a product's price range is of what can be bought", () => {
  it('"9 in stock, from … to …" spans the variants in stock, not the sold-out ones', async () => {
    const dataset = await loadStoreDataset(defaultStoreDataDir());
    const boots = Object.values(dataset.products).find((p) => p.name === 'Hiking Boots')!;
    const variants = Object.values(boots.variants);
    const inStock = variants.filter((v) => v.available).map((v) => v.price);
    const all = variants.map((v) => v.price);
    // The data this checks: a sold-out variant is the cheapest of all.
    expect(Math.min(...all)).toBeLessThan(Math.min(...inStock));
    const say = conversation();
    await say('do you have hiking boots?');
    const r = await say('are they waterproof?');
    const money = (n: number) => `$${n.toFixed(2)}`;
    expect(r.reply).toContain(
      `Hiking Boots comes in ${all.length} variants, ${inStock.length} in stock, from ${money(Math.min(...inStock))} to ${money(Math.max(...inStock))}.`,
    );
  });
});
