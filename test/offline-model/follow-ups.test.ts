import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOf, conversationWith } from './conversation.js';
import { createTinyStore } from './tiny-store.js';

/**
 * Follow-ups that are neither a whole request nor a bare "yes": they answer what the stand-in just asked, or amend
 * what it just proposed, and go on with that request. Shoppers of the tau-retail data whose orders fit each case.
 */
const SHOPPERS = ['liam_thomas_7882', 'ivan_santos_6635', 'anya_brown_2024', 'yara_ito_8499', 'olivia_ito_3591'];

let store: Awaited<ReturnType<typeof createTinyStore>>;
beforeAll(async () => {
  store = await createTinyStore(SHOPPERS);
});
afterAll(async () => {
  await store?.dispose();
});

/** A conversation as the core runs it (conversation.ts), with this file's store unless the test brings its own. */
const conversation = (customerId?: string, own = store) => conversationWith(own, { customerId });

describe('a yes that amends the change proposed', () => {
  it('"yes, and add apartment 5B" proposes the address with its second line; the next yes makes that', async () => {
    const say = conversation('ivan_santos_6635');
    await say('Please change the shipping address of order #W8770097 to 88 Lake View Rd, Plano, TX 75024');
    const amended = await say('yes, and add apartment 5B');
    expect(callOf(amended, 'modify_pending_order_address')).toBeUndefined();
    expect(amended.reply).toBe(
      'I\'ll change the shipping address of order #W8770097 to 88 Lake View Rd, Apartment 5B, Plano, TX 75024. Please reply "yes" to confirm.',
    );
    const yes = await say('yes');
    expect(callOf(yes, 'modify_pending_order_address')?.args).toMatchObject({
      order_id: '#W8770097',
      address1: '88 Lake View Rd',
      address2: 'Apartment 5B',
      zip: '75024',
    });
  });

  it('"yes, but refund it to my gift card" proposes the return with the refund there, and makes nothing yet', async () => {
    const say = conversation('olivia_ito_3591');
    const asked = await say('I want to return the sneakers from order #W5866402');
    expect(asked.reply).toMatch(/The refund of \$207\.75 goes to PayPal once the items arrive\./);
    const amended = await say('yes, but refund it to my gift card');
    expect(callOf(amended, 'return_delivered_order_items')).toBeUndefined();
    expect(amended.reply).toMatch(
      /^I can return Sneakers .* from order #W5866402\. The refund of \$207\.75 goes to your gift card once the items arrive\. Please reply "yes" to confirm\.$/,
    );
    const yes = await say('yes');
    expect(callOf(yes, 'return_delivered_order_items')?.args).toMatchObject({
      order_id: '#W5866402',
      payment_method_id: 'gift_card_7794233',
    });
  });
});

