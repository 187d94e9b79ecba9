import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { tsvector } from './tsvector.js';

export const storeProducts = pgTable(
  'store_products',
  {
    id: text('id').primaryKey(),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    /** The product document read by read_product_document (markdown, generated at seed). */
    document: text('document').notNull(),
    search: tsvector('search').notNull().generatedAlwaysAs(sql`to_tsvector('english'::regconfig, "name")`),
  },
  (t) => [
    // search_products: which product types does the query name?
    index('store_products_search_idx').using('gin', t.search),
  ],
);
export type StoreProductRow = typeof storeProducts.$inferSelect;

/** Product variants (the dataset's items), with the text search_products ranks. */
export const storeVariants = pgTable(
  'store_variants',
  {
    itemId: text('item_id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => storeProducts.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    /** Copied from the product so search ranks a single table. */
    productName: text('product_name').notNull(),
    options: jsonb('options').$type<Record<string, string>>().notNull(),
    /** Options with lower-cased keys and values, for case-insensitive filters. */
    optionsNorm: jsonb('options_norm').$type<Record<string, string>>().notNull(),
    /** Option values joined by spaces: the searchable text besides the name. */
    optionText: text('option_text').notNull(),
    available: boolean('available').notNull(),
    priceCents: integer('price_cents').notNull(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, "product_name"), 'A') || setweight(to_tsvector('english'::regconfig, "option_text"), 'B')`,
      ),
  },
  (t) => [
    // search_products: full-text match over names and option values.
    index('store_variants_search_idx').using('gin', t.search),
    // search_products filters on option values (`options_norm @> {...}`).
    index('store_variants_options_idx').using('gin', t.optionsNorm.op('jsonb_path_ops')),
    // get_product_details and search restricted to product types.
    index('store_variants_product_idx').on(t.productId, t.seq),
  ],
);
export type StoreVariantRow = typeof storeVariants.$inferSelect;
