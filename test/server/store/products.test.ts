import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProductDetails, listAllProductTypes, readProductDocument } from '../../../server/src/store/products.js';
import { createSeededStore, type SeededStore } from './store-test-kit.js';

describe('store products', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it('returns a product with all its variants', async () => {
    const product = Object.values(s.data.products)[3]!;
    expect(await getProductDetails(s.db, product.product_id)).toEqual(product);
    await expect(getProductDetails(s.db, '0000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('list_all_product_types'),
    });
  });

  it('lists every product type by name, sorted', async () => {
    const types = await listAllProductTypes(s.db);
    const expected = Object.fromEntries(
      Object.values(s.data.products)
        .map((p) => [p.name, p.product_id] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    expect(types).toEqual(expected);
    expect(Object.keys(types)).toEqual(Object.keys(expected));
  });

  it('reads the product document: every variant with its price and stock', async () => {
    const product = Object.values(s.data.products).find((p) => p.name === 'Running Shoes')!;
    const doc = await readProductDocument(s.db, product.product_id);
    expect(doc.name).toBe('Running Shoes');
    for (const v of Object.values(product.variants)) {
      expect(doc.document).toContain(`| ${v.item_id} |`);
      expect(doc.document).toContain(`$${v.price.toFixed(2)} | ${v.available ? 'in stock' : 'out of stock'}`);
    }
    expect(doc.document).toMatch(/- size: .*9/);
    await expect(readProductDocument(s.db, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
