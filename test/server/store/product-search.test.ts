import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchQuery, searchProducts } from '../../../server/src/store/product-search.js';
import { createSeededStore, type SeededStore } from './store-test-kit.js';

describe('search_products', () => {
  let s: SeededStore;
  const variantsOf = (name: string) => {
    const product = Object.values(s.data.products).find((p) => p.name === name)!;
    return Object.values(product.variants).map((v) => ({ ...v, product_id: product.product_id }));
  };
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it('understands "sneakers" as sneakers and running shoes, and offers the nearest when nothing matches exactly', async () => {
    const result = await searchProducts(s.db, { query: 'Do you have red sneakers in size 9?' });
    expect(result.interpreted.product_types).toEqual(['Running Shoes', 'Sneakers']);
    expect(result.interpreted.words).toEqual(['red', 'sneakers', '9']);
    const shoes = [...variantsOf('Running Shoes'), ...variantsOf('Sneakers')];
    const exact = shoes.filter((v) => v.options.color === 'red' && v.options.size === '9');
    expect(result.exact_matches).toBe(exact.length);
    expect(result.results.map((r) => r.item_id).sort()).toEqual(exact.map((v) => v.item_id).sort());
    // Every hit is a real variant, with its real price and stock.
    const hits = [...result.results, ...(result.alternatives ?? [])];
    for (const hit of hits) {
      const real = shoes.find((v) => v.item_id === hit.item_id)!;
      expect(hit).toMatchObject({
        product_id: real.product_id,
        options: real.options,
        price: real.price,
        available: real.available,
      });
    }
    // Red ones and size-9 ones come before the other shoes.
    const redOr9 = shoes.filter((v) => (v.options.color === 'red') !== (v.options.size === '9'));
    const near = (result.alternatives ?? []).slice(0, redOr9.length);
    expect(near.map((r) => r.item_id).sort()).toEqual(redOr9.map((v) => v.item_id).sort());
    expect(near.every((r) => !r.exact && r.matched.includes('sneakers'))).toBe(true);
    // The catalogue has no red sneaker in size 9, and the answer says so.
    if (exact.length === 0) expect(result.note).toMatch(/No variant matches every word \(red, sneakers, 9\)/);
  });

  it('returns exact matches as results and the rest as alternatives', async () => {
    const result = await searchProducts(s.db, { query: 'blue glass water bottle', limit: 50 });
    const bottles = variantsOf('Water Bottle');
    const exact = bottles.filter((v) => v.options.color === 'blue' && v.options.material === 'glass');
    expect(result.results.map((r) => r.item_id).sort()).toEqual(exact.map((v) => v.item_id).sort());
    expect(result.exact_matches).toBe(exact.length);
    expect(result.results.every((r) => r.exact && r.matched.length === 4)).toBe(true);
    expect(result.alternatives?.length).toBe(bottles.length - exact.length);
    expect(result.note).toBeUndefined();
  });

  it('applies exact filters: size 9 in stock returns exactly those shoes', async () => {
    const result = await searchProducts(s.db, { query: 'sneakers', filters: { size: '9', in_stock: true } });
    const expected = [...variantsOf('Running Shoes'), ...variantsOf('Sneakers')].filter(
      (v) => v.options.size === '9' && v.available,
    );
    expect(result.results.map((r) => r.item_id).sort()).toEqual(expected.map((v) => v.item_id).sort());
    expect(result.results.every((r) => r.exact)).toBe(true);
    expect(result.alternatives).toBeUndefined();
  });

  it('offers the closest alternatives when the filters match nothing', async () => {
    const result = await searchProducts(s.db, { query: 'sneakers', filters: { color: 'red', size: '9' } });
    const shoes = [...variantsOf('Running Shoes'), ...variantsOf('Sneakers')];
    if (shoes.some((v) => v.options.color === 'red' && v.options.size === '9')) return; // data changed: nothing to relax
    expect(result.results).toEqual([]);
    expect(result.note).toMatch(/No variant matches every filter \(color red, size 9\)/);
    expect(result.alternatives?.length).toBeGreaterThan(0);
    for (const alt of result.alternatives!) {
      expect(alt.options.color === 'red' || alt.options.size === '9').toBe(true);
    }
  });

  it('filters by product type, maximum price and option values, case-insensitively', async () => {
    const bottles = variantsOf('Water Bottle');
    const result = await searchProducts(s.db, {
      query: '',
      filters: { product_type: 'water bottle', max_price: 50, options: { Material: 'Glass' } },
      limit: 50,
    });
    const expected = bottles.filter((v) => v.price <= 50 && v.options.material === 'glass');
    expect(result.results.map((r) => r.item_id).sort()).toEqual(expected.map((v) => v.item_id).sort());
    expect(result.total).toBe(expected.length);
  });

  it('searches option values across the catalogue when no product type is named', async () => {
    const result = await searchProducts(s.db, { query: 'stainless steel', limit: 50 });
    expect(result.interpreted.product_types).toEqual([]);
    const all = Object.values(s.data.products).flatMap((p) => Object.values(p.variants));
    const exact = all.filter((v) => Object.values(v.options).some((o) => /stainless steel/.test(o)));
    expect(result.exact_matches).toBe(exact.length);
    expect(result.results.length).toBe(Math.min(50, exact.length));
    for (const hit of result.results) expect(Object.values(hit.options).join(' ')).toMatch(/stainless steel/);
  });

  it('reads a decimal as one word, as the options say it: "1.5 liters"', async () => {
    expect(parseSearchQuery('tea kettle 1.5 liters').map((t) => t.word)).toEqual(['tea', 'kettle', '1.5', 'liters']);
    const result = await searchProducts(s.db, { query: 'glass tea kettle 1.5 liters', limit: 50 });
    const exact = variantsOf('Tea Kettle').filter(
      (v) => v.options.material === 'glass' && v.options.capacity === '1.5 liters',
    );
    expect(exact.length).toBeGreaterThan(0);
    expect(result.exact_matches).toBe(exact.length);
    for (const hit of result.results) expect(hit.options).toMatchObject({ material: 'glass', capacity: '1.5 liters' });
  });

  it('filters a material, colour or size by the option that ends in it: "strap material", "dial color"', async () => {
    const watches = variantsOf('Wristwatch');
    const metal = watches.filter((v) => v.options['strap material'] === 'metal');
    expect(metal.length).toBeGreaterThan(0);
    const result = await searchProducts(s.db, { query: 'wristwatch', filters: { material: 'metal' }, limit: 50 });
    expect(result.exact_matches).toBe(metal.length);
    for (const hit of result.results) expect(hit.options['strap material']).toBe('metal');
    const white = await searchProducts(s.db, { query: 'wristwatch', filters: { color: 'white' }, limit: 50 });
    expect(white.exact_matches).toBe(watches.filter((v) => v.options['dial color'] === 'white').length);
  });

  it('finds products by what they are for ("cooking", "hiking"), and a product named with it by both words', async () => {
    const cooking = await searchProducts(s.db, { query: 'cooking', limit: 50 });
    expect(cooking.interpreted.product_types).toEqual(
      expect.arrayContaining(['Coffee Maker', 'Electric Kettle', 'Espresso Machine', 'Tea Kettle']),
    );
    expect(new Set(cooking.results.map((r) => r.name)).size).toBeGreaterThanOrEqual(4);
    // Every word must match: a hiking backpack is a backpack, not hiking boots or a water bottle.
    const backpack = await searchProducts(s.db, { query: 'hiking backpack' });
    expect(backpack.results.length).toBeGreaterThan(0);
    expect(new Set(backpack.results.map((r) => r.name))).toEqual(new Set(['Backpack']));
  });

  it('searches for "constructor" and "toString" as words, not members of its synonym table', async () => {
    for (const query of ['constructor set', 'toString', 'hasOwnProperty __proto__']) {
      const result = await searchProducts(s.db, { query });
      expect(result.query).toBe(query);
    }
  });

  it('says when a product type is unknown or nothing matches', async () => {
    const unknown = await searchProducts(s.db, { query: '', filters: { product_type: 'spaceship' } });
    expect(unknown.results).toEqual([]);
    expect(unknown.note).toMatch(/No product type matches "spaceship"/);
    const nothing = await searchProducts(s.db, { query: 'zzzqqq' });
    expect(nothing.results).toEqual([]);
    expect(nothing.note).toMatch(/Nothing in the catalogue matches/);
  });

  it('parses words, two-word synonyms and filler words', () => {
    expect(parseSearchQuery("men's red trainers, size 9").map((t) => t.word)).toEqual(['red', 'trainers', '9']);
    expect(parseSearchQuery('power bank 20000mAh').map((t) => t.word)).toEqual(['power bank', '20000mah']);
    expect(parseSearchQuery('sneakers')[0]!.tsquery).toBe('(sneakers) | (running <-> shoes)');
  });
});
