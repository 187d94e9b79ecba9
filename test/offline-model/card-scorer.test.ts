import { describe, expect, it } from 'vitest';
import { buildCardIndex, entityConcepts, nameWords, scoreCards } from '../../offline-model/src/card-scorer.js';
import { extractEntities } from '../../offline-model/src/entity-extractor.js';
import { stem } from '../../offline-model/src/text-features.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';

const warranty = {
  name: 'WarrantyClaimAgent',
  description: 'Files warranty claims for products that broke or are defective within the warranty period.',
  skills: ['warranty claims', 'broken or defective products', 'repair or replacement under warranty'],
};
const top = (cards: typeof builtinCards | (typeof warranty)[], message: string) => {
  const index = buildCardIndex(cards);
  return scoreCards(index, index.analyze(message), entityConcepts(extractEntities(message)), 'GeneralSupportAgent');
};

describe('nameWords', () => {
  it('splits a card name into words without the Agent suffix', () => {
    expect(nameWords('OrderManagementAgent')).toEqual(['order', 'management']);
    expect(nameWords('WarrantyClaimAgent')).toEqual(['warranty', 'claim']);
  });
});

describe('scoreCards', () => {
  it('lets an unseen card win its domain over a card with a generic mention of the same topic', () => {
    const scores = top([...builtinCards, warranty], 'my blender broke after 3 months, can I claim warranty?');
    expect(scores[0]!.agent).toBe('WarrantyClaimAgent');
    const general = scores.find((s) => s.agent === 'GeneralSupportAgent')!;
    expect(scores[0]!.score).toBeGreaterThan(general.score * 1.5);
    expect(scores[0]!.matched).toEqual(expect.arrayContaining(['broke', 'claim', 'warranty']));
  });

  it('weighs specific words above words many cards share', () => {
    const index = buildCardIndex(builtinCards);
    expect(index.idf.get('refund')!).toBeGreaterThan(index.idf.get('order')!);
  });

  it('ranks by the request, not the product it is about', () => {
    expect(top(builtinCards, 'what goes well with my black fleece jacket')[0]!.agent).toBe('UpsellAgent');
    expect(top(builtinCards, 'let me know when the red sneakers are back in stock')[0]!.agent).toBe(
      'LeadGenerationAgent',
    );
    expect(top(builtinCards, 'do you have red sneakers')[0]!.agent).toBe('ProductExpertAgent');
  });

  it('scores nothing for words no card uses, and breaks ties towards the default agent', () => {
    const scores = top(builtinCards, 'lorem ipsum');
    expect(scores.every((s) => s.score === 0)).toBe(true);
    expect(scores[0]!.agent).toBe('GeneralSupportAgent');
  });
});

describe("a related word that is also the card's own word", () => {
  const bikeFix = {
    name: 'BikeFixAgent',
    description: 'Repairs bikes brought to the shop.',
    skills: ['fix a puncture', 'repair brakes'],
  };

  it('keeps its own weight: the bonus for a word related in several places is for related words only', () => {
    // "fix" is in the card's name, and the everyday word for its "repair", written in two more places.
    const terms = buildCardIndex([bikeFix]).profiles[0]!.terms;
    expect(terms.get(stem('fix'))).toBe(1.2);
  });
});
