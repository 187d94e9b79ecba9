import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../offline-model/src/entity-extractor.js';
import { planFromBrief } from '../../offline-model/src/offline-planner.js';
import type { PlanBrief } from '../../offline-model/src/plan-brief.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { planSchema } from '../../server/src/domain/plan.js';
import { asCard, topicCard } from './task-harness.js';

const cards = builtinCards.map(asCard);
const warrantyCard = asCard({
  name: 'WarrantyClaimAgent',
  description: 'Files warranty claims for products that broke or are defective within the warranty period.',
  skills: ['warranty claims', 'broken or defective products', 'repair or replacement under warranty'],
  instructions: '',
  tools: ['warranty.create_claim'],
  handoffs: [],
  enabled: true,
  model: {},
  maxSteps: 4,
});

const plan = (message: string, extra: Partial<PlanBrief> = {}) => {
  const out = planFromBrief({
    message,
    history: [],
    cards,
    defaultAgent: 'GeneralSupportAgent',
    ...extra,
  });
  expect(planSchema.safeParse(out).success).toBe(true);
  return out;
};
const agents = (message: string, extra: Partial<PlanBrief> = {}) => plan(message, extra).tasks.map((t) => t.agent);

describe('planFromBrief', () => {
  it('splits the example into an order task then a product task, with status messages about each', () => {
    const p = plan("Where's my order #W123, and by the way, do you have any red sneakers in men's size 9?");
    expect(p.refuse).toBe(false);
    expect(p.tasks.map((t) => [t.id, t.agent])).toEqual([
      ['t1', 'OrderManagementAgent'],
      ['t2', 'ProductExpertAgent'],
    ]);
    expect(p.tasks[0]!.statusMessage).toBe('Checking on the status of your order #W123...');
    expect(p.tasks[1]!.statusMessage).toBe("Looking for red sneakers in men's size 9...");
    expect(p.tasks[0]!.instruction).toContain('#W123');
    expect(p.tasks[0]!.instruction).not.toContain('sneakers');
    expect(p.tasks[1]!.instruction).toContain('red sneakers');
    expect(p.tasks[1]!.instruction).not.toContain('#W123');
    expect(p.tasks.every((t) => t.dependsOn.length === 0)).toBe(true);
  });

  it('sends greetings and small talk to the default agent as one task', () => {
    for (const m of ['hi', 'thanks!', 'how are you?', 'Good morning :)']) {
      const p = plan(m);
      expect(p.tasks.map((t) => t.agent)).toEqual(['GeneralSupportAgent']);
    }
    expect(agents('hi', { defaultAgent: 'UpsellAgent' })).toEqual(['UpsellAgent']);
  });

  it('refuses off-topic and abusive messages, but not rude shoppers with a real request', () => {
    for (const m of [
      'write me a poem about the sea',
      "what's the capital of France",
      'solve 2x+3=7',
      'shut up idiot',
    ]) {
      expect(plan(m)).toEqual({ refuse: true, tasks: [] });
    }
    expect(agents('your stupid bot is useless, put me through to a real person')).toEqual(['HumanTransferAgent']);
  });

  it('sends a shopping question that matches no card strongly to the default agent instead of refusing', () => {
    expect(plan('is there a student discount?').refuse).toBe(false);
    expect(agents('the box was empty', { defaultAgent: 'GeneralSupportAgent' })).toEqual(['GeneralSupportAgent']);
  });

  it('routes a card it has never seen by its skills: the more specific card wins its domain', () => {
    const withWarranty = [...cards, warrantyCard];
    const p = plan('my blender broke after 3 months, can I claim warranty?', { cards: withWarranty });
    expect(p.tasks.map((t) => t.agent)).toEqual(['WarrantyClaimAgent']);
    expect(p.tasks[0]!.statusMessage).toBe('Looking into your warranty question...');
    // A bare verb names its topic the way the card does: not "your ship question".
    expect(plan('Do you ship to Canada?').tasks[0]!.statusMessage).toBe('Looking into your shipping question...');
    // Without that card, the same words go to the built-in cards.
    expect(agents('my blender broke after 3 months, can I claim warranty?')).not.toContain('WarrantyClaimAgent');
  });

  it('gives a card added for one topic the questions that name one of its skills, not the knowledge base', () => {
    const giftCards = topicCard('GiftCardAgent', 'Sells and explains gift cards, vouchers and store credit.', [
      'gift cards',
      'vouchers',
      'store credit balance',
    ]);
    const withGiftCards = [...cards, giftCards];
    for (const question of [
      'Do you sell gift cards?',
      'Do you sell e-gift cards?',
      'Can I send an eGift card by email?',
      'Can I buy a voucher for my sister?',
      'What is my store credit balance?',
    ])
      expect(plan(question, { cards: withGiftCards }).tasks.map((t) => t.agent)).toEqual(['GiftCardAgent']);
    // Without it, the built-in support card answers from the knowledge base, as before.
    expect(agents('Do you sell gift cards?')).toEqual(['GeneralSupportAgent']);
    // A question about what an action card does stays a question about the shop's rule.
    expect(agents('Can I return a delivered item?')).toEqual(['GeneralSupportAgent']);
  });

  it('sends contact details typed as a sentence back to the card that asked for them, and only there', () => {
    const history = [
      { role: 'user' as const, text: 'My order #W2611340 arrived broken and I want to speak to a real person' },
      {
        role: 'assistant' as const,
        agentName: 'ReturnsAgent',
        text: 'First I need to confirm who you are: please send the email address on your account, or your name and zip.',
      },
      {
        role: 'assistant' as const,
        agentName: 'HumanTransferAgent',
        text: 'Please fill in the short form (Email address, Phone number) so a colleague can reach you.',
      },
    ];
    const planAfter = (message: string) => agents(message, { history: [...history, { role: 'user', text: message }] });
    expect(planAfter('my email is james.li4495@example.com and my phone is 555 123 4567')).toEqual([
      'HumanTransferAgent',
    ]);
    expect(planAfter("sure, it's james.li4495@example.com")).toEqual(['HumanTransferAgent']);
    // A new request beside the details is planned as one.
    expect(planAfter('my email is james.li4495@example.com, and do you sell tents?')).toContain('ProductExpertAgent');
    // With no question before it, an email is no answer to anyone.
    expect(agents('my email is james.li4495@example.com and my phone is 555 123 4567')).not.toEqual([
      'HumanTransferAgent',
    ]);
  });

  it("gives a card the questions that name the word of its name no other card has: 'where is your showroom?'", () => {
    const showroom = topicCard('ShowroomAgent', 'Visits to our Austin showroom: address, opening hours, parking.', [
      'showroom visits',
      'showroom opening hours',
      'parking at the showroom',
    ]);
    const withShowroom = [...cards, showroom];
    for (const question of [
      'where is your showroom?',
      'Is the showroom open on Sundays?',
      'can I park at the showroom?',
    ])
      expect(plan(question, { cards: withShowroom }).tasks.map((t) => t.agent)).toEqual(['ShowroomAgent']);
    // A rule of the shop's is still the knowledge base's, even where a card's name says the topic.
    expect(agents("What's your return policy?", { cards: withShowroom })).toEqual(['GeneralSupportAgent']);
  });

  it('keeps one task per intent and joins fragments that have no intent of their own', () => {
    expect(agents("I'd like to return the sneakers from order #W4817420, they're too small")).toEqual(['ReturnsAgent']);
    expect(
      agents(
        'Cancel the pending order, check if the laptop is available in silver, and let me know your business hours',
      ),
    ).toEqual(['OrderManagementAgent', 'ProductExpertAgent', 'GeneralSupportAgent']);
  });

  it('makes a task depend on the one it refers back to, and says what "it" is', () => {
    const p = plan('Do you have the yoga mat in purple? Also, what goes well with it?');
    expect(p.tasks.map((t) => t.agent)).toEqual(['ProductExpertAgent', 'UpsellAgent']);
    expect(p.tasks[1]!.dependsOn).toEqual(['t1']);
    expect(p.tasks[1]!.instruction).toContain('yoga mat');
    expect(p.tasks[1]!.statusMessage).toBe('Finding products that go well with your yoga mat...');
  });

  it('handles misspellings', () => {
    expect(agents('i want to cancle my order')).toEqual(['OrderManagementAgent']);
    expect(agents('i want to speek to a reprisentative')).toEqual(['HumanTransferAgent']);
    expect(agents('pls notfy me wen the yoga mat is bak in stock')).toEqual(['LeadGenerationAgent']);
  });

  it('reads goods asked for by what they do ("a power bank that does usb-c") as a search beside another request', () => {
    for (const m of [
      'need a power bank that does usb-c + wanna get on ur mailing list',
      'looking for headphones that has a long battery, and sign me up for deals',
      'need a blender that has a glass jar, and also sign me up for your newsletter',
    ])
      expect(agents(m), m).toEqual(['ProductExpertAgent', 'LeadGenerationAgent']);
  });

  it('reads "someone elses order" as another shopper\'s things received, not a person asked for', () => {
    for (const m of [
      'i got someone elses order?? its a garden hose and i ordered a tablet. order W9495141',
      'ordered a red mug and got a green mug?? what do I do',
    ])
      expect(agents(m), m).toEqual(['ReturnsAgent']);
    expect(agents('this box has somebody elses stuff in it')).not.toContain('HumanTransferAgent');
    expect(agents('I want to talk to someone')).toEqual(['HumanTransferAgent']);
  });

  it('reads a part of a thing that came bent, snapped or chipped as damage, and "handles" as the thing\'s, not a card\'s work', () => {
    for (const m of [
      'hey so the dumbbells came and one of the handles is bent. what do i do',
      'the handle of my suitcase snapped off on the first trip',
      'my new plates arrived chipped',
      'the frame of the bike I got is warped',
    ])
      expect(agents(m), m).toEqual(['ReturnsAgent']);
    expect(agents('who handles complaints here?')).toEqual(['HumanTransferAgent']);
  });

  it("sends what to get with a thing of the shopper's, however it is asked, to the card that recommends alone", () => {
    expect(
      agents('bought the bike last week (order #W3733909), what helmet and lights would you suggest to go with it?'),
    ).toEqual(['UpsellAgent']);
    for (const m of ['what mouse would pair well with my keyboard?', 'which bag pairs nicely with the camera I got?'])
      expect(agents(m), m).toEqual(['UpsellAgent']);
  });

  it('gives a tie on what to buy with something or for someone to the card that recommends', () => {
    for (const m of [
      "what's good to go with the office chair i just got, like a footrest or a desk lamp",
      "my mom's birthday is next week and she loves tea. what would make a nice present from your store?",
      'what would make a good gift from your shop for a runner?',
    ])
      expect(agents(m), m).toEqual(['UpsellAgent']);
    // A question's tie still stays with the default card.
    expect(agents('do you price match?')).toEqual(['GeneralSupportAgent']);
  });

  it('reads what came that is not what was chosen, told either way round or across pieces, as a wrong item received', () => {
    for (const m of [
      'ordered the bagless canister vacuum and got a bagged upright one. #W2809253',
      'the box arrived and the kettle inside is black, I definitely picked white',
      'I ordered the boots in size 9 and received size 11',
      'we ordered a tablet but were sent a phone case',
      'i ordered the blender but received the food processor instead',
    ])
      expect(agents(m), m).toEqual(['ReturnsAgent']);
    // What came is what was chosen, or no thing was chosen: nothing wrong.
    for (const m of [
      'the boots I ordered got here fast, love them',
      'I ordered on monday and got a confirmation email',
      'I ordered a desk lamp and got a desk lamp and a free bulb, thanks',
    ])
      expect(agents(m), m).not.toContain('ReturnsAgent');
  });

  it('plans two facts asked of one order ("the status and total of order #W…") as one task for the order card', () => {
    for (const m of [
      "What's the status and total of order #W2611340?",
      'Can you tell me the tracking number and delivery date for #W2611340?',
      'I need the status and the shipping address of order #W2611340',
      'Tell me the items and payment method on order #W2611340',
      'what are the total and the tracking number for my order #W2611340?',
      'could you check the status and the total for W2611340 please',
    ]) {
      const p = plan(m);
      expect(
        p.tasks.map((t) => t.agent),
        m,
      ).toEqual(['OrderManagementAgent']);
      expect(p.tasks[0]!.instruction, m).toContain('order #W2611340');
    }
  });

  it('plans "why hasn\'t it shipped" about the order just named as that order\'s status, one task', () => {
    expect(agents("my order W7634667 still says pending, why hasn't it shipped")).toEqual(['OrderManagementAgent']);
  });

  it('gives an order action on "it" to the card that answered about the order, and takes nobody off a list by signing them up', () => {
    const history = [
      { role: 'user' as const, text: 'my order W3614011 still says pending' },
      {
        role: 'assistant' as const,
        text: 'Order #W3614011 is pending: it has not been processed for shipping yet.',
        agentName: 'OrderManagementAgent',
      },
    ];
    expect(agents('can I remove the sneakers from it?', { history })).toEqual(['OrderManagementAgent']);
    // With no order in the conversation, "it" is no order.
    expect(agents('can I remove the sneakers from it?')).not.toEqual(['OrderManagementAgent']);
    for (const words of [
      'unsubscribe me from the newsletter',
      'remove me from your mailing list',
      'please stop sending me promotional emails',
      'how do I opt out of marketing emails',
      "I'd like to cancel my subscription",
    ]) {
      const p = plan(words);
      expect(
        p.tasks.map((t) => t.agent),
        words,
      ).toEqual(['GeneralSupportAgent']);
      expect(p.tasks[0]!.instruction, words).not.toMatch(/sign the customer up/i);
    }
    expect(agents('I want to sign up for your newsletter')).toEqual(['LeadGenerationAgent']);
  });

  it('keeps what an intruder did in an account taken over with the person who handles it', () => {
    expect(agents('somebody hacked my account and changed my address')).toEqual(['HumanTransferAgent']);
    expect(agents('someone got into my account and placed an order')).toEqual(['HumanTransferAgent']);
    // Without a takeover, a change of address is the shopper's own request.
    expect(agents('I moved and changed my address, please update order #W2611340 too')).not.toContain(
      'HumanTransferAgent',
    );
  });

  it('plans a wrong choice in an order just placed as one change of that order', () => {
    for (const words of [
      'I placed order #W7654321 an hour ago and chose the wrong size, can you switch it to a medium?',
      'I ordered the wrong colour in #W7654321 which I just placed, please make it blue.',
    ])
      expect(agents(words), words).toEqual(['OrderManagementAgent']);
  });

  it('keeps the options and prices asked after a swap with the card doing the swap', () => {
    expect(
      agents('I want to exchange my jacket for a bigger one. Which sizes do you have and how much are they?'),
    ).toEqual(['ReturnsAgent']);
    // A question on another topic is still its own task.
    expect(agents('I want to exchange my hiking boots for a size 10. Also, what are your store hours?')).toEqual([
      'ReturnsAgent',
      'GeneralSupportAgent',
    ]);
  });

  it('gives a near tie to the card that owns the action asked for, and one card one task per thing', () => {
    expect(
      agents(
        'My parcel for order #W1234567 showed up crushed and soaked. I would like to return everything and get my money back.',
      ),
    ).toEqual(['ReturnsAgent']);
    const p = plan(
      'My headphones arrived broken. Where is the receipt for the order? I want to send the headphones back.',
    );
    expect(p.tasks.map((t) => t.agent)).toEqual(['ReturnsAgent', 'OrderManagementAgent']);
  });

  it('passes a threat of legal action to a person, and a present with nothing named to the gift ideas card', () => {
    expect(agents('if nobody fixes this my attorney will be in touch')).toEqual(['HumanTransferAgent']);
    expect(agents('I am looking for a christmas present for my niece who loves painting')).toEqual(['UpsellAgent']);
    // "Present" is a word, not a typo of "president" (which the off-topic check refuses).
    expect(plan('any present ideas for my grandma?').refuse).toBe(false);
    // A product named is a search, gift or not.
    expect(agents('looking for a watch as a birthday present for my husband')).toEqual(['ProductExpertAgent']);
  });

  it('continues with the last agent when the shopper only answers its question', () => {
    const history = [
      { role: 'user' as const, text: 'Where is my order #W2611340?' },
      { role: 'assistant' as const, text: 'Please send the email on your account.', agentName: 'OrderManagementAgent' },
    ];
    expect(agents("it's james.li4495@example.com", { history })).toEqual(['OrderManagementAgent']);
    expect(agents('yes, go ahead', { history })).toEqual(['OrderManagementAgent']);
    expect(agents("it's james.li4495@example.com")).not.toEqual(['OrderManagementAgent']);
  });

  it('continues with the agent whose question the details answer, when several answered last turn', () => {
    const history = [
      { role: 'user' as const, text: 'Where is my order #W2611340, and do you have red sneakers?' },
      {
        role: 'assistant' as const,
        text: 'Please send the email address on your account.',
        agentName: 'OrderManagementAgent',
      },
      { role: 'assistant' as const, text: 'Here are some red sneakers: ...', agentName: 'ProductExpertAgent' },
    ];
    expect(agents('my email is james.li4495@example.com', { history })).toEqual(['OrderManagementAgent']);
    const withCurrent = [...history, { role: 'user' as const, text: 'my email is james.li4495@example.com' }];
    expect(agents('my email is james.li4495@example.com', { history: withCurrent })).toEqual(['OrderManagementAgent']);
  });

  it('sends a one-time code back to the card that sent it, past a question about the code another card answered', () => {
    const history = [
      { role: 'user' as const, text: 'Can I change the laptop in order #W2417020 to silver?' },
      {
        role: 'assistant' as const,
        text: "I've just sent a 6-digit code to the email address on that account: please type it here.",
        agentName: 'OrderManagementAgent',
      },
      { role: 'user' as const, text: 'please send me the code' },
      {
        role: 'assistant' as const,
        text: 'To change or cancel an order, we first send a one-time code to the email address on your account.',
        agentName: 'GeneralSupportAgent',
      },
    ];
    expect(agents('738344', { history })).toEqual(['OrderManagementAgent']);
    // Asked for again, it goes to the card that sent it, which sends another.
    expect(agents("I didn't get the code, can you send it again?", { history })).toEqual(['OrderManagementAgent']);
    expect(agents('do you have a discount code you can send me?', { history })).not.toEqual(['OrderManagementAgent']);
  });

  it('sends a new budget alone for what was just shown to the agent that showed it', () => {
    const history = [
      { role: 'user' as const, text: 'do you have waterproof hiking boots under $150?' },
      {
        role: 'assistant' as const,
        text: 'We have no hiking boots under $150. The lowest-priced:\n- Hiking Boots (size 12): $236.57',
        agentName: 'ProductExpertAgent',
      },
    ];
    for (const words of ['and under $300?', 'what about under 300 dollars?'])
      expect(agents(words, { history })).toEqual(['ProductExpertAgent']);
  });

  it('sends a question about a catalogue product that no skill words to the product card, and reads "in stock" as stock', () => {
    for (const words of [
      "what's the cheapest backpack you have?",
      'which backpack is cheapest?',
      'cheapest laptop?',
      'I want to see backpacks',
      'I need a new backpack',
    ])
      expect(agents(words)).toEqual(['ProductExpertAgent']);
    // Something of the shopper's stays with the card for it.
    expect(agents('is my backpack shipped?')).toEqual(['OrderManagementAgent']);
    expect(extractEntities('is the backpack in stock?').products).toEqual(['backpack']);
    expect(extractEntities('is it in stock in black?').products).toEqual([]);
  });

  it('only routes to the cards it is given', () => {
    const enabled = cards.filter((c) => c.name !== 'ProductExpertAgent');
    const p = plan('Do you have any red sneakers in size 9?', { cards: enabled });
    expect(p.tasks.map((t) => t.agent)).not.toContain('ProductExpertAgent');
    expect(p.tasks.every((t) => enabled.some((c) => c.name === t.agent) || t.agent === 'GeneralSupportAgent')).toBe(
      true,
    );
  });

  it('does not route on a request the shopper rules out', () => {
    expect(agents("I don't want to cancel anything, I only need the tracking number for my order")).toEqual([
      'OrderManagementAgent',
    ]);
    expect(agents("not asking for a refund, I'd just like to know where my package is")).toEqual([
      'OrderManagementAgent',
    ]);
  });

  it('keeps a question with words of its own as its own task, next to a statement-led neighbour', () => {
    expect(agents('please check order #W1234567 and tell me which payment methods you accept')).toEqual([
      'OrderManagementAgent',
      'GeneralSupportAgent',
    ]);
    expect(agents('my lamp came cracked, and I was also wondering whether you sell lampshades')).toEqual([
      'ReturnsAgent',
      'ProductExpertAgent',
    ]);
  });

  it('answers "can I return something I bought" as a policy question, not as a return to start', () => {
    expect(agents('can I return items I bought in a sale?')).toEqual(['GeneralSupportAgent']);
    expect(agents('I want to return the kettle I bought last week')).toEqual(['ReturnsAgent']);
  });

  it('reads "when will it arrive?" as an order on its way, not one to send back', () => {
    expect(agents('can u tell me when W7273336 will arrive')).toEqual(['OrderManagementAgent']);
    expect(agents('When is order W5432198 going to be delivered?')).toEqual(['OrderManagementAgent']);
    expect(agents('any idea when my stuff will be delivered? order 8822119')).toEqual(['OrderManagementAgent']);
    expect(agents('where is W2222222')).toEqual(['OrderManagementAgent']);
    // What did not arrive is the refund: the returns card follows it up.
    expect(agents('I never received my refund for W7777777')).toEqual(['ReturnsAgent']);
    expect(agents('the package arrived but the mug inside was shattered')).toEqual(['ReturnsAgent']);
  });

  it('reads a terse product request as a search: "need new headphones, noise cancelling, under 300", "headphones"', () => {
    expect(agents('need new headphones, noise cancelling, under 300')).toEqual(['ProductExpertAgent']);
    expect(agents('want a new backpack')).toEqual(['ProductExpertAgent']);
    expect(agents('headphones')).toEqual(['ProductExpertAgent']);
    expect(agents('red sneakers size 9')).toEqual(['ProductExpertAgent']);
    // "Cancelling" in the feature's name cancels nothing; an order to cancel still is one.
    expect(agents('I want to cancel my noise cancelling headphones order W2417020')).toEqual(['OrderManagementAgent']);
    expect(agents('need a refund')).toEqual(['ReturnsAgent']);
    expect(agents('order')).not.toContain('ProductExpertAgent');
  });

  it('reads "tell me when the fleece jacket is back" as a back-in-stock alert, not "when will it arrive"', () => {
    expect(agents('tell me when the fleece jacket is back')).toEqual(['LeadGenerationAgent']);
    expect(agents('can u tell me when W7273336 will arrive')).toEqual(['OrderManagementAgent']);
    expect(agents('tell me when my order is back in the warehouse')).not.toContain('LeadGenerationAgent');
  });

  it('reads services and deals as questions for the help articles, and "an update on order #W…" as where it is', () => {
    expect(agents('Could you please provide an update on order #W9911223?')).toEqual(['OrderManagementAgent']);
    expect(agents('I would like to leave my email for updates')).toEqual(['LeadGenerationAgent']);
    // A gift wrap, a gift receipt and a restocking fee are the shop's services and rules, not presents or stock.
    expect(agents('do you offer gift wrapping?')).toEqual(['GeneralSupportAgent']);
    expect(agents('can I get a gift receipt')).toEqual(['GeneralSupportAgent']);
    expect(agents('Is there a restocking fee?')).toEqual(['GeneralSupportAgent']);
    expect(agents('I need a birthday gift for my mom')).toEqual(['UpsellAgent']);
    // What deals there are, and why a code fails, the articles say; asking to be sent them is a sign-up.
    expect(agents('any special offers on headphones?')).toEqual(['GeneralSupportAgent']);
    expect(agents('my discount code SAVE20 doesnt apply')).toEqual(['GeneralSupportAgent']);
    expect(agents('can you sign me up for deals?')).toEqual(['LeadGenerationAgent']);
    expect(agents('email me about discounts')).toEqual(['LeadGenerationAgent']);
  });

  it('gives a tie to the card that owns the action asked for, and a question tie to the default card', () => {
    expect(agents('I want to exchange my mechanical keyboard for one with brown switches')).toEqual(['ReturnsAgent']);
    expect(agents('do you price match?')).toEqual(['GeneralSupportAgent']);
  });

  it("asks the knowledge base when the shop's people work, and a person for whoever asks to be put through", () => {
    expect(agents('what time does customer service close today')).toEqual(['GeneralSupportAgent']);
    expect(agents('is customer service open on sundays?')).toEqual(['GeneralSupportAgent']);
    expect(agents('when is customer service available?')).toEqual(['GeneralSupportAgent']);
    // A "when" about something else is no question of hours: the shopper still asks for a person.
    expect(agents('can a person help me? my order never arrived when promised')).toContain('HumanTransferAgent');
    expect(agents('I want to talk to customer service')).toEqual(['HumanTransferAgent']);
    expect(agents('this bot is useless, connect me with support staff')).toEqual(['HumanTransferAgent']);
    expect(agents('put me through to a staff member please')).toEqual(['HumanTransferAgent']);
  });

  it('keeps a bare "any recommendations?" with the search it follows', () => {
    expect(agents('looking for a waterproof backpack for hiking, any recommendations?')).toEqual([
      'ProductExpertAgent',
    ]);
    expect(agents('searching for a cheap desk lamp, suggestions?')).toEqual(['ProductExpertAgent']);
    expect(agents('I bought the espresso machine last month, what else should I get for it?')).toEqual(['UpsellAgent']);
  });

  it('reads a wrong item that has not shipped as a change to the order, and one that came as a return', () => {
    expect(agents("I ordered the wrong size sneakers, they haven't shipped yet, can I change to a 9?")).toEqual([
      'OrderManagementAgent',
    ]);
    expect(agents('got a different color than what I picked, order W4444444')).toEqual(['ReturnsAgent']);
    expect(agents("the charger you sent doesn't fit my phone, wrong model")).toEqual(['ReturnsAgent']);
  });

  it('reads a phone as a way to reach the shop only when the words say so', () => {
    expect(agents('How can I contact you by phone?')).toEqual(['GeneralSupportAgent']);
    expect(agents("what's your phone number")).toEqual(['GeneralSupportAgent']);
    expect(agents("the charger doesn't fit my phone, it's the wrong one")).toEqual(['ReturnsAgent']);
  });

  it('compares products for the product card and services for the knowledge base, "between A and B" as one piece', () => {
    expect(agents("what's the difference between the two air fryers you sell")).toEqual(['ProductExpertAgent']);
    expect(agents("what's the difference between standard and express shipping?")).toEqual(['GeneralSupportAgent']);
  });

  it('reads a shop that wants to sell our products as a sales enquiry, and a threat to dispute a charge as a grievance', () => {
    expect(agents("we'd like to stock your products in our store")).toEqual(['LeadGenerationAgent']);
    expect(agents('do you stock wool blankets?')).toEqual(['ProductExpertAgent']);
    expect(agents("refund me now or I'm disputing the charge with my bank")).toEqual(['HumanTransferAgent']);
  });

  it('treats an order of hundreds as a sales enquiry', () => {
    expect(agents('our office would like to buy 300 notebooks')).toEqual(['LeadGenerationAgent']);
    expect(agents('do you have 2 notebooks in blue?')).toEqual(['ProductExpertAgent']);
  });

  it('gives the story of an escalation to the person it asks for', () => {
    expect(agents("I've asked three times already and nobody answered, let me speak to a human")).toEqual([
      'HumanTransferAgent',
    ]);
  });

  it('reads "the third time" as how often, not as a question about time', () => {
    const p = plan('This is the third time my refund failed');
    expect(p.tasks.map((t) => [t.agent, t.statusMessage])).toEqual([['ReturnsAgent', 'Looking into your refund...']]);
    expect(plan('Every time I try to pay, the card is declined').tasks[0]!.statusMessage).not.toContain('time');
  });

  it("asks the knowledge base about the shop's delivery, and looks up the shopper's own order", () => {
    const status = (message: string) => plan(message).tasks.map((t) => t.statusMessage);
    const lookup = 'Checking on the status of your order...';
    for (const question of [
      'Do you offer free delivery?',
      'How long do orders take to ship?',
      'Do you deliver to Canada?',
    ])
      expect(status(question), question).not.toContain(lookup);
    for (const mine of ['When will my delivery arrive?', "the parcel still hasn't arrived", 'has my order shipped yet'])
      expect(status(mine), mine).toEqual([lookup]);
  });

  it('asks the card that tracks orders where a thing of the shopper’s is, even when "it" is all it is called', () => {
    for (const mine of [
      'Has it shipped yet?',
      'is it on its way',
      'Have they sent it out yet?',
      "Where's my stuff?",
      'Did my parcel arrive?',
      'is the parcel on the way',
    ])
      expect(agents(mine), mine).toEqual(['OrderManagementAgent']);
    // How shipping works, and a return's own progress, stay where they were.
    for (const question of ['Does it ship to Canada?', 'Do you ship internationally?', 'How long does delivery take?'])
      expect(agents(question), question).toEqual(['GeneralSupportAgent']);
    expect(agents('Has my return arrived at your warehouse?')).toEqual(['ReturnsAgent']);
    // By what a card says it does, not its name.
    const renamed = cards.map((c) =>
      c.name === 'OrderManagementAgent'
        ? { ...c, name: 'ParcelDeskAgent', skills: ['shipment tracking', 'order status'] }
        : c,
    );
    expect(agents('Has it shipped yet?', { cards: renamed })).toEqual(['ParcelDeskAgent']);
  });

  it('keeps a policy question of its own apart from the refund before it', () => {
    // Its words score the orders and the returns card alike: that is no lean to the refund's card.
    for (const message of [
      'This is the third time my refund failed. Do you offer free delivery?',
      'My refund failed. How long do orders take to ship?',
    ])
      expect(
        plan(message).tasks.map((t) => t.agent),
        message,
      ).toEqual(['ReturnsAgent', 'GeneralSupportAgent']);
  });

  it('keeps a refund of a named item apart from a cancellation next to it', () => {
    expect(agents('refund me for the broken blender, and cancel my pending order #W7654321')).toEqual([
      'ReturnsAgent',
      'OrderManagementAgent',
    ]);
  });

  it('takes a request for a person in a sales enquiry as a sales contact, but a grievance as an escalation', () => {
    expect(agents('our hotel needs 400 towels, is there someone I can speak with about a quote?')).toEqual([
      'LeadGenerationAgent',
    ]);
    expect(agents('I want to talk to a human, this is unacceptable')).toEqual(['HumanTransferAgent']);
  });

  it('does not send an order that has not reached the shopper to the card for delivered orders', () => {
    expect(agents('I picked the wrong size of boots, can I swap them before they ship?')).toEqual([
      'OrderManagementAgent',
    ]);
    expect(agents("the parcel still hasn't arrived, and I'd like to return a kettle from an older order")).toEqual([
      'OrderManagementAgent',
      'ReturnsAgent',
    ]);
  });

  it('knows a few more ways of saying things: hours, mailing lists, pairings, orders placed by someone else', () => {
    expect(agents('what time do you open on Saturday?')).toEqual(['GeneralSupportAgent']);
    expect(agents('put my address on your email list please: kai@example.com')).toEqual(['LeadGenerationAgent']);
    expect(agents('what goes great with a camping stove?')).toEqual(['UpsellAgent']);
    expect(agents('there is an order on my account I never made')).toEqual(['HumanTransferAgent']);
    expect(plan("what's 20 percent of 45")).toEqual({ refuse: true, tasks: [] });
  });

  it('names a question by its subject, not by the word "question"', () => {
    for (const message of ['Question: do you ship to Canada?', 'Quick question - what are your opening hours?']) {
      const [task] = plan(message).tasks;
      expect(task!.instruction, message).not.toMatch(/question question/i);
      expect(task!.statusMessage, message).not.toMatch(/question question/i);
    }
  });

  it('keeps a request for an order action as a task of its own beside a product question', () => {
    expect(agents("I'd like to exchange my sneakers. Do you have them in size 10?")).toEqual([
      'ReturnsAgent',
      'ProductExpertAgent',
    ]);
    // A statement that only sets the scene still joins its clear-cut neighbour.
    expect(agents('I ordered the wrong colour chair, can I change it before it ships?')).toEqual([
      'OrderManagementAgent',
    ]);
  });

  it('plans the story and the order a request is about as part of that request', () => {
    // What was bought, the order and what is wrong with it only say what the exchange is about.
    const message =
      "Hi! I bought a jacket last week, order #W2611340. It's too small, can I swap it for a bigger size?";
    expect(agents(message)).toEqual(['ReturnsAgent']);
    expect(plan(message).tasks[0]!.instruction).toMatch(/^Exchange the jacket from order #W2611340\./);
    // An order that is asked after (it has not arrived) is a request of its own beside the return.
    expect(agents("Order #W1234567 hasn't arrived yet. I also want to return the shoes from #W7654321.")).toEqual([
      'OrderManagementAgent',
      'ReturnsAgent',
    ]);
  });

  it('words a task for products asked for side by side with each of them, and what was said with each', () => {
    const p = plan('do you have red sneakers or a blue fleece jacket?');
    expect(p.tasks.map((t) => t.agent)).toEqual(['ProductExpertAgent']);
    expect(p.tasks[0]!.statusMessage).toBe('Looking for red sneakers or blue fleece jacket...');
    expect(p.tasks[0]!.instruction).toMatch(/^Find red sneakers or blue fleece jacket for the customer\./);
    expect(plan('do you sell yoga mats, dumbbell sets and water bottles?').tasks[0]!.statusMessage).toBe(
      'Looking for yoga mats, dumbbell sets and water bottles...',
    );
  });

  it('plans a story about something bought as the context of the question beside it', () => {
    const message = 'My daughter loved the headphones I bought. Do you have a matching case?';
    expect(agents(message)).toEqual(['ProductExpertAgent']);
    // The task words what is asked for, not what was bought; the shopper's whole words stay quoted.
    expect(plan(message).tasks[0]!.statusMessage).toBe('Looking for case...');
    expect(plan(message).tasks[0]!.instruction).toContain('My daughter loved the headphones I bought');
  });

  it("sends a thing of the shopper's that stopped working to returns, and a fault of the shop's own to support", () => {
    expect(agents('My headphones stopped working')).toEqual(['ReturnsAgent']);
    expect(agents("my blender won't turn on")).toEqual(['ReturnsAgent']);
    expect(agents('The checkout page is broken')).toEqual(['GeneralSupportAgent']);
    expect(agents('The discount code is not working')).toEqual(['GeneralSupportAgent']);
  });

  it('asks a question about a product detail of the product beside it, and a rule of the shop of the knowledge base', () => {
    const message = "Do you have the Nike running shoes in size 11 in red? and what's the price";
    expect(agents(message)).toEqual(['ProductExpertAgent']);
    expect(plan(message).tasks[0]!.statusMessage).toBe('Looking for red running shoes in size 11...');
    // A rule of the shop's about a kind of product is still a question for the knowledge base.
    expect(agents("what's your return window for shoes")).toEqual(['GeneralSupportAgent']);
    expect(agents('Do you have yoga mats? And how much is shipping?')).toEqual([
      'ProductExpertAgent',
      'GeneralSupportAgent',
    ]);
    // Damage in other words is still damage.
    expect(agents('the box was crushed and the lamp inside is dented')).toEqual(['ReturnsAgent']);
  });

  it('asks the orders card which orders the shopper has, and the knowledge base what they have to do', () => {
    expect(agents('What orders do I have?')).toEqual(['OrderManagementAgent']);
    expect(agents('Do I have any other orders?')).toEqual(['OrderManagementAgent']);
    expect(agents('What do I have to do to return something?')).toEqual(['GeneralSupportAgent']);
  });

  it('gives the money back of a billing complaint to the person sorting it out, and a refund policy question to the knowledge base', () => {
    expect(agents('I was charged twice. Can I get my money back?')).toEqual(['HumanTransferAgent']);
    expect(agents('I want to talk to a person. What is your refund policy?')).toEqual([
      'HumanTransferAgent',
      'GeneralSupportAgent',
    ]);
    // Beside a return, the refund stays with the return.
    const broken = plan(
      'My coffee maker arrived broken and I want a refund. This is ridiculous, I want to speak to a manager',
    );
    expect(broken.tasks.map((t) => t.agent)).toEqual(['ReturnsAgent', 'HumanTransferAgent']);
    expect(broken.tasks[0]!.instruction).toContain('I want a refund');
  });

  it('is deterministic', () => {
    const message = 'Cancel order #W5918442 and sign me up for the newsletter';
    expect(plan(message)).toEqual(plan(message));
    expect(JSON.stringify(plan(message))).toBe(JSON.stringify(plan(message)));
  });

  it('gives a detail said right after a held change to the card that proposed it, and a new question to its own', () => {
    const held = { held: { agentName: 'ReturnsAgent', messagesAfter: 0 } };
    expect(agents('to the gift card please', held)).toEqual(['ReturnsAgent']);
    expect(agents('in size 11 then', held)).toEqual(['ReturnsAgent']);
    expect(agents('do you sell these boots in blue?', held)).toEqual(['ProductExpertAgent']);
    // Once a message came between, the detail is not the proposal's any more.
    expect(agents('to the gift card please', { held: { agentName: 'ReturnsAgent', messagesAfter: 1 } })).not.toEqual([
      'ReturnsAgent',
    ]);
  });

  it('reads a message that names an order and nothing else decisive as a question about that order', () => {
    expect(agents('has #W6460787 left the warehouse')).toEqual(['OrderManagementAgent']);
    // "delivered order" is a phrase of the returns card's; an id says "order" too weakly to complete it.
    expect(agents('is #W2974929 out for delivery')).toEqual(['OrderManagementAgent']);
    expect(agents('I want to return #W4435622')).toEqual(['ReturnsAgent']);
  });

  it("takes a sales enquiry's terms with the enquiry, and a capacity for no person", () => {
    expect(agents("We're a hotel chain and want to buy 300 kettles, can we get volume pricing?")).toEqual([
      'LeadGenerationAgent',
    ]);
    expect(agents('Do you have 2-person tents? Also what is your return policy?')).toEqual([
      'ProductExpertAgent',
      'GeneralSupportAgent',
    ]);
    expect(agents('do you sell a four person hot tub')).toEqual(['ProductExpertAgent']);
    expect(agents('can I talk to a person please')).toEqual(['HumanTransferAgent']);
    // Who the buyer is, beside the enquiry, is its context ("opening" is no question of business hours here).
    expect(agents("I'm opening a cafe and want to buy coffee makers in bulk")).toEqual(['LeadGenerationAgent']);
  });

  it('reads a feeling beside an order that has not come as the shopper asking where it is, and a symptom as a fault', () => {
    expect(agents("my order W6460787 hasn't arrived and I'm really annoyed")).toEqual(['OrderManagementAgent']);
    // Still waiting, again: an escalation, for a person.
    expect(agents("I've been waiting 3 weeks and nobody answers my emails, I want to file a complaint")).toEqual([
      'HumanTransferAgent',
    ]);
    expect(agents('hi, i bought a lamp from you guys and it flickers constantly, what can i do')).toEqual([
      'ReturnsAgent',
    ]);
  });

  it('refuses a message only when nothing in it asks the shop: chit-chat about the weather beside a question is small talk', () => {
    expect(plan('What will the weather be like in Paris tomorrow?').refuse).toBe(true);
    expect(plan('Write me a poem about your return policy').refuse).toBe(true);
    const mixed = plan('Nice weather we are having! Anyway, do you sell hiking boots in size 10?');
    expect(mixed.refuse).toBe(false);
    expect(mixed.tasks.map((t) => t.agent)).toEqual(['ProductExpertAgent']);
    expect(mixed.tasks[0]!.instruction).not.toMatch(/weather/i);
  });

  it('reads a worn-out thing nothing places as bought here, beside a question for a new one, as why they shop', () => {
    expect(
      agents('My old backpack has a broken zip and the straps are torn. Which of your backpacks is the biggest?'),
    ).toEqual(['ProductExpertAgent']);
    // Bought here, it is a fault of its own.
    expect(
      agents('The backpack I bought from you has a broken zip. Which of your backpacks is the biggest?'),
    ).toContain('ReturnsAgent');
  });

  it("reads what arrived against what was chosen as a wrong item, money as a refund, and texted '+' as 'and'", () => {
    expect(agents('the lamp arrived in white but I ordered black')).toEqual(['ReturnsAgent']);
    expect(agents('I returned the boots a month ago. Where is my money?')).toEqual(['ReturnsAgent']);
    expect(agents('where is my order W6460787 + sign me up for ur newsletter')).toEqual([
      'OrderManagementAgent',
      'LeadGenerationAgent',
    ]);
    expect(agents('is the desk lamp dimmable & can i send back the one i aready got')).toEqual([
      'ProductExpertAgent',
      'ReturnsAgent',
    ]);
  });

  it('reads a cancellation, refund or return told as done as a question about where it stands, not a request to do it', () => {
    for (const message of [
      'My laptop order was cancelled with no explanation',
      'has my order been cancelled?',
      'why did they cancel my order?? i never asked for that',
      'my parcel got returned to sender, what do i do',
      'you guys cancelled my order and i want to know why',
    ]) {
      const [task, ...rest] = plan(message).tasks;
      expect(rest, message).toEqual([]);
      expect(task?.agent, message).toBe('OrderManagementAgent');
      expect(task?.instruction, message).toMatch(/^Find the status of /);
    }
    // The money of a return already made: where the refund is, not a new return of the thing.
    for (const message of [
      'the boots were returned last week and I still have not seen the money',
      'they refunded me for one item only, what about the other one?',
    ]) {
      const [task, ...rest] = plan(message).tasks;
      expect(rest, message).toEqual([]);
      expect(task?.agent, message).toBe('ReturnsAgent');
      expect(task?.instruction, message).toMatch(/^Help the customer with a refund /);
    }
    // Asked as well as told, or asked alone: a cancellation to make.
    for (const message of ['it was cancelled, please cancel the other one too', 'can my order be cancelled?'])
      expect(plan(message).tasks[0]?.instruction, message).toMatch(/^Cancel /);
    // Told as the reason for an escalation, it goes to the person with it.
    expect(
      agents("Worst service I've had. My laptop order was cancelled with no explanation. I'd like this escalated."),
    ).toEqual(['HumanTransferAgent']);
  });

  it("sends a question of a product's make, options or price about an item pointed at and not named to the catalogue", () => {
    // No answer before says what the list was; only goods have a colour, a price or stock.
    for (const message of ['is the 3rd one in stock?', 'what colour is that one', 'how much does the last one cost'])
      expect(agents(message), message).toEqual(['ProductExpertAgent']);
    // A pick that asks nothing of goods is not a product question.
    expect(agents('cancel the first one')).toEqual(['OrderManagementAgent']);
    expect(agents('the second one please')).toEqual(['GeneralSupportAgent']);
  });

  it('sends "what else should I get" beside a thing of the shopper\'s to the card that recommends, however it is asked', () => {
    for (const message of [
      'bought a tent, what else do i need to bring',
      'just ordered a road bike, what else should we get for it?',
      'which cases would be good buying along with the tablet?',
    ])
      expect(agents(message), message).toEqual(['UpsellAgent']);
    // "What else" asking no purchase is not one.
    expect(agents('what else can you help me with?')).not.toContain('UpsellAgent');
  });
});

describe('planFromBrief: how shoppers put things', () => {
  it('reads stock asked after in other words as a back-in-stock alert', () => {
    for (const message of [
      'when will you have the canvas tote again?',
      'can I get the linen shirt in XL again at some point',
      'do the green trail runners ever come bak',
      'the camping lantern sold out so fast, are you getting more?',
      'any plans to restock the ceramic mugs',
      'lmk when the wool socks r back',
    ])
      expect(agents(message), message).toEqual(['LeadGenerationAgent']);
    // Coming again that is no stock: a charge, a return, a thing sent back.
    expect(agents('will I be charged again for the same order?')).not.toContain('LeadGenerationAgent');
    expect(agents('how long do I have to bring it back?')).not.toContain('LeadGenerationAgent');
  });

  it('takes goods told as sold out as what an alert is for, and a question whether they are in stock as its own', () => {
    expect(agents('the red rain jacket is out of stock, can you email me when it is back?')).toEqual([
      'LeadGenerationAgent',
    ]);
    expect(agents("the standing desk shows unavailable and I really can't keep checking every day")).toEqual([
      'LeadGenerationAgent',
    ]);
    expect(agents('is the camping stove in stock? if not, email me when it is back')).toEqual([
      'ProductExpertAgent',
      'LeadGenerationAgent',
    ]);
  });

  it('gives a card no message for a verb any request uses ("buy"), only with its object', () => {
    const giftCards = topicCard('GiftCardAgent', 'Sells gift cards.', ['buy a gift card', 'gift card balance']);
    const withGiftCards = { cards: [...cards, giftCards] };
    expect(agents('do you sell hammocks? I would buy one today', withGiftCards)).toEqual(['ProductExpertAgent']);
    expect(agents('I want to buy a gift card for my nephew', withGiftCards)).toEqual(['GiftCardAgent']);
  });

  it('hands a charge taken twice, a threat of the law and a shopper turning the bot down to a person', () => {
    for (const message of [
      'you took payment twice for my last order',
      'My statement shows a duplicate charge from your shop',
      'my solicitor will hear about this',
      "fine, I'll just file a claim with trading standards then",
      "I don't want to type all this into a chatbot. Is one of your staff around?",
      "I'm done with this robot",
    ])
      expect(agents(message), message).toEqual(['HumanTransferAgent']);
    // How to reach the shop's people is a question for its help articles, however the shopper would reach them.
    expect(agents('how can I ring your customer service people?')).toEqual(['GeneralSupportAgent']);
    // A payment changed, or split in two, is no billing error.
    expect(agents('can I pay for a sofa in two payments?')).not.toContain('HumanTransferAgent');
    expect(agents('I paid with paypal, can I switch order #W2974929 to my visa?')).toEqual(['OrderManagementAgent']);
  });

  it('sends a need told as the trouble the shopper lives with to the catalogue, and a thing bought here that fails to returns', () => {
    for (const message of [
      'my shoulders get stiff from carrying my laptop bag all day',
      'we are always losing the tv remote between the sofa cushions',
      "it's so dark in our hallway that I trip over the shoes every night",
      'my earbuds are dying halfway through my commute',
    ])
      expect(agents(message), message).toEqual(['ProductExpertAgent']);
    expect(agents('the earbuds I bought from you keep dying after ten minutes')).toEqual(['ReturnsAgent']);
    // "By the time" tells when, and asks nothing about time.
    expect(agents('my coffee is cold by the time I get to the office')).not.toContain('GeneralSupportAgent');
  });

  it('asks the orders card where a thing is when the product is only the story of the order', () => {
    for (const message of [
      'splashed out on a new rice cooker a week ago and it still has not turned up',
      'Treated my mum to a foot spa for her birthday. Any idea when it will show up?',
      'got the camping chairs on saturday... they are still not here',
    ])
      expect(agents(message), message).toEqual(['OrderManagementAgent']);
  });

  it('reads a return the shopper already sent as asking where it stands, for the returns card, not a parcel or a new return', () => {
    for (const message of [
      'mailed the blender back to you on the 2nd and have not heard anything',
      "I dropped the rug back at the post office last week, what's happening with it?",
      'my refund for the speaker I shipped back has not come through',
    ])
      expect(agents(message), message).toEqual(['ReturnsAgent']);
    // Sent back by the carrier is where a parcel is.
    expect(agents('my parcel got returned to the sender, why?')).toEqual(['OrderManagementAgent']);
  });

  it('reads a move or a mistyped part of the address, told as a story, as a change of address for the orders card', () => {
    for (const message of [
      "we've moved to Leeds and my order is still set to ship to our old flat",
      'I put the wrong flat number in when I checked out, it is 7 not 1',
      'my account still lists my previous apartment',
    ])
      expect(agents(message), message).toEqual(['OrderManagementAgent']);
  });

  it("gives a card added for a thing what is asked of that thing, over the orders card's account details", () => {
    const vouchers = topicCard('GiftVoucherAgent', 'Looks after the gift cards customers hold.', [
      'sell gift cards',
      'check a gift card balance',
      'replace a lost gift card',
    ]);
    const withVouchers = { cards: [...cards, vouchers] };
    expect(agents("what's left on my gift card from christmas?", withVouchers)).toEqual(['GiftVoucherAgent']);
    expect(agents('I would like to order a gift card for my teacher', withVouchers)).toEqual(['GiftVoucherAgent']);
    expect(agents("I can't find the gift card my son gave me, could you replace it?", withVouchers)).toEqual([
      'GiftVoucherAgent',
    ]);
    // Without such a card, the account's gift card is the orders card's to read.
    expect(agents("what's left on my gift card from christmas?")).toEqual(['OrderManagementAgent']);
  });

  it("sends the rules of returns asked in general to the knowledge base, and a return of the shopper's own to returns", () => {
    for (const message of [
      'is there a time limit to give back something I bought?',
      'how many days to send stuff back once it has arrived?',
      'can I send things back if I just change my mind?',
    ])
      expect(agents(message), message).toEqual(['GeneralSupportAgent']);
    expect(agents('I want to give back the lamp from order #W2611340, it flickers')).toEqual(['ReturnsAgent']);
  });

  it('reads "ping me" or "text me" about deals as a sign-up', () => {
    expect(agents('can you ping me when your summer deals start?')).toEqual(['LeadGenerationAgent']);
    // Asking what deals there are is still a question for the knowledge base.
    expect(agents('any deals on at the moment?')).toEqual(['GeneralSupportAgent']);
  });

  it('keeps each request of a message with two as a task of its own', () => {
    expect(agents('please cancel #W2611340. I also wonder whether the desk lamp comes in brass')).toEqual([
      'OrderManagementAgent',
      'ProductExpertAgent',
    ]);
    expect(agents('you got any tents for 4 people? and wat else do i need w it')).toEqual([
      'ProductExpertAgent',
      'UpsellAgent',
    ]);
    expect(agents('my backpack arrived ripped, and the lamp from my other order still has not turned up')).toEqual([
      'ReturnsAgent',
      'OrderManagementAgent',
    ]);
    expect(agents('I need a birthday gift for my nephew who loves lego. Also, do you wrap presents?')).toEqual([
      'UpsellAgent',
      'GeneralSupportAgent',
    ]);
    // "Can you check?" after an order is that order's.
    expect(agents('my order from last week has no tracking yet, can you check?')).toEqual(['OrderManagementAgent']);
  });

  it('reads whether the shop got a return sent, and the order it is from, as part of that return', () => {
    expect(
      agents(
        'I got a lamp and a kettle together (order #W2611340), kept the lamp, and mailed the kettle back last week. Can you check whether it has arrived with you?',
      ),
    ).toEqual(['ReturnsAgent']);
  });

  it('reads asking for the shop\'s news by email as a sign-up, and "got a bigger one?" as a search for another', () => {
    expect(agents('please can I receive your news by email, lee.park@example.com')).toEqual(['LeadGenerationAgent']);
    expect(agents('my dog chewed through his leash, u got a stronger one?')).toEqual(['ProductExpertAgent']);
  });
});