describe('a short reply that answers what the last answer asked', () => {
  it('"the one with the keyboard" after "which one should I cancel?" picks the order with the keyboard', async () => {
    const say = conversation('ivan_santos_6635');
    const asked = await say('I want to cancel my order');
    expect(asked.reply).toMatch(/Which one should I cancel\?$/);
    const picked = await say('the one with the keyboard');
    expect(picked.agent).toBe('OrderManagementAgent');
    expect(picked.reply).toMatch(/^Order #W5183325 is pending: .*Mechanical Keyboard.*Shall I cancel it/);
  });

  it('"the second one" after the orders were listed picks the second, and "yes" cancels that one', async () => {
    // Its own store: the order is cancelled.
    const own = await createTinyStore(['ivan_santos_6635']);
    try {
      const say = conversation('ivan_santos_6635', own);
      const asked = await say('I want to cancel an order');
      expect(asked.reply).toMatch(/#W8770097 \(pending\), #W5183325 \(pending\), #W3913498 \(pending\)\. Which one/);
      const picked = await say('the second one');
      expect(picked.reply).toMatch(/^Order #W5183325 is pending: .* Shall I cancel it/);
      const yes = await say('yes');
      expect(callOf(yes, 'cancel_pending_order')?.args).toMatchObject({ order_id: '#W5183325' });
    } finally {
      await own.dispose();
    }
  });

  it('"sorry I mean the tablet" and "the 3rd" after the items of an order were listed go on with the return', async () => {
    for (const pick of ['sorry I mean the tablet', 'the 3rd']) {
      const say = conversation('anya_brown_2024');
      const listed = await say('I want to return items from order #W2922433');
      expect(listed.reply).toMatch(/the third, the Tablet; .* Which would you like to return/);
      const picked = await say(pick);
      expect(picked.agent).toBe('ReturnsAgent');
      expect(picked.reply).toMatch(/^I can return Tablet \(.*\) \$941\.03 from order #W2922433\./);
    }
  });

  it('after an answer about an order, only a pick of an order or an item goes on with it: "the return policy please" asks anew', async () => {
    const say = conversation('ivan_santos_6635');
    await say('where is my order?');
    const policy = await say('the return policy please');
    expect(policy.agent).not.toBe('OrderManagementAgent');
  });

  it('"sorry I mean the grill" right after a proposed return proposes the grill instead', async () => {
    const say = conversation('anya_brown_2024');
    await say('I want to return the tablet from order #W2922433');
    const instead = await say('sorry I mean the grill');
    expect(instead.agent).toBe('ReturnsAgent');
    expect(instead.reply).toMatch(/^I can return Grill \(.*\) \$986\.65 from order #W2922433\./);
  });

  it('"to my original payment please" after a return proposed to a gift card puts the refund back there', async () => {
    // Its own store: the other case returns these sneakers.
    const own = await createTinyStore(['olivia_ito_3591']);
    try {
      const say = conversation('olivia_ito_3591', own);
      await say('I want to return the sneakers from order #W5866402');
      await say('yes, but refund it to my gift card');
      const back = await say('actually to my original payment please');
      expect(back.agent).toBe('ReturnsAgent');
      expect(back.reply).toMatch(/The refund of \$207\.75 goes to PayPal once the items arrive\. Please reply "yes"/);
      const yes = await say('yes');
      expect(callOf(yes, 'return_delivered_order_items')?.args).toMatchObject({ payment_method_id: 'paypal_8049766' });
    } finally {
      await own.dispose();
    }
  });
});

describe('an order number given to a question that did not ask for one', () => {
  it('"it\'s order #W…" after "what should the Hiking Boots change to?" stays with the exchange', async () => {
    const say = conversation('liam_thomas_7882');
    const asked = await say('I want to exchange my hiking boots');
    expect(asked.agent).toBe('ReturnsAgent');
    expect(asked.reply).toMatch(/^What should the Hiking Boots \(.*\) change to\?$/);
    const order = await say("it's order #W8488728");
    expect(order.agent).toBe('ReturnsAgent');
    expect(order.handoff).toBeUndefined();
    expect(order.reply).toMatch(/^What should the Hiking Boots \(.*\) change to\?$/);
  });
});

describe('a change of the way an order is paid', () => {
  it('"charge my visa instead of paypal" after "which one should I change?" is the order paid with PayPal, paid by visa', async () => {
    const say = conversation('liam_thomas_7882');
    const asked = await say('I want to change how I pay for an order');
    expect(asked.reply).toMatch(/#W1654931 \(pending\), #W3295833 \(pending\)\. Which one should I change\?$/);
    const named = await say('charge my visa instead of paypal');
    expect(named.reply).toBe(
      'I\'ll pay order #W3295833 with your visa card ending 3194 instead of PayPal. Please reply "yes" to confirm.',
    );
    const yes = await say('yes');
    expect(callOf(yes, 'modify_pending_order_payment')?.args).toEqual({
      order_id: '#W3295833',
      payment_method_id: 'credit_card_3261838',
    });
  });
});

describe('a change of the order the last answer was about', () => {
  it('"can you ship it to … instead?" after a status answer proposes that order\'s new address', async () => {
    const say = conversation('ivan_santos_6635');
    await say('where is my order?');
    const status = await say('the office chair one');
    expect(status.reply).toMatch(/^Your order #W8770097 has not shipped yet/);
    const ship = await say('can you ship it to 12 Oak Street, Austin, TX 78701 instead?');
    expect(ship.agent).toBe('OrderManagementAgent');
    expect(ship.plan[0]!.instruction).toMatch(/^Change the shipping address of order #W8770097\b/);
    expect(ship.reply).toBe(
      'I\'ll change the shipping address of order #W8770097 to 12 Oak Street, Austin, TX 78701. Please reply "yes" to confirm.',
    );
  });
  it('an address typed without commas, its state spelled out, is read whole: the yes makes it', async () => {
    const say = conversation('ivan_santos_6635');
    await say('Please change the shipping address of order #W8770097');
    const ship = await say('ship it to 12 Oak Street Springfield Illinois 62704');
    expect(ship.reply).toBe(
      'I\'ll change the shipping address of order #W8770097 to 12 Oak Street, Springfield, IL 62704. Please reply "yes" to confirm.',
    );
    const yes = await say('yes');
    expect(callOf(yes, 'modify_pending_order_address')?.args).toMatchObject({
      order_id: '#W8770097',
      address1: '12 Oak Street',
      city: 'Springfield',
      state: 'IL',
      zip: '62704',
    });
  });
});

describe('a new address for an order that has shipped', () => {
  it('says where the order is in the words of its status answer, and what could have been changed', async () => {
    const say = conversation('yara_ito_8499');
    const status = await say('where is my order #W3191978?');
    expect(status.reply).toMatch(/^Your order #W3191978 has shipped/);
    const ship = await say('can you ship it to 12 Oak Street, Austin, TX 78701 instead?');
    expect(ship.reply).toMatch(
      /^Your order #W3191978 has shipped.* Only an order that hasn't shipped yet can get a new address\.$/,
    );
    expect(ship.reply).not.toMatch(/processed/);
  });
});

describe('the amount of the order the last answer was about', () => {
  it('"how much was it in total?" after a status answer: that order\'s total, from the order card', async () => {
    const say = conversation('ivan_santos_6635');
    await say('where is my order?');
    const status = await say('the office chair one');
    expect(status.reply).toMatch(/^Your order #W8770097 has not shipped yet/);
    const total = await say('how much was it in total?');
    expect(total.agent).toBe('OrderManagementAgent');
    // The task names the order "it" is, for the card to read it by.
    expect(total.plan[0]!.instruction).toMatch(/\border #W8770097\b/);
    expect(total.reply).toMatch(/^The total of order #W8770097 is \$[\d,]+\.\d\d \(\d+ items?\)/);
    // The amount and what it paid for answer it; where the order is was said the turn before.
    expect(total.reply).toMatch(/ Items: Office Chair/);
    expect(total.reply).not.toMatch(/shipped|Tracking/);
    const again = conversation('ivan_santos_6635');
    await again('where is my order?');
    await again('the office chair one');
    expect((await again('how much was it?')).reply).toMatch(/^The total of order #W8770097 is /);
    // With no order just shown, the same words are a question like any other: no order is made up.
    const fresh = await conversation('ivan_santos_6635')('how much was it in total?');
    expect(fresh.reply).not.toMatch(/The total of order/);
  });
});

describe('a question about "it" after an answer that showed one product', () => {
  it('"how much is it?" and "does it come in blue?" after a present was shown ask about that product', async () => {
    for (const question of ['how much is it?', 'does it come in blue?']) {
      const say = conversation();
      const shown = await say('a gift for my sister who likes yoga');
      expect(shown.reply).toMatch(/^Here is what I found for yoga:\n- Yoga Mat \(blue, PVC, 4mm\): \$92\.53$/);
      const asked = await say(question);
      const search = callOf(asked, 'search_products');
      expect(search?.args.query).toMatch(/^(?:blue )?yoga mat$/);
      expect(asked.reply).toMatch(/Yoga Mat/);
    }
  });
});

describe('an address given in parts, after the address was asked for', () => {
  it('"88 Lake View Rd" then "Plano, TX 75024" make one address, proposed and made on "yes"', async () => {
    const say = conversation('ivan_santos_6635');
    const asked = await say('I need to change the shipping address of order #W8770097');
    expect(asked.reply).toMatch(/^What is the new address\?/);
    const street = await say('88 Lake View Rd');
    expect(street.agent).toBe('OrderManagementAgent');
    expect(street.reply).toBe(
      'I have "88 Lake View Rd" of the new address so far. What is the rest of the address (street, city, two-letter state and zip code)?',
    );
    const rest = await say('Plano, TX 75024');
    expect(rest.reply).toBe(
      'I\'ll change the shipping address of order #W8770097 to 88 Lake View Rd, Plano, TX 75024. Please reply "yes" to confirm.',
    );
    const yes = await say('yes');
    expect(callOf(yes, 'modify_pending_order_address')?.args).toMatchObject({
      order_id: '#W8770097',
      address1: '88 Lake View Rd',
      city: 'Plano',
      zip: '75024',
    });
  });

  it('a zip alone after the street and city completes the address', async () => {
    const say = conversation('ivan_santos_6635');
    await say('I need to change the shipping address of order #W5183325');
    const street = await say('12 Oak Street, Austin, TX');
    expect(street.agent).toBe('OrderManagementAgent');
    expect(street.reply).toMatch(/^I have "12 Oak Street, Austin, TX" of the new address so far\./);
    const zip = await say('78701');
    expect(zip.reply).toMatch(
      /^I'll change the shipping address of order #W5183325 to 12 Oak Street, Austin, TX 78701\./,
    );
  });
});

/** A conversation whose history carries each run's tool calls, as the core renders them (conversation.ts). */
const withTools = (customerId?: string, own = store) => conversationWith(own, { customerId, toolTurns: true });
const price = (line: readonly string[]) => Number(line[1]!.replace(/[$,]/g, ''));

describe('the prices of the several products the last answer showed', () => {
  it('"how much are they?" after presents were shown: their prices, not a search for "how much"', async () => {
    const say = withTools();
    const shown = await say('I need a gift for my dad who likes hiking');
    expect(shown.agent).toBe('UpsellAgent');
    const asked = await say('how much are they?');
    expect(asked.agent).toBe('UpsellAgent');
    expect(asked.calls).toEqual([]);
    expect(asked.reply).toBe(
      'Their prices:\n- Water Bottle (green, 500ml, glass): $45.09\n- Backpack (small, green, polyester, camera): $193.38\n- Hiking Boots (size 12, leather, waterproof yes): $236.57',
    );
  });
  for (const words of ['what do those cost?', 'how much are these?', 'what are their prices?'])
    it(`"${words}" after two kinds were shown side by side: the price each was shown at`, async () => {
      const say = withTools();
      await say('do you have headphones or earbuds?');
      const asked = await say(words);
      expect(asked.agent).toBe('ProductExpertAgent');
      expect(asked.reply).toBe('Their prices:\n- Headphones: from $344.55\n- Wireless Earbuds: from $226.49');
    });
});

describe('a yes to what a product answer offered to do', () => {
  /** Sold out in every option: the answer offers an email when they are back. */
  const soldOut = async () => {
    const say = withTools();
    const asked = await say('are the leather hiking boots in size 10 in stock?');
    expect(asked.reply).toMatch(/I can email you when they're back: just ask\./);
    return say;
  };
  for (const yes of ['sounds good', "ok let's do that", 'yes please'])
    it(`"${yes}" asks for the alert offered: the card that signs up for alerts asks which option and where`, async () => {
      const r = await (await soldOut())(yes);
      expect(r.agent).toBe('LeadGenerationAgent');
      expect(r.reply).toMatch(
        /Which one should I let you know about \(or all of them\)\? And what email address should we use\?$/,
      );
    });
  it('"ok let\'s do that, my email is …": the alert with that address, which option first', async () => {
    const r = await (await soldOut())("ok let's do that, my email is kim@example.com");
    expect(r.agent).toBe('LeadGenerationAgent');
    expect(r.reply).toMatch(/Which one should I let you know about \(or all of them\)\?$/);
  });
  it('after an answer that offered nothing, a yes offers more help and signs up for nothing', async () => {
    const say = withTools();
    await say('do you sell water bottles?');
    const r = await say('sounds good');
    expect(r.agent).toBe('ProductExpertAgent');
    expect(r.reply).toBe('Is there anything else I can help you with?');
  });
});

describe('a pick among the sold-out options the stand-in asked about, for the card that asked', () => {
  const asked = async () => {
    const say = withTools();
    await say('are the leather hiking boots in size 10 in stock?');
    const which = await say("let me know when they're back, my email is kim@example.com");
    expect(which.reply).toMatch(/Which one should I let you know about \(or all of them\)\?$/);
    return say;
  };
  const alerts = (r: { calls: { name: string; args: Record<string, unknown> }[] }) =>
    r.calls
      .filter((c) => c.name === 'store.subscribe_back_in_stock')
      .map((c) => c.args.item_id)
      .sort();
  for (const [pick, ids] of [
    ['the waterproof one', ['7228247242']],
    ['the one that is not waterproof', ['2185126308']],
    ['both', ['2185126308', '7228247242']],
    ['all of them please', ['2185126308', '7228247242']],
  ] as const)
    it(`"${pick}"`, async () => {
      const r = await (await asked())(pick);
      expect(r.agent).toBe('LeadGenerationAgent');
      expect(alerts(r)).toEqual(ids);
    });
  for (const [pick, ids] of [
    ['both', ['2185126308', '7228247242']],
    ['the waterproof one', ['7228247242']],
  ] as const)
    it(`"${pick}", then the email address asked for: the pick stands`, async () => {
      const say = withTools();
      await say('are the leather hiking boots in size 10 in stock?');
      const which = await say('sounds good');
      expect(which.reply).toMatch(/\(or all of them\)\? And what email address should we use\?$/);
      const picked = await say(pick);
      expect(picked.agent).toBe('LeadGenerationAgent');
      expect(picked.reply).toMatch(/What email address should we use\?$/);
      const email = await say('kim@example.com');
      expect(email.agent).toBe('LeadGenerationAgent');
      expect(alerts(email)).toEqual(ids);
    });
});

describe('the refund a return pays, asked', () => {
  for (const words of ['how much will I get back?', 'what would my refund be?', 'how much would I be refunded?'])
    it(`"${words}" right after a return was proposed: the amount, with the proposal still open; "yes" makes it`, async () => {
      const own = await createTinyStore(['olivia_ito_3591']);
      try {
        const say = withTools('olivia_ito_3591', own);
        await say('I want to return the sneakers from order #W5866402');
        const asked = await say(words);
        expect(asked.agent).toBe('ReturnsAgent');
        expect(callOf(asked, 'return_delivered_order_items')).toBeUndefined();
        expect(asked.reply).toBe(
          'You\'d get $207.75 back, to PayPal, once the items arrive. I can return Sneakers (size 11, black, synthetic) $207.75 from order #W5866402. Please reply "yes" to confirm.',
        );
        const yes = await say('yes');
        expect(callOf(yes, 'return_delivered_order_items')?.args).toMatchObject({
          order_id: '#W5866402',
          item_ids: ['9727387530'],
        });
        // Once it is requested, the same question is answered from the return in progress.
        const after = await say('how much will I get back?');
        expect(after.agent).toBe('ReturnsAgent');
        expect(after.reply).toBe(
          'Your return of Sneakers from order #W5866402 is requested. The refund of $207.75 goes to PayPal once the items arrive.',
        );
      } finally {
        await own.dispose();
      }
    });
  it('of items named with no return proposed: the amount, and the return offered, not proposed', async () => {
    // Its own store: another test here returns these sneakers.
    const own = await createTinyStore(['olivia_ito_3591']);
    const r = await withTools(
      'olivia_ito_3591',
      own,
    )('how much would I get back if I returned the sneakers from order #W5866402?');
    await own.dispose();
    expect(r.agent).toBe('ReturnsAgent');
    expect(callOf(r, 'return_delivered_order_items')).toBeUndefined();
    expect(r.reply).toBe(
      "You'd get $207.75 back for Sneakers (size 11, black, synthetic) $207.75 from order #W5866402, to PayPal, once the items arrive. I can return it for you: just ask.",
    );
  });
});

describe('the product a follow-up points at, among those the last answer showed, named in the task', () => {
  const listed = async (asked: string) => {
    const say = withTools();
    await say(asked);
    return say;
  };
  for (const [words, job] of [
    ['how much is the blue one?', /^Find blue bluetooth speaker for the customer\./],
    ['is it waterproof?', /^Give the customer the details of the bluetooth speaker\./],
    ['is that one loud enough for a party?', /\bbluetooth speaker\b/],
  ] as const)
    it(`"${words}" after speakers were shown: a task about the speaker`, async () => {
      const r = await (await listed('do you have bluetooth speakers?'))(words);
      expect(r.agent).toBe('ProductExpertAgent');
      expect(r.plan[0]!.instruction).toMatch(job);
    });
  // The lines of the list a reply showed, as the shopper read them: "Bluetooth Speaker (blue, …)" and its price.
  const linesOf = (reply: string) => [...reply.matchAll(/^- ([^:\n]+): (\$[\d.,]+)/gm)].map((m) => [m[1]!, m[2]!]);
  for (const [words, pick] of [
    ['is the first one waterproof?', (lines: string[][]) => lines[0]!],
    ['the last one, is it waterproof?', (lines: string[][]) => lines.at(-1)!],
    ['is the cheaper one waterproof?', (lines: string[][]) => lines.toSorted((a, b) => price(a) - price(b))[0]!],
  ] as const)
    it(`"${words}" after several speakers were listed: that speaker as shown, not every variant`, async () => {
      const say = withTools();
      const shown = await say('do you have bluetooth speakers?');
      const lines = linesOf(shown.reply);
      expect(lines.length).toBeGreaterThan(2);
      const [label, cost] = pick(lines);
      const r = await say(words);
      expect(r.agent).toBe('ProductExpertAgent');
      // Its own answer, from its options: "water resistance no" says no.
      const yes = /water resistance yes/.test(label!);
      expect(r.reply).toContain(`${label} at ${cost}`);
      expect(r.reply).toMatch(yes ? /^Yes: .* has water resistance\.$/ : /^No: .* has no water resistance\.$/);
      expect(r.reply).not.toMatch(/\bvariants\b/);
    });
  it('"how heavy is the second one?" after backpacks were listed: the second backpack shown, and what its details say', async () => {
    const say = withTools();
    const [label, cost] = linesOf((await say('do you have backpacks?')).reply)[1]!;
    const r = await say('how heavy is the second one?');
    expect(r.reply.split('\n')[0]).toBe(`The second one, ${label} at ${cost}.`);
    expect(r.reply).toMatch(/don't list its weight/);
  });
  it('"tell me more about the second one" after two kinds were shown: the details of the second kind', async () => {
    const r = await (await listed('do you have headphones or earbuds?'))('tell me more about the second one');
    expect(r.plan[0]!.instruction).toMatch(/^Give the customer the details of the wireless earbuds\./);
    expect(r.reply).toMatch(/Wireless Earbuds/);
    expect(r.reply).not.toMatch(/Headphones/);
  });
  for (const words of [
    'add the second one to my alert, my email is kim@example.com',
    'alert me about the 2nd one please, kim@example.com',
  ])
    it(`"${words}": a back-in-stock alert for the speaker in that line, not the newsletter`, async () => {
      const r = await (await listed('do you have bluetooth speakers?'))(words);
      expect(r.agent).toBe('LeadGenerationAgent');
      expect(r.plan[0]!.instruction).toMatch(
        /^Sign the customer up for a back-in-stock alert for the red bluetooth speaker\./,
      );
      expect(r.reply).not.toMatch(/newsletter/i);
    });
});
