import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../db/client.js';
import { mineAssociationRules } from './association-rules.js';
import { knowledgeArticleSeeds } from './knowledge-articles.js';
import { toCents } from './money.js';
import { renderProductDocument } from './product-document.js';
import {
  knowledgeArticles,
  storeOrderItems,
  storeOrders,
  storePaymentMethods,
  storePayments,
  storeProductAssociations,
  storeProducts,
  storeUsers,
  storeVariants,
} from './schema/index.js';
import { defaultStoreDataDir, loadStoreDataset, type StoreDataset } from './store-dataset.js';

export interface SeedStoreOptions {
  /** Re-seed even if the store holds data: every store table is emptied first. */
  force?: boolean;
  /** Folder with users.json, orders.json and products.json; default STORE_DATA_DIR or ../shared/data/tau-retail. */
  dataDir?: string;
  /** An already loaded dataset (skips reading the files). */
  dataset?: StoreDataset;
}

/** Serialises seeding when several replicas start at once. */
const SEED_LOCK = 0x0ba7_0003;

/** Every table the store owns, emptied by a forced seed (`pnpm baton store reset`). */
export const storeTableNames = [
  'store_order_items',
  'store_payments',
  'store_orders',
  'store_payment_methods',
  'store_users',
  'store_variants',
  'store_products',
  'store_product_associations',
  'knowledge_articles',
  'store_leads',
  'store_back_in_stock',
  'tickets',
  'store_idempotency',
] as const;

/**
 * Loads the retail dataset, the knowledge articles and the mined association rules into the
 * store tables. Idempotent: does nothing when the store is already seeded, unless `force`.
 */
export async function seedStore(db: Db, options: SeedStoreOptions = {}): Promise<{ seeded: boolean }> {
  // Already seeded: no need for the dataset files at all (they may be absent in production).
  if (!options.force && (await isStoreSeeded(db))) return { seeded: false };
  const dataset = options.dataset ?? (await loadStoreDataset(options.dataDir ?? defaultStoreDataDir()));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    if (!options.force) {
      // Another replica may have seeded while this one read the files.
      if (await isStoreSeeded(tx)) return { seeded: false };
    } else {
      await tx.execute(sql.raw(`truncate table ${storeTableNames.join(', ')}`));
    }
    await insertDataset(tx, dataset);
    await insertChunked(
      tx,
      knowledgeArticles,
      knowledgeArticleSeeds.map(({ slug, ...content }) => ({
        slug,
        ...content,
        tagText: content.tags.join(' '),
        seeded: content,
      })),
    );
    const baskets = Object.values(dataset.orders).map((o) => o.items.map((i) => i.product_id));
    await insertChunked(tx, storeProductAssociations, mineAssociationRules(baskets));
    return { seeded: true };
  });
}

async function isStoreSeeded(db: DbOrTx): Promise<boolean> {
  const existing = await db.select({ id: storeProducts.id }).from(storeProducts).limit(1);
  return existing.length > 0;
}

async function insertDataset(tx: DbOrTx, data: StoreDataset): Promise<void> {
  const users = Object.entries(data.users);
  await insertChunked(
    tx,
    storeUsers,
    users.map(([id, u], seq) => ({
      id,
      seq,
      firstName: u.name.first_name,
      lastName: u.name.last_name,
      email: u.email,
      address: u.address,
    })),
  );
  await insertChunked(
    tx,
    storePaymentMethods,
    users.flatMap(([userId, u]) =>
      Object.values(u.payment_methods).map((m, seq) => ({
        userId,
        id: m.id,
        seq,
        source: m.source,
        brand: m.source === 'credit_card' ? m.brand : null,
        lastFour: m.source === 'credit_card' ? m.last_four : null,
        balanceCents: m.source === 'gift_card' ? toCents(m.balance) : null,
      })),
    ),
  );

  const products = Object.values(data.products);
  await insertChunked(
    tx,
    storeProducts,
    products.map((p, seq) => ({ id: p.product_id, seq, name: p.name, document: renderProductDocument(p) })),
  );
  await insertChunked(
    tx,
    storeVariants,
    products.flatMap((p) =>
      Object.values(p.variants).map((v, seq) => ({
        itemId: v.item_id,
        productId: p.product_id,
        seq,
        productName: p.name,
        ...variantSearchFields(v.options),
        available: v.available,
        priceCents: toCents(v.price),
      })),
    ),
  );

  const orders = Object.values(data.orders);
  await insertChunked(
    tx,
    storeOrders,
    orders.map((o, seq) => ({
      id: o.order_id,
      seq,
      userId: o.user_id,
      address: o.address,
      status: o.status,
      fulfillments: o.fulfillments,
      cancelReason: o.cancel_reason ?? null,
      returnItems: o.return_items ?? null,
      returnPaymentMethodId: o.return_payment_method_id ?? null,
      exchangeItems: o.exchange_items ?? null,
      exchangeNewItems: o.exchange_new_items ?? null,
      exchangePaymentMethodId: o.exchange_payment_method_id ?? null,
      exchangePriceDifferenceCents:
        o.exchange_price_difference === undefined ? null : toCents(o.exchange_price_difference),
    })),
  );
  await insertChunked(
    tx,
    storeOrderItems,
    orders.flatMap((o) =>
      o.items.map((i, position) => ({
        orderId: o.order_id,
        position,
        itemId: i.item_id,
        productId: i.product_id,
        name: i.name,
        priceCents: toCents(i.price),
        options: i.options,
      })),
    ),
  );
  await insertChunked(
    tx,
    storePayments,
    orders.flatMap((o) =>
      o.payment_history.map((p, position) => ({
        orderId: o.order_id,
        position,
        transactionType: p.transaction_type,
        amountCents: toCents(p.amount),
        paymentMethodId: p.payment_method_id,
      })),
    ),
  );
}

/** The searchable and filterable forms of a variant's options. */
export function variantSearchFields(options: Record<string, string>) {
  return {
    options,
    optionsNorm: Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()])),
    optionText: Object.values(options).join(' '),
  };
}

/** Bulk insert in chunks that stay far below PostgreSQL's 65,535 bind parameters. */
export async function insertChunked<T extends PgTable>(
  tx: DbOrTx,
  table: T,
  rows: T['$inferInsert'][],
  chunkSize = 1000,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) {
    await tx.insert(table).values(rows.slice(i, i + chunkSize));
  }
}
