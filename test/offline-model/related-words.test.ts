import { describe, expect, it } from 'vitest';
import { buildCardIndex, scoreCards } from '../../offline-model/src/card-scorer.js';
import { stem } from '../../offline-model/src/text-features.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { asCard, plannedAgents, topicCard } from './task-harness.js';

/**
 * A card added as a row is asked for in the shopper's everyday words, not the designer's: "mend" for a card's
 * "repair", "borrow" for its "rent", "in three goes" for its "instalments". These cards and messages are invented here;
 * no code names them.
 */
const toolHire = topicCard(
  'ToolLibraryAgent',
  'Rents out power tools and ladders to customers by the day, with deposits held until they come back.',
  ['rent a power tool', 'tool rental deposits', 'extend a rental'],
);
const cobbler = topicCard('ShoeCareAgent', 'Repairs and resoles worn footwear bought from us.', [
  'shoe repairs',
  'resoling and heel repair',
]);
const layaway = topicCard('PayLaterAgent', 'Lets customers pay for big purchases in instalments.', [
  'pay in instalments',
]);
const fitter = topicCard('HomeFittingAgent', 'Sends a fitter to install blinds and curtains at home.', [
  'install blinds',
  'curtain installation visits',
]);
const builtins = builtinCards.map(asCard);
const agents = plannedAgents;

describe("everyday words for a card's words", () => {
  it("matches a card's topic in the words shoppers use for it", () => {
    const index = buildCardIndex([toolHire, cobbler, layaway, fitter]);
    const terms = (name: string) => index.profiles.find((p) => p.name === name)!.terms;
    expect(terms('ToolLibraryAgent').has(stem('borrow'))).toBe(true);
    expect(terms('ShoeCareAgent').has(stem('mend'))).toBe(true);
    // Weaker than the card's own word: the shopper's word is a guess at the card's.
    expect(terms('ShoeCareAgent').get(stem('mend'))!).toBeLessThan(terms('ShoeCareAgent').get(stem('repair'))!);
  });

  it('reads the word as the card writes it, so words that stem alike keep their own meanings', () => {
    // "instalments" and "install" share a stem; a payment card is not asked to mount things, nor a fitter to split bills.
    const index = buildCardIndex([layaway, fitter]);
    const terms = (name: string) => index.profiles.find((p) => p.name === name)!.terms;
    expect(terms('PayLaterAgent').has(stem('chunk'))).toBe(true);
    expect(terms('PayLaterAgent').has(stem('mount'))).toBe(false);
    expect(terms('HomeFittingAgent').has(stem('mount'))).toBe(true);
    expect(terms('HomeFittingAgent').has(stem('chunk'))).toBe(false);
  });

  it('routes a message in those words to the added card', () => {
    expect(agents('could I borrow a ladder for the weekend?', toolHire)).toEqual(['ToolLibraryAgent']);
    expect(agents('can you mend the sole of my boots?', cobbler)).toEqual(['ShoeCareAgent']);
    expect(agents('can I pay for the sofa in three chunks', layaway)).toEqual(['PayLaterAgent']);
  });

  it('relates one way only: a card that says "fix" is not the card for "repairs"', () => {
    const fixer = topicCard('SetupHelpAgent', 'Helps customers fix settings on smart devices.', [
      'fix device settings',
    ]);
    const index = buildCardIndex([fixer]);
    expect(index.profiles[0]!.terms.has(stem('repair'))).toBe(false);
  });
});

describe('a related word for what a card is about', () => {
  it('outweighs the same word written once in passing on another card', () => {
    const workshop = topicCard('BikeRepairAgent', 'Repairs bikes: punctures, brakes and gears.', [
      'book a bike repair',
      'repair prices',
    ]);
    const warrantyDesk = topicCard('CoverageAgent', 'Says what a product guarantee entitles the customer to.', [
      'guarantee remedies: fix, new one or money back',
    ]);
    const index = buildCardIndex([...builtins, workshop, warrantyDesk]);
    const scores = scoreCards(index, index.analyze('can you fix my wheel'));
    expect(scores[0]!.agent).toBe('BikeRepairAgent');
  });
});
