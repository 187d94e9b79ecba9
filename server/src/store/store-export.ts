import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import {
  storeOrderItems,
  storeOrders,
  storePaymentMethods,
  storePayments,
  storeProducts,
  storeUsers,
  storeVariants,
} from './schema/index.js';
import type { StoreDataset } from './store-dataset.js';
import { groupBy, toDatasetOrder, toDatasetProduct, toDatasetUser } from './store-records.js';

/** The whole store in the dataset's shape, with the fields the tools changed or added. */
export async function exportStore(db: DbOrTx): Promise<StoreDataset> {
  const [users, methods, orders, items, payments, products, variants] = await Promise.all([
    db.select().from(storeUsers).orderBy(asc(storeUsers.seq)),
    db.select().from(storePaymentMethods),
    db.select().from(storeOrders).orderBy(asc(storeOrders.seq)),
    db.select().from(storeOrderItems),
    db.select().from(storePayments),
    db.select().from(storeProducts).orderBy(asc(storeProducts.seq)),
    db.select().from(storeVariants),
  ]);
  const methodsByUser = groupBy(methods, (m) => m.userId);
  const ordersByUser = groupBy(orders, (o) => o.userId);
  const itemsByOrder = groupBy(items, (i) => i.orderId);
  const paymentsByOrder = groupBy(payments, (p) => p.orderId);
  const variantsByProduct = groupBy(variants, (v) => v.productId);
  return {
    users: Object.fromEntries(
      users.map((u) => [
        u.id,
        toDatasetUser(
          u,
          methodsByUser.get(u.id) ?? [],
          (ordersByUser.get(u.id) ?? []).map((o) => o.id),
        ),
      ]),
    ),
    orders: Object.fromEntries(
      orders.map((o) => [o.id, toDatasetOrder(o, itemsByOrder.get(o.id) ?? [], paymentsByOrder.get(o.id) ?? [])]),
    ),
    products: Object.fromEntries(products.map((p) => [p.id, toDatasetProduct(p, variantsByProduct.get(p.id) ?? [])])),
  };
}

/** `pnpm baton store export <dir>`: writes users.json, orders.json and products.json. */
export async function writeStoreExport(db: DbOrTx, dir: string): Promise<string[]> {
  const data = await exportStore(db);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const name of ['users', 'orders', 'products'] as const) {
    const path = join(dir, `${name}.json`);
    await writeFile(path, `${JSON.stringify(data[name], null, 4)}\n`);
    written.push(path);
  }
  return written;
}
