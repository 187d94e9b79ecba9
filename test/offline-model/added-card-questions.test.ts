import { describe, expect, it } from 'vitest';
import { planFromBrief } from '../../offline-model/src/offline-planner.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { asCard, topicCard } from './task-harness.js';

/**
 * A question worded like one about the shop's rules ("do I get a refund…?", "how much do you pay…?") whose words are
 * mostly an added card's, and not the knowledge base's card's, is for that card. Cards invented here; no code names them.
 */
const priceMatch = topicCard(
  'PriceMatchAgent',
  "Matches a competitor's lower advertised price and refunds the difference after a price drop.",
  ['price match a competitor', 'refund the difference after a price drop', 'price protection window'],
);
const buyback = topicCard(
  'BuybackAgent',
  'Buys back used gear customers have outgrown and pays them cash or store credit.',
  ['sell used gear back to us', 'buyback quotes and cash payouts'],
);
const builtins = builtinCards.map(asCard);
const agents = (message: string) =>
  planFromBrief({
    message,
    history: [],
    cards: [...builtins, priceMatch, buyback],
    defaultAgent: 'GeneralSupportAgent',
  }).tasks.map((t) => t.agent);

describe("a rule-like question on an added card's topic", () => {
  it('goes to the card whose own words it uses, not the knowledge base', () => {
    expect(agents('if the price drops next week do I get a refund of the difference?')).toEqual(['PriceMatchAgent']);
    expect(agents('how much cash do you pay for used gear?')).toEqual(['BuybackAgent']);
  });

  it("keeps the shop's rules with the knowledge base, whatever an action card's words", () => {
    // The returns card owns exchanges, but whether sale items may be exchanged is the rule the knowledge base states.
    expect(agents('can sale items be exchanged')).toEqual(['GeneralSupportAgent']);
    expect(agents('how do i retrun an item')).toEqual(['GeneralSupportAgent']);
  });
});
