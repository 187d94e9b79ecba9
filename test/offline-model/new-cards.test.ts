import { describe, expect, it } from 'vitest';
import { derivationBase } from '../../offline-model/src/card-scorer.js';
import { planFromBrief } from '../../offline-model/src/offline-planner.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { asCard, topicCard } from './task-harness.js';

/**
 * "A new specialist is a database row": a card a designer adds for one topic, with no tools and nothing but its
 * name, description and skills, gets the questions on that topic from the stand-in planner, and the built-in cards
 * keep theirs.
 */
const added = [
  topicCard(
    'WarrantyAgent',
    'Product warranty: what the warranty covers, how long it lasts, and claims or repairs for defective products.',
    ['warranty coverage and length', 'warranty claims for broken or defective products', 'repairs under warranty'],
  ),
  topicCard(
    'LoyaltyAgent',
    'Our Trailhead Rewards loyalty program: points balance, earning and redeeming points, member tiers.',
    ['loyalty points balance', 'earning and redeeming reward points', 'membership tiers and perks'],
  ),
  topicCard(
    'StoreLocatorAgent',
    'Our physical stores: where they are, opening hours of each store, and in-store pickup.',
    ['store locations near the shopper', 'opening hours of physical stores', 'in-store pickup'],
  ),
  topicCard(
    'RentalAgent',
    'Gear rental: renting tents, kayaks and ski equipment by the day or week, rental prices and deposits.',
    ['gear rental', 'rental prices and deposits', 'extend or return a rental'],
  ),
  topicCard('PressAgent', 'Media and press enquiries, interviews, brand partnerships and sponsorships.', [
    'press enquiries',
    'sponsorship requests',
    'brand partnerships',
  ]),
];
const builtins = builtinCards.map(asCard);
const agents = (message: string, cards = [...builtins, ...added]) =>
  planFromBrief({ message, history: [], cards, defaultAgent: 'GeneralSupportAgent' }).tasks.map((t) => t.agent);

