/**
 * search_products latency on PostgreSQL: the seeded catalogue (591 variants) and a synthesized
 * catalogue of 100,000 variants. Prints p50 and p99 per catalogue, for the search function and for
 * a call through the MCP tool registry (in-process client and server, as agents call it).
 *
 *   pnpm tsx bench/search/search-products.ts [postgres://user@host:5432/db]
 *
 * Uses the URL argument, else TEST_DATABASE_URL. It creates and drops its own database.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../server/src/db/client.js';
import { type ProductSearchFilters, searchProducts } from '../../server/src/store/product-search.js';
import { storeProducts, storeVariants } from '../../server/src/store/schema/index.js';
import { defaultStoreDataDir, loadStoreDataset, type StoreDataset } from '../../server/src/store/store-dataset.js';
import { insertChunked, seedStore, variantSearchFields } from '../../server/src/store/store-seed.js';
import { McpToolRegistry } from '../../server/src/tools/mcp-tool-registry.js';

const TARGET_VARIANTS = 100_000;
const ITERATIONS = 400;
const WARMUP = 40;

/** What shoppers ask for: product words with colours and sizes, option words alone, and filters. */
const queries: { query: string; filters?: ProductSearchFilters }[] = [
  { query: 'red sneakers in size 9' },
  { query: 'glass water bottle' },
  { query: 'wireless headphones black' },
  { query: 'stainless steel' },
  { query: 'leather hiking boots waterproof' },
  { query: 'sneakers', filters: { size: '9', in_stock: true } },
  { query: 'laptop i7 16GB', filters: { max_price: 3000 } },
  { query: 'yoga mat' },
  { query: 'blue t-shirt size M' },
  { query: '', filters: { product_type: 'Backpack', color: 'black' } },
  { query: 'gift for a coffee lover' },
  { query: 'bluetooth speaker waterproof' },
];

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function measure(label: string, run: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await run(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`.padStart(9);
  console.log(
    `  ${label.padEnd(44)} p50 ${fmt(percentile(times, 50))}   p99 ${fmt(percentile(times, 99))}   (n=${ITERATIONS})`,
  );
}

async function benchCatalogue(database: Database, title: string): Promise<void> {
  const [{ n } = { n: 0 }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(storeVariants);
  console.log(`${title}: ${n.toLocaleString('en-US')} variants`);
  await measure('searchProducts (SQL)', (i) => searchProducts(database.db, queries[i % queries.length]!));
  const registry = await McpToolRegistry.create({ db: database.db });
  try {
    const context = {
      conversationId: 'bench',
      runId: 'bench',
      taskId: 't',
      agentName: 'ProductExpertAgent',
      callIndex: 0,
      idempotencyKey: 'bench',
      customer: { verified: false },
    };
    await measure('store.search_products via MCP registry', async (i) => {
      const result = await registry.call('store.search_products', queries[i % queries.length]!, context);
      if (!result.ok) throw new Error(result.error);
    });
  } finally {
    await registry.close();
  }
}

/** A deterministic pseudo-random generator, so every run synthesizes the same catalogue. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const productLines = [
  'Classic',
  'Urban',
  'Trail',
  'Pro',
  'Lite',
  'Summit',
  'Aero',
  'Nova',
  'Terra',
  'Vista',
  'Pulse',
  'Drift',
  'Echo',
  'Atlas',
  'Zen',
  'Orbit',
  'Crest',
  'Flux',
  'Prime',
  'Metro',
  'Coastal',
  'Alpine',
  'Studio',
  'Heritage',
  'Edge',
  'Fusion',
  'Harbor',
  'Ridge',
  'Solstice',
  'Tempo',
  'Vertex',
  'Willow',
  'Zephyr',
  'Bolt',
  'Cascade',
  'Dune',
  'Ember',
  'Glacier',
  'Horizon',
  'Ion',
];

/**
 * Replaces the catalogue with 100,000 variants: each of the 50 product types in 40 product lines
 * ("Trail Running Shoes", "Urban Backpack", ...), 50 variants each, with option values drawn from
 * the real product's variants and prices around its real prices.
 */
async function synthesizeCatalogue(database: Database, data: StoreDataset): Promise<void> {
  const rnd = random(42);
  const types = Object.values(data.products);
  const perProduct = Math.ceil(TARGET_VARIANTS / (types.length * productLines.length));
  const products: (typeof storeProducts.$inferInsert)[] = [];
  const variants: (typeof storeVariants.$inferInsert)[] = [];
  let productSeq = 0;
  for (const line of productLines) {
    for (const type of types) {
      const real = Object.values(type.variants);
      const optionValues = new Map<string, string[]>();
      for (const v of real) {
        for (const [k, val] of Object.entries(v.options))
          optionValues.set(k, [...new Set([...(optionValues.get(k) ?? []), val])]);
      }
      const prices = real.map((v) => v.price);
      const [lo, hi] = [Math.min(...prices), Math.max(...prices)];
      const id = String(1_000_000_000 + productSeq);
      const name = `${line} ${type.name}`;
      products.push({ id, seq: productSeq++, name, document: `# ${name}` });
      for (let j = 0; j < perProduct && variants.length < TARGET_VARIANTS; j++) {
        const options = Object.fromEntries(
          [...optionValues].map(([k, vals]) => [k, vals[Math.floor(rnd() * vals.length)]!]),
        );
        variants.push({
          itemId: String(5_000_000_000 + variants.length),
          productId: id,
          seq: j,
          productName: name,
          ...variantSearchFields(options),
          available: rnd() < 0.7,
          priceCents: Math.round((lo + rnd() * (hi - lo) * 1.2) * 100),
        });
      }
    }
  }
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`truncate table store_variants, store_products, store_product_associations`);
    await insertChunked(tx, storeProducts, products);
    await insertChunked(tx, storeVariants, variants, 2_000);
  });
  await database.db.execute(sql`analyze store_products`);
  await database.db.execute(sql`analyze store_variants`);
}

async function main(): Promise<void> {
  const base = process.argv[2] ?? process.env.TEST_DATABASE_URL;
  if (!base) {
    console.log('bench/search skipped: it runs on PostgreSQL. Pass a URL or set TEST_DATABASE_URL, e.g.');
    console.log('  pnpm tsx bench/search/search-products.ts postgres://postgres@127.0.0.1:5432/test');
    return;
  }
  const name = `baton_bench_search_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 4 });
  try {
    await database.migrate();
    const data = await loadStoreDataset(defaultStoreDataDir());
    await seedStore(database.db, { dataset: data });
    await database.db.execute(sql`analyze`);
    await benchCatalogue(database, 'Seeded catalogue');

    const started = performance.now();
    await synthesizeCatalogue(database, data);
    console.log(`(synthesized in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    await benchCatalogue(database, 'Synthesized catalogue');
    console.log('Targets: p50 <= 10 ms seeded, <= 25 ms at 100,000 variants.');
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
