import type { Db } from '../../../server/src/db/client.js';
import type { StoreCallContext } from '../../../server/src/store/store-call-context.js';
import {
  type DatasetOrder,
  type DatasetUser,
  defaultStoreDataDir,
  loadStoreDataset,
  type StoreDataset,
} from '../../../server/src/store/store-dataset.js';
import { seedStore } from '../../../server/src/store/store-seed.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

/** A migrated, seeded store and the source dataset, to pick test cases from real data. */
export interface SeededStore {
  t: TestDatabase;
  db: Db;
  data: StoreDataset;
  dispose(): Promise<void>;
}

export async function createSeededStore(): Promise<SeededStore> {
  const data = await loadStoreDataset(defaultStoreDataDir());
  // Starts from a seeded template; seedStore then only confirms the store is there.
  const t = await createTestDatabase({ seeded: true });
  await seedStore(t.database.db, { dataset: data });
  return { t, db: t.database.db, data, dispose: () => t.dispose() };
}

let keyCounter = 0;
/** A customer-scoped call context with a fresh idempotency key. */
export const asCustomer = (customerId: string | undefined, key?: string): StoreCallContext => ({
  customer: { customerId, verified: false },
  idempotencyKey: key ?? `test:${process.pid}:${++keyCounter}`,
  conversationId: 'conv-test',
  agentName: 'TestAgent',
});
export const asAdmin = (): StoreCallContext => ({
  customer: { verified: true, admin: true },
  idempotencyKey: `test:${process.pid}:${++keyCounter}`,
});

/**
 * Orders matching `predicate`, in file order. Tests in one file take different ones (`nth`), so
 * each starts from the order as seeded.
 */
export function ordersWhere(
  data: StoreDataset,
  predicate: (order: DatasetOrder, user: DatasetUser) => boolean,
): DatasetOrder[] {
  const found = Object.values(data.orders).filter((o) => predicate(o, data.users[o.user_id]!));
  if (found.length === 0) throw new Error('no order in the dataset fits this test');
  return found;
}

export const userOf = (data: StoreDataset, order: DatasetOrder): DatasetUser => data.users[order.user_id]!;

export const giftCardsOf = (user: DatasetUser) =>
  Object.values(user.payment_methods).filter(
    (m): m is Extract<typeof m, { source: 'gift_card' }> => m.source === 'gift_card',
  );

/** An available variant of the same product, other than `itemId`. */
export function otherAvailableVariant(
  data: StoreDataset,
  productId: string,
  itemId: string,
  filter = (_price: number) => true,
) {
  return Object.values(data.products[productId]!.variants).find(
    (v) => v.available && v.item_id !== itemId && filter(v.price),
  );
}

export const cents = (dollars: number) => Math.round(dollars * 100);
