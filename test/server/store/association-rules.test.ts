import { describe, expect, it } from 'vitest';
import { mineAssociationRules } from '../../../server/src/store/association-rules.js';

describe('mineAssociationRules', () => {
  const baskets = [
    ['bottle', 'mat'],
    ['bottle', 'mat', 'bottle'],
    ['bottle', 'mat'],
    ['bottle'],
    ['lamp', 'mat'],
    ['lamp'],
    ['clock', 'lamp'],
    ['clock'],
  ];

  it('computes support, confidence and lift in both directions', () => {
    const rules = mineAssociationRules(baskets);
    const bottleToMat = rules.find((r) => r.antecedentId === 'bottle' && r.consequentId === 'mat')!;
    // 8 orders; bottle in 4, mat in 4, both in 3 (a product twice in one order counts once).
    expect(bottleToMat).toMatchObject({ pairCount: 3, antecedentCount: 4, consequentCount: 4, orderCount: 8 });
    expect(bottleToMat.support).toBeCloseTo(3 / 8);
    expect(bottleToMat.confidence).toBeCloseTo(3 / 4);
    expect(bottleToMat.lift).toBeCloseTo(3 / 4 / (4 / 8));
    const matToBottle = rules.find((r) => r.antecedentId === 'mat' && r.consequentId === 'bottle')!;
    expect(matToBottle.confidence).toBeCloseTo(3 / 4);
  });

  it('drops pairs bought together fewer than the minimum times', () => {
    const rules = mineAssociationRules(baskets);
    expect(rules.some((r) => r.antecedentId === 'lamp' && r.consequentId === 'mat')).toBe(false);
    expect(rules.some((r) => r.antecedentId === 'clock')).toBe(false);
    expect(mineAssociationRules(baskets, 1).some((r) => r.antecedentId === 'clock' && r.consequentId === 'lamp')).toBe(
      true,
    );
  });
});
