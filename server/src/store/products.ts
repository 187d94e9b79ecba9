import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { NotFoundError } from '../errors.js';
import { storeProducts, storeVariants } from './schema/index.js';
import type { DatasetProduct } from './store-dataset.js';
import { toDatasetProduct } from './store-records.js';
import { refusal } from './store-refusals.js';

const unknownProduct = (id: string) =>
  new NotFoundError(
    `No product ${id}. Product ids are 10-digit strings; list_all_product_types lists them.`,
    refusal('PRODUCT_NOT_FOUND', { product_ids: [id] }),
  );

/** get_product_details: the product with every variant (options, price, availability). */
export async function getProductDetails(db: DbOrTx, productId: string): Promise<DatasetProduct> {
  const id = productId.trim();
  const [product] = await db
    .select({ id: storeProducts.id, name: storeProducts.name })
    .from(storeProducts)
    .where(eq(storeProducts.id, id));
  if (!product) throw unknownProduct(id);
  const variants = await db
    .select()
    .from(storeVariants)
    .where(eq(storeVariants.productId, id))
    .orderBy(asc(storeVariants.seq));
  return toDatasetProduct(product, variants);
}

/** list_all_product_types: product name → product id, sorted by name (code point order, as in the retail API). */
export async function listAllProductTypes(db: DbOrTx): Promise<Record<string, string>> {
  const rows = await db.select({ id: storeProducts.id, name: storeProducts.name }).from(storeProducts);
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Object.fromEntries(rows.map((r) => [r.name, r.id]));
}

/** read_product_document: the full product document (markdown). */
export async function readProductDocument(
  db: DbOrTx,
  productId: string,
): Promise<{ product_id: string; name: string; document: string }> {
  const id = productId.trim();
  const [row] = await db
    .select({ id: storeProducts.id, name: storeProducts.name, document: storeProducts.document })
    .from(storeProducts)
    .where(eq(storeProducts.id, id));
  if (!row) throw unknownProduct(id);
  return { product_id: row.id, name: row.name, document: row.document };
}
