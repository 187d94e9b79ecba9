import { describe, expect, it } from 'vitest';
import { buildCardIndex } from '../../offline-model/src/card-scorer.js';
import type { PlanBrief } from '../../offline-model/src/plan-brief.js';
import { productReferred, referentOf } from '../../offline-model/src/referent.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { asCard } from './task-harness.js';

const cards = builtinCards.map(asCard);
const index = buildCardIndex(cards);

/** The referent of `message` after the shopper's `asked` and a card's `answer`. */
const referentAfter = (asked: string, answer: { agent: string; text: string }, message: string) => {
  const hints: PlanBrief = {
    message,
    cards,
    defaultAgent: 'GeneralSupportAgent',
    history: [
      { role: 'user', text: asked },
      { role: 'assistant', text: answer.text, agentName: answer.agent },
      { role: 'user', text: message },
    ],
  };
  return referentOf(index, hints, message);
};

const STATUS = {
  agent: 'OrderManagementAgent',
  text: 'Your order #W8770097 has not shipped yet: it is still being prepared. Items: Office Chair (black) $499.00.',
};
const SHOWN = {
  agent: 'ProductExpertAgent',
  text: '- Headphones: from $344.55 in stock.\n- Wireless Earbuds: from $226.49 in stock.',
};
const WHICH = {
  agent: 'LeadGenerationAgent',
  text: '2 options of that are out of stock right now:\n- Hiking Boots (size 10, leather, waterproof no)\n- Hiking Boots (size 10, leather, waterproof yes)\nWhich one should I let you know about (or all of them)? And what email address should we use?',
};

describe('referentOf: the card whose last answer named what a short follow-up refers to', () => {
  it('the order an answer was about: its amount and its changes, with the order carried', () => {
    for (const message of [
      'how much was it in total?',
      'how much will I get back?',
      'can you ship it to 12 Oak St, Austin, TX 78701 instead?',
    ])
      expect(referentAfter('where is my order?', STATUS, message), message).toEqual({
        agent: 'OrderManagementAgent',
        continues: false,
        orderId: '#W8770097',
      });
  });
  it('the products an answer showed: their prices and their details', () => {
    for (const message of ['how much are they?', 'what do those cost?', 'do they come in blue?'])
      expect(referentAfter('do you have headphones or earbuds?', SHOWN, message), message).toEqual({
        agent: 'ProductExpertAgent',
        continues: false,
      });
  });
  it('the options an answer asked which of: a pick, for the request it was asked for', () => {
    for (const message of ['both', 'the waterproof one', 'the one that is not waterproof', 'all of them'])
      expect(referentAfter("let me know when they're back", WHICH, message), message).toEqual({
        agent: 'LeadGenerationAgent',
        continues: true,
      });
  });
  it('nothing, for a message that names its own thing or asks anew', () => {
    expect(referentAfter('where is my order?', STATUS, "what's your return policy?")).toBeUndefined();
    expect(referentAfter('where is my order?', STATUS, 'how much was order #W1234567?')).toBeUndefined();
    expect(referentAfter('do you have headphones or earbuds?', SHOWN, 'thanks!')).toBeUndefined();
    // "All good" after a question of which: no pick of all of them.
    expect(referentAfter("let me know when they're back", WHICH, 'all good, thanks')).toBeUndefined();
  });
});

/** The product `message` points at after the shopper's `asked` and a card's `answer`. */
const productAfter = (asked: string, answer: { agent: string; text: string }, message: string) =>
  productReferred(
    {
      message,
      cards,
      defaultAgent: 'GeneralSupportAgent',
      history: [
        { role: 'user', text: asked },
        { role: 'assistant', text: answer.text, agentName: answer.agent },
        { role: 'user', text: message },
      ],
    },
    message,
    message,
  );

const SPEAKERS = {
  agent: 'ProductExpertAgent',
  text: 'Here is what I found for bluetooth speakers:\n- Bluetooth Speaker (blue, 20 hours, water resistance no): $271.89\n- Bluetooth Speaker (red, 20 hours, water resistance no): $285.81\n- Bluetooth Speaker (green, 10 hours, water resistance yes): $298.91',
};

describe('productReferred: the product a task points at among those the last answer showed', () => {
  it('the one kind shown, whatever points at it', () => {
    for (const message of ['how much is the blue one?', 'is it waterproof?', 'does that one come with a strap?'])
      expect(productAfter('do you have bluetooth speakers?', SPEAKERS, message)?.products, message).toEqual([
        'bluetooth speaker',
      ]);
  });
  it('among several kinds, the one in the place picked', () => {
    for (const [message, product] of [
      ['tell me more about the second one', 'wireless earbuds'],
      ['is the first one noise cancelling?', 'headphones'],
      ['notify me when the 2nd one is back', 'wireless earbuds'],
      ['what about the last one?', 'wireless earbuds'],
    ] as const)
      expect(productAfter('do you have headphones or earbuds?', SHOWN, message)?.products, message).toEqual([product]);
  });
  it('a line picked by its place brings its options; the kind asked for, the options asked', () => {
    expect(productAfter('do you have bluetooth speakers?', SPEAKERS, 'add the second one to my alert')).toEqual({
      products: ['bluetooth speaker'],
      colours: ['red'],
      sizes: [],
      materials: [],
    });
    expect(
      productAfter('do you have the hiking boots in leather, size 10?', WHICH, "let me know when they're back"),
    ).toMatchObject({ products: ['hiking boots'], sizes: ['10'], materials: ['leather'] });
  });
  it('nothing, where the words name their own thing, point at nothing, or could mean either kind', () => {
    for (const message of ['are they waterproof?', 'is the tent waterproof?'])
      expect(productAfter('do you have headphones or earbuds?', SHOWN, message), message).toBeUndefined();
    for (const message of ['which is the cheapest?', 'how long does the battery last?', 'what colours?'])
      expect(productAfter('do you have bluetooth speakers?', SPEAKERS, message), message).toBeUndefined();
    // After an answer about an order, "it" is the order (changesOrderShown), not one of its items.
    expect(productAfter('where is my order?', STATUS, 'is it waterproof?')).toBeUndefined();
  });
});
