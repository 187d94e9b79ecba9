import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOf, card, conversationWith, planFor } from './conversation.js';
import { runTask } from './task-harness.js';
import { createTinyStore } from './tiny-store.js';

/**
 * Changes the stand-in proposes for the shopper's yes: what it proposes must be what was asked (the shopper trusts the
 * proposal, and the yes makes it). Shoppers of the tau-retail data whose orders fit each case.
 */
const SHOPPERS = [
  'emma_ito_4529',
  'olivia_ito_3591',
  'liam_thomas_7882',
  'ivan_khan_7475',
  'ivan_santos_6635',
  'fatima_anderson_2157',
  'anya_brown_2024',
  'yara_ito_8499',
  'noah_brown_6181',
];

let store: Awaited<ReturnType<typeof createTinyStore>>;
beforeAll(async () => {
  store = await createTinyStore(SHOPPERS);
});
afterAll(async () => {
  await store?.dispose();
});

/** A conversation as the core runs it (conversation.ts). */
const conversation = (customerId: string) => conversationWith(store, { customerId });

describe('a new address goes on the order the shopper means, not on the account', () => {
  it('"its address" after the shopper picked an order by its item: that order\'s shipping address, on "yes"', async () => {
    const say = conversation('ivan_santos_6635');
    await say('where is my order?');
    await say('the office chair one');
    const asked = await say('can you change its address to 88 Lake View Rd, Plano, TX 75024?');
    expect(asked.reply).toMatch(/^I'll change the shipping address of order #W8770097 to 88 Lake View Rd/);
    const yes = await say('yes');
    expect(callOf(yes, 'modify_user_address')).toBeUndefined();
    expect(callOf(yes, 'modify_pending_order_address')?.args).toMatchObject({
      order_id: '#W8770097',
      address1: '88 Lake View Rd',
      city: 'Plano',
    });
  });

  it('an order named by what is in it ("my pending order with the skateboard should go to …")', async () => {
    const say = conversation('fatima_anderson_2157');
    const asked = await say('my pending order with the skateboard should go to 900 Bay St, Tampa, FL 33602 instead');
    expect(asked.reply).toMatch(
      /^I'll change the shipping address of order #W2974929 to 900 Bay St, Tampa, FL 33602\./,
    );
    const yes = await say('yes');
    expect(callOf(yes, 'modify_user_address')).toBeUndefined();
    expect(callOf(yes, 'modify_pending_order_address')?.args).toMatchObject({ order_id: '#W2974929', zip: '33602' });
  });

  it('the account named before the shopper was identified still gets the address once they are', async () => {
    const history: { role: 'user' | 'assistant'; content: string }[] = [];
    const say = async (words: string) => {
      history.push({ role: 'user', content: words });
      const r = await runTask({
        card: card('OrderManagementAgent'),
        tools: store.tools,
        call: store.call,
        instruction: `Help the customer with this request. The customer wrote: "${words}"`,
        userMessage: words,
        history: [...history],
      });
      history.push({ role: 'assistant', content: r.reply });
      return r;
    };
    await say('Please change my account address to 12 New Street, Apt 3, Springfield, IL 62704');
    const known = await say('my email is fatima.anderson1447@example.com');
    expect(known.reply).toMatch(
      /^I'll change the default address on your account to 12 New Street, Apt 3, Springfield/,
    );
  });

  it("the account's address only when the shopper speaks of the account; with neither said, asks which", async () => {
    const account = await conversation('anya_brown_2024')(
      'I moved, please update my address on file to 5 Elm St, Boston, MA 02101',
    );
    expect(account.reply).toMatch(/^I'll change the default address on your account to 5 Elm St/);
    const say = conversation('fatima_anderson_2157');
    const neither = await say('please change my address to 5 Elm St, Boston, MA 02101');
    expect(neither.calls.map((c) => c.name)).not.toContain('store.modify_user_address');
    expect(neither.reply).toMatch(
      /default address on your account .* or where one pending order ships, and which: #W2974929 with Skateboard; #W4514908 with /,
    );
    // "Change it" of the address itself names no order either.
    const address = await conversation('fatima_anderson_2157')(
      'my address is wrong, can you change it to 5 Elm St, Boston, MA 02101',
    );
    expect(address.reply).toMatch(/^Should 5 Elm St, Boston, MA 02101 become the default address on your account/);
    // An order picked from the ones listed, by what is in it.
    const picked = await say('the one with the skateboard');
    expect(picked.reply).toMatch(/^I'll change the shipping address of order #W2974929 to 5 Elm St/);
  });
});

describe('a change the shopper rules out is never proposed', () => {
  it('"don\'t cancel anything, I just want to know when … will arrive" answers where the order is; a yes cancels nothing', async () => {
    const say = conversation('anya_brown_2024');
    const asked = await say("don't cancel anything, I just want to know when order #W1430028 will arrive");
    expect(asked.reply).not.toMatch(/cancel it|reply "yes"/i);
    expect(asked.reply).toMatch(/^Your order #W1430028 has not shipped yet/);
    const yes = await say('yes');
    expect(callOf(yes, 'cancel_pending_order')).toBeUndefined();
  });

  it('"I\'m not returning anything" asks no return, though the task came to the returns card', async () => {
    const words = "I'm not returning anything from #W2922433, is the tablet covered by warranty?";
    const plan = await planFor([{ role: 'user', text: words }]);
    expect(plan.map((t) => t.agent)).not.toContain('ReturnsAgent');
    // Planned for returns all the same (as a planner might): the specialist proposes nothing.
    const r = await runTask({
      card: card('ReturnsAgent'),
      tools: store.tools,
      call: store.call,
      instruction: `Return the item from order #W2922433. The customer wrote: "${words}"`,
      userMessage: words,
      customerId: 'anya_brown_2024',
    });
    expect(r.reply).not.toMatch(/I can return|reply "yes"/);
  });
});

describe('the option after "instead of" is the one being left', () => {
  /** One message to the order card, as the shopper's whole request. */
  const orderTask = (customerId: string, words: string) =>
    runTask({
      card: card('OrderManagementAgent'),
      tools: store.tools,
      call: store.call,
      instruction: `Help the customer with this request. The customer wrote: "${words}"`,
      userMessage: words,
      customerId,
    });

  it('"to size 9 instead of 8", "from 8 to 9", "swap the 8 for a 9", "9, not 8": size 9; the yes makes it', async () => {
    for (const words of [
      'please change the hiking boots in order #W5442520 from size 8 to size 9',
      'for the hiking boots in order #W5442520, swap the 8 for a 9',
      'change the hiking boots in order #W5442520 to size 9, not 8',
    ])
      expect((await orderTask('olivia_ito_3591', words)).reply).toMatch(
        /^I can swap your Hiking Boots \(size 8, leather, waterproof yes\) \$240\.87 for size 9, leather, waterproof yes at /,
      );
    const say = conversation('olivia_ito_3591');
    const asked = await say('please change the hiking boots in order #W5442520 to size 9 instead of 8');
    expect(asked.reply).toMatch(/for size 9, leather, waterproof yes at \$249\.12 in order #W5442520/);
    const yes = await say('yes');
    expect(callOf(yes, 'modify_pending_order_items')?.args).toMatchObject({
      item_ids: ['2648909398'],
      new_item_ids: ['8106223139'],
    });
  });

  it('"to a red one instead of blue", "from blue to red": the red bottle', async () => {
    for (const words of [
      'can I change the water bottle in #W8664580 to a red one instead of blue?',
      'can I change the water bottle in #W8664580 from blue to red?',
      'please change the water bottle in #W8664580 to red rather than blue',
    ])
      expect((await orderTask('emma_ito_4529', words)).reply).toMatch(
        /^I can swap your Water Bottle \(blue, 1000ml, stainless steel\) \$54\.04 for red, 1000ml, stainless steel at /,
      );
  });
});

describe('a cancellation of one item of an order says the store cancels whole orders, and proposes nothing', () => {
  it('"cancel just the air purifier …, I still want the e-reader": the choice said, and a yes cancels nothing', async () => {
    const say = conversation('liam_thomas_7882');
    const asked = await say('please cancel just the air purifier from order #W1654931, I still want the e-reader');
    expect(asked.reply).toMatch(/^I can't cancel only part of an order: a pending order is cancelled as a whole\./);
    expect(asked.reply).toMatch(
      /I can cancel the whole order \(both items\), or swap the Air Purifier for another option of the same product/,
    );
    expect(asked.reply).not.toMatch(/reply "yes"/);
    const yes = await say('yes');
    expect(callOf(yes, 'cancel_pending_order')).toBeUndefined();
    // "All right" says nothing of how many items.
    expect(
      (await conversation('liam_thomas_7882')('all right, cancel just the air purifier from order #W1654931')).reply,
    ).toMatch(/^I can't cancel only part of an order/);
  });

  it('"only the first item … keep the rest" likewise; "the whole order then" proposes cancelling it all', async () => {
    const say = conversation('ivan_khan_7475');
    const asked = await say('can you cancel only the first item in order #W5782623? keep the rest');
    expect(asked.reply).toMatch(/^I can't cancel only part of an order/);
    expect(asked.reply).toMatch(/or swap an item for another option/);
    const whole = await say('ok cancel the whole order then');
    expect(whole.reply).toMatch(/^Order #W5782623 is pending: .*Shall I cancel it/);
    // Items named to find the order are no part of it.
    expect((await conversation('ivan_khan_7475')('cancel my order with the perfume')).reply).toMatch(
      /^Order #W5782623 is pending: .*Shall I cancel it/,
    );
  });
});

describe('a return or an exchange that names no item of the order asks which, listing them', () => {
  it('"return something from my order": the items listed by place; "the kettle" proposes the kettle alone', async () => {
    const say = conversation('yara_ito_8499');
    const asked = await say('hi, I want to return something from my order #W8353027');
    expect(callOf(asked, 'return_delivered_order_items')).toBeUndefined();
    expect(asked.reply).toMatch(
      /^Order #W8353027 has 5 items: the first is the Electric Kettle; the second, the Grill; .*; and the fifth and last, the Skateboard\. Which would you like to return: .*\?$/,
    );
    const kettle = await say('the kettle');
    expect(kettle.agent).toBe('ReturnsAgent');
    expect(kettle.reply).toMatch(/^I can return Electric Kettle \(black, 2L, glass\) \$137\.92 from order #W8353027\./);
    const yes = await say('yes');
    expect(callOf(yes, 'return_delivered_order_items')?.args).toMatchObject({ item_ids: ['9335834276'] });
  });

  it('with no order named, the one delivered order\'s items; "the second one" picks by place', async () => {
    const say = conversation('noah_brown_6181');
    const asked = await say('I want to return something');
    expect(asked.reply).toMatch(
      /^Order #W7678072 has 3 items: the first is the Electric Kettle; the second, the Gaming Mouse;/,
    );
    const second = await say('the second one');
    expect(second.reply).toMatch(/^I can return Gaming Mouse \(black, laser, wired\) \$162\.15 from order #W7678072\./);
    const yes = await say('yes');
    expect(callOf(yes, 'return_delivered_order_items')?.args).toMatchObject({ item_ids: ['2193628750'] });
  });

  it('an item the order does not have is said, with what it has; every item only when the shopper says so', async () => {
    const say = conversation('anya_brown_2024');
    const laptop = await say('I want to return the laptop from order #W2922433');
    expect(callOf(laptop, 'return_delivered_order_items')).toBeUndefined();
    expect(laptop.reply).toMatch(
      /^There's no laptop in order #W2922433\. It has 4 items: the first is the Pet Bed; .*the Tablet;/,
    );
    expect((await say('the tablet')).reply).toMatch(
      /^I can return Tablet \(black, 128GB, 7-inch\) \$941\.03 from order #W2922433\./,
    );
    // "All of them" after the listing, or "everything" said at once: the whole order. (Orders no test returns from.)
    const listed = conversation('yara_ito_8499');
    await listed('I want to return something from order #W1809337');
    expect((await listed('all of them')).reply).toMatch(
      /^I can return Cycling Helmet .*; Makeup Kit .*; Tea Kettle .*; Wall Clock .* from order #W1809337\./,
    );
    expect((await say('actually I want to return everything from order #W2922433')).reply).toMatch(
      /^I can return Pet Bed .*; Makeup Kit .*; Tablet .*; Grill .* from order #W2922433\./,
    );
    // An exchange likewise: no item of the order swapped for a laptop it does not have.
    const swap = await conversation('anya_brown_2024')(
      'I want to exchange the laptop from order #W2922433 for a bigger one',
    );
    expect(swap.reply).toMatch(/^There's no laptop in order #W2922433\. It has 4 items: /);
    expect(callOf(swap, 'exchange_delivered_order_items')).toBeUndefined();
  });
});
