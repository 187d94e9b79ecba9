import { describe, expect, it } from 'vitest';
import { narrowsSearch, toolCard } from '../../client/src/tool-cards.js';

const item = (name: string, options: Record<string, string>, price: number, available: boolean) => ({
  item_id: `${name}-${Object.values(options).join('-')}`,
  name,
  options,
  price,
  available,
});

describe('toolCard: a product search', () => {
  it('shows what can be bought before what is sold out, in the store’s order otherwise', () => {
    // The store's alternatives for "red sneakers in size 9", in its order: a sold-out one second.
    const card = toolCard('store.search_products', {
      results: [],
      alternatives: [
        item('Running Shoes', { size: '8', color: 'red' }, 158.67, true),
        item('Sneakers', { size: '11', color: 'red' }, 203.82, false),
        item('Running Shoes', { size: '9', color: 'yellow' }, 147.05, true),
        item('Running Shoes', { size: '9', color: 'white' }, 148.95, true),
        item('Running Shoes', { size: '9', color: 'black' }, 155.33, true),
      ],
    });
    expect(card).toMatchObject({ kind: 'products', title: 'Closest matches' });
    const products = card?.kind === 'products' ? card.products : [];
    expect(products.map((p) => [p.options, p.inStock])).toEqual([
      ['8 · red', true],
      ['9 · yellow', true],
      ['9 · white', true],
      ['9 · black', true],
    ]);
  });

  it('keeps a sold-out exact match, after the ones in stock, when there is room', () => {
    const card = toolCard('store.search_products', {
      results: [
        item('Sneakers', { size: '9', color: 'red' }, 199, false),
        item('Sneakers', { size: '9', color: 'red', material: 'canvas' }, 129, true),
      ],
      alternatives: [],
    });
    expect(card).toMatchObject({ kind: 'products', title: 'Products' });
    const products = card?.kind === 'products' ? card.products : [];
    expect(products.map((p) => [p.price, p.inStock])).toEqual([
      [129, true],
      [199, false],
    ]);
  });
});

describe('narrowsSearch', () => {
  it('holds for a search asked again with every word of the earlier one and more', () => {
    expect(narrowsSearch('tea kettle induction', 'tea kettle')).toBe(true);
    expect(narrowsSearch('glass tea kettle 1.5 liters', 'glass tea kettle')).toBe(true);
    expect(narrowsSearch('Tea Kettle', 'tea kettle')).toBe(false);
    expect(narrowsSearch('hoodie', 'tea kettle')).toBe(false);
    expect(narrowsSearch('kettle induction', 'tea kettle')).toBe(false);
    // A search whose words the store did not say narrows nothing, and nothing narrows it.
    expect(narrowsSearch('tea kettle', '')).toBe(false);
  });

  it('reads the words from the search output', () => {
    const card = toolCard('store.search_products', {
      query: 'tea kettle induction',
      results: [item('Tea Kettle', { capacity: '2 liters', stovetop: 'induction' }, 94.8, true)],
    });
    expect(card).toMatchObject({ kind: 'products', query: 'tea kettle induction' });
  });
});