describe('cards added as rows', () => {
  it('gives a card the questions that use a word only it has, rather than the knowledge base', () => {
    for (const [question, card] of <[string, string][]>[
      ['how many points do I have?', 'LoyaltyAgent'],
      ['do I earn points on sale items?', 'LoyaltyAgent'],
      ['is there a store near Denver?', 'StoreLocatorAgent'],
      ['can I rent a kayak for the weekend?', 'RentalAgent'],
      ['do you rent camping gear', 'RentalAgent'],
      ['how much is the deposit on a tent?', 'RentalAgent'],
    ])
      expect(agents(question), question).toEqual([card]);
    // Without those cards, the same questions are the knowledge base's, as before.
    expect(agents('how many points do I have?', builtins)).toEqual(['GeneralSupportAgent']);
    expect(agents('can I rent a kayak for the weekend?', builtins)).toEqual(['GeneralSupportAgent']);
  });

  it('leaves a question with the knowledge base when its card matched a word the other card lacks', () => {
    // Only the product card speaks of comparisons, but the question is about shipping.
    expect(agents("what's the difference between standard and express shipping?")).toEqual(['GeneralSupportAgent']);
    // "do you have" reads as a search and "offer" as a promotion: synonyms' readings are no card's own word.
    expect(agents('do you offer gift wrapping?')).toEqual(['GeneralSupportAgent']);
    expect(agents('do you have other payment options')).toEqual(['GeneralSupportAgent']);
  });

  it('gives the question about a rule to the card named for that rule, and other rules to the knowledge base', () => {
    expect(agents('what does the warranty cover?')).toEqual(['WarrantyAgent']);
    expect(agents('Is my warranty still valid after a year?')).toEqual(['WarrantyAgent']);
    expect(agents('what does the warranty cover?', builtins)).toEqual(['GeneralSupportAgent']);
    // The returns card acts on returns; the return policy is still the knowledge base's, with or without the new cards.
    expect(agents("What's your return policy?")).toEqual(['GeneralSupportAgent']);
    expect(agents('how long do I have to send something back?')).toEqual(['GeneralSupportAgent']);
  });

  it('matches the verb a shopper asks with to the noun a card is described with', () => {
    expect(derivationBase('rental')).toBe('rent');
    expect(derivationBase('sponsorship')).toBe('sponsor');
    expect(derivationBase('membership')).toBe('member');
    expect(derivationBase('donation')).toBe('donate');
    expect(derivationBase('removal')).toBe('remove');
    expect(derivationBase('referral')).toBe('refer');
    expect(derivationBase('safety')).toBe('safe');
    expect(derivationBase('variety')).toBeUndefined();
    // Not every such ending is a suffix: the rest must be a word.
    expect(derivationBase('total')).toBeUndefined();
    expect(derivationBase('question')).toBeUndefined();
    expect(derivationBase('general')).toBeUndefined();
    expect(agents('would you sponsor our climbing team?')).toEqual(['PressAgent']);
    expect(agents('What perks do gold members get?')).toEqual(['LoyaltyAgent']);
  });

  it("reads another shopper as a third party, not as a person to talk to: a card about 'someone's registry' takes no escalation", () => {
    const registry = topicCard(
      'RegistryAgent',
      'Wedding and baby registries: we help couples set one up, and help guests buy from them.',
      ["find someone's registry", 'someone else buying from my registry'],
    );
    const cards = [...builtins, registry];
    expect(agents('this bot is useless, get me someone who can actually help', cards)).toEqual(['HumanTransferAgent']);
    expect(agents('can somebody call me back?', cards)).toEqual(['HumanTransferAgent']);
    // The someone who did something is a third party too.
    expect(agents('someone already bought the lamp from my registry, is it marked as taken?', cards)).toEqual([
      'RegistryAgent',
    ]);
  });

  it('keeps what the built-in cards do beside the added ones', () => {
    for (const [message, card] of <[string, string][]>[
      ["where's my order #W2611340?", 'OrderManagementAgent'],
      ['cancel my order #W2611340', 'OrderManagementAgent'],
      ['do you have red sneakers in size 9?', 'ProductExpertAgent'],
      ['I want to return the boots from order #W4817420', 'ReturnsAgent'],
      ['what payment methods do you accept?', 'GeneralSupportAgent'],
      ['do you ship to Canada?', 'GeneralSupportAgent'],
      ['what are your business hours?', 'GeneralSupportAgent'],
      ['I want to talk to a person', 'HumanTransferAgent'],
    ])
      expect(agents(message), message).toEqual([card]);
  });

  it('gives a card named for a topic the questions about buying or doing what it does with that thing, and the knowledge base its rules', () => {
    const gift = topicCard('GiftCardAgent', 'Store gift cards: amounts, delivery by email, balance questions.', [
      'gift card amounts',
      'gift card balance',
      'sending a gift card by email',
    ]);
    const withGift = [...builtins, gift];
    // The knowledge base has a gift-card article too; these ask to buy one or for what the card does with one.
    for (const message of [
      "what's the cheapest gift card I can buy?",
      'do you sell gift cards over $500?',
      'could a gift card be emailed to my aunt on her birthday?',
    ])
      expect(agents(message, withGift), message).toEqual(['GiftCardAgent']);
    // Rules of the shop's about gift cards stay the knowledge base's, whatever card names the topic.
    for (const message of ['do gift cards expire?', 'are there fees on gift cards?', 'can I pay with a gift card?'])
      expect(agents(message, withGift), message).toEqual(['GeneralSupportAgent']);
  });

  it("names the task's topic by the card's name when the question says it, not by another word of the card", () => {
    const gift = topicCard('GiftCardAgent', 'Store gift cards: amounts, delivery by email, balance questions.', [
      'gift card amounts',
      'gift card balance',
      'sending a gift card by email',
    ]);
    const tasks = (message: string) =>
      planFromBrief({ message, history: [], cards: [...builtins, gift], defaultAgent: 'GeneralSupportAgent' }).tasks;
    // Before, the first read "the customer's emailed question", the second "amounts question".
    for (const message of [
      'Can I buy a gift card for my sister and have it emailed to her?',
      'what gift card amounts do you sell?',
    ]) {
      const [task] = tasks(message);
      expect(task?.agent, message).toBe('GiftCardAgent');
      expect(task?.instruction, message).toMatch(/^Answer the customer's gift card question\./);
    }
  });
});
