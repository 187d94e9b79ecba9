import { formatMoney, toCents } from './money.js';
import type { DatasetProduct } from './store-dataset.js';

/** The product's full document (markdown), written at seed time and served by read_product_document. */
export function renderProductDocument(product: DatasetProduct): string {
  const variants = Object.values(product.variants);
  const optionNames = [...new Set(variants.flatMap((v) => Object.keys(v.options)))];
  const prices = variants.map((v) => toCents(v.price));
  const inStock = variants.filter((v) => v.available);
  const lines = [
    `# ${product.name}`,
    '',
    `Product id: ${product.product_id}`,
    `${variants.length} variants, ${inStock.length} in stock. Prices from ${formatMoney(Math.min(...prices))} to ${formatMoney(Math.max(...prices))}.`,
    '',
    '## Options',
    ...optionNames.map((name) => {
      const values = [...new Set(variants.map((v) => v.options[name]).filter((v): v is string => v !== undefined))];
      return `- ${name}: ${values.join(', ')}`;
    }),
    '',
    '## Variants',
    `| item id | ${optionNames.join(' | ')} | price | availability |`,
    `|${' --- |'.repeat(optionNames.length + 3)}`,
    ...variants.map(
      (v) =>
        `| ${v.item_id} | ${optionNames.map((n) => v.options[n] ?? '-').join(' | ')} | ${formatMoney(toCents(v.price))} | ${v.available ? 'in stock' : 'out of stock'} |`,
    ),
    '',
    '## Good to know',
    '- Delivered items can be returned within 30 days, or exchanged for another variant of this product that is in stock.',
    '- Out-of-stock variants can be ordered as soon as they are back: ask for a back-in-stock alert.',
  ];
  return lines.join('\n');
}
