import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mineAssociationRules } from '../../../server/src/store/association-rules.js';
import { recommendRelated } from '../../../server/src/store/recommendations.js';
import { createSeededStore, type SeededStore } from './store-test-kit.js';

describe('recommend_related', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it('recommends what is bought together more often than chance, with the rule explained', async () => {
    const rules = mineAssociationRules(Object.values(s.data.orders).map((o) => o.items.map((i) => i.product_id)));
    const bottle = Object.values(s.data.products).find((p) => p.name === 'Water Bottle')!;
    const expected = rules
      .filter((r) => r.antecedentId === bottle.product_id && r.lift > 1)
      .sort((a, b) => b.lift - a.lift || b.confidence - a.confidence || b.pairCount - a.pairCount)
      .slice(0, 3);
    const item = Object.values(bottle.variants)[0]!;
    const result = await recommendRelated(s.db, { item_ids: [item.item_id] });
    expect(result.based_on).toEqual([{ product_id: bottle.product_id, name: 'Water Bottle' }]);
    expect(result.recommendations.map((r) => r.product_id)).toEqual(expected.map((r) => r.consequentId));
    const first = result.recommendations[0]!;
    const rule = expected[0]!;
    expect(first.lift).toBeCloseTo(rule.lift, 2);
    expect(first.explanation).toContain(
      `${rule.pairCount} of ${rule.orderCount} orders had both Water Bottle and ${first.name}`,
    );
    expect(first.explanation).toMatch(/\(support [\d.]+%\).*\(confidence\).*\(lift\)/);
    // Suggested items are real, in stock, cheapest first.
    const variants = Object.values(s.data.products[first.product_id]!.variants).filter((v) => v.available);
    const cheapest = [...variants].sort((a, b) => a.price - b.price).slice(0, 3);
    expect(first.suggested_items.map((i) => i.item_id)).toEqual(cheapest.map((v) => v.item_id));
  });

  it('never recommends a product the shopper already has', async () => {
    const [a, b] = Object.values(s.data.products);
    const result = await recommendRelated(s.db, {
      product_id: a!.product_id,
      item_ids: [Object.keys(b!.variants)[0]!],
      limit: 10,
    });
    const ids = result.recommendations.map((r) => r.product_id);
    expect(ids).not.toContain(a!.product_id);
    expect(ids).not.toContain(b!.product_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses unknown items and products, and an empty request', async () => {
    await expect(recommendRelated(s.db, { item_ids: ['0000000000'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(recommendRelated(s.db, { product_id: '0000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(recommendRelated(s.db, {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
