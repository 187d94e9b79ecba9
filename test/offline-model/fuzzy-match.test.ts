import { describe, expect, it } from 'vitest';
import { createSpellCorrector, editDistance, isFuzzyMatch } from '../../offline-model/src/fuzzy-match.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('order', 'order')).toBe(0);
    expect(editDistance('oder', 'order')).toBe(1);
    expect(editDistance('cancle', 'cancel')).toBe(1);
    expect(editDistance('refnud', 'refund')).toBe(1);
    expect(editDistance('shiping', 'shipping')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('isFuzzyMatch', () => {
  it('allows one edit from 5 letters and two from 8, none below', () => {
    expect(isFuzzyMatch('packge', 'package')).toBe(true);
    expect(isFuzzyMatch('reprisentative', 'representative')).toBe(true);
    expect(isFuzzyMatch('reccomendations', 'recommendations')).toBe(true);
    expect(isFuzzyMatch('shp', 'ship')).toBe(false);
    expect(isFuzzyMatch('colr', 'cold')).toBe(false);
    expect(isFuzzyMatch('retrun', 'return')).toBe(true);
    expect(isFuzzyMatch('retrns', 'returns')).toBe(true);
    expect(isFuzzyMatch('rtrns', 'returns')).toBe(false);
  });

  it('keeps apart real words that differ in the first or last letter', () => {
    expect(isFuzzyMatch('match', 'watch')).toBe(false);
    expect(isFuzzyMatch('charged', 'charger')).toBe(false);
  });
});

describe('createSpellCorrector', () => {
  it('corrects unknown words to the closest known word and leaves known words alone', () => {
    const correct = createSpellCorrector(['order', 'cancel', 'refund', 'orders', 'shipping']);
    expect(correct('cancle')).toBe('cancel');
    expect(correct('shiping')).toBe('shipping');
    expect(correct('order')).toBe('order');
    expect(correct('zebra')).toBe('zebra');
    expect(correct('W2611340')).toBe('W2611340');
  });

  it('leaves a plural or past form of a known word alone: "speakers" is no typo of "sneakers"', () => {
    const correct = createSpellCorrector(['speaker', 'sneakers', 'change', 'charged', 'battery']);
    expect(correct('speakers')).toBe('speakers');
    expect(correct('changed')).toBe('changed');
    expect(correct('batteries')).toBe('batteries');
    expect(correct('sneekers')).toBe('sneakers');
  });

  it('searches for at most the budget of unknown words in one message, and known words cost nothing', () => {
    const correct = createSpellCorrector(['order', 'cancel', 'refund', 'shipping']);
    const budget = { searches: 2 };
    const words = ['order', 'cancle', 'refund', 'zzzzq', 'shiping'].map((w) => correct(w, budget));
    // 'cancle' and 'zzzzq' spent the budget; 'shiping' is left as written.
    expect(words).toEqual(['order', 'cancel', 'refund', 'zzzzq', 'shiping']);
    expect(budget.searches).toBe(0);
  });
});
