import { z } from 'zod';
import { productSearchFiltersSchema, searchProducts } from '../product-search.js';
import { getProductDetails, listAllProductTypes, readProductDocument } from '../products.js';
import { recommendRelated } from '../recommendations.js';
import { type StoreTool, storeTool } from './store-tool.js';

const productId = z.string().min(1).describe('Product id, a 10-digit string such as "6938111410".');

/** Catalogue tools: product lookup, search and recommendations. None touches customer data. */
export const shoppingTools: StoreTool[] = [
  storeTool({
    name: 'get_product_details',
    description: 'Get a product with all its variants: item ids, options (colour, size, ...), price and availability.',
    input: { product_id: productId },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: (db, args) => getProductDetails(db, args.product_id),
  }),
  storeTool({
    name: 'list_all_product_types',
    description: 'List every product type the store sells, as product name → product id.',
    input: {},
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: (db) => listAllProductTypes(db),
  }),
  storeTool({
    name: 'search_products',
    description:
      'Search the catalogue in plain words ("red sneakers size 9", "glass water bottle") with optional exact filters. `results` holds the variants matching every word and filter; `alternatives` holds the closest near misses, best first; each with its product, options, price and availability. `note` says when nothing matches exactly: tell the shopper.',
    input: {
      query: z
        .string()
        .describe('What the shopper is looking for, in their words. May be empty when filters are given.'),
      filters: productSearchFiltersSchema.optional(),
      limit: z.number().int().min(1).max(50).optional().describe('How many variants to return (default 10).'),
    },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: (db, args) => searchProducts(db, args),
  }),
  storeTool({
    name: 'read_product_document',
    description:
      'Read the full product document: options, every variant with price and stock, and policies that apply.',
    input: { product_id: productId },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: (db, args) => readProductDocument(db, args.product_id),
  }),
  storeTool({
    name: 'recommend_related',
    description:
      'Recommend products often bought together with the given items or product (association rules mined from past orders), each with its support, confidence and lift explained and a few in-stock items to offer.',
    input: {
      item_ids: z.array(z.string().min(1)).optional().describe('Item ids the shopper is looking at or bought.'),
      product_id: productId.optional(),
      limit: z.number().int().min(1).max(10).optional().describe('How many products to recommend (default 3).'),
    },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: (db, args) => recommendRelated(db, args),
  }),
];
