import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelPendingOrder } from '../../../server/src/store/pending-order-changes.js';
import {
  knowledgeArticles,
  storeOrders,
  storePaymentMethods,
  storeProductAssociations,
  storeUsers,
  storeVariants,
} from '../../../server/src/store/schema/index.js';
import { seedStore } from '../../../server/src/store/store-seed.js';
import { asCustomer, createSeededStore, giftCardsOf, ordersWhere, type SeededStore } from './store-test-kit.js';

describe('seedStore', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it('loads every user, order and variant of the dataset, and the knowledge base and rules', async () => {
    const [[users], [orders], [variants], [articles], [rules]] = await Promise.all([
      s.db.select({ n: count() }).from(storeUsers),
      s.db.select({ n: count() }).from(storeOrders),
      s.db.select({ n: count() }).from(storeVariants),
      s.db.select({ n: count() }).from(knowledgeArticles),
      s.db.select({ n: count() }).from(storeProductAssociations),
    ]);
    expect(users?.n).toBe(Object.keys(s.data.users).length);
    expect(orders?.n).toBe(Object.keys(s.data.orders).length);
    expect(variants?.n).toBe(Object.values(s.data.products).reduce((n, p) => n + Object.keys(p.variants).length, 0));
    expect(articles?.n).toBeGreaterThanOrEqual(12);
    expect(rules?.n).toBeGreaterThan(0);
  });

  it('keeps gift card balances exact to the cent', async () => {
    const [user] = Object.entries(s.data.users).filter(([, u]) => giftCardsOf(u).length > 0);
    const [id, u] = user!;
    const card = giftCardsOf(u)[0]!;
    const [row] = await s.db.select().from(storePaymentMethods).where(eq(storePaymentMethods.id, card.id));
    expect(row?.userId).toBe(id);
    expect(row?.balanceCents).toBe(Math.round(card.balance * 100));
  });

  it('does nothing when already seeded, and a forced seed restores the dataset', async () => {
    expect(await seedStore(s.db, { dataset: s.data })).toEqual({ seeded: false });
    const order = ordersWhere(s.data, (o) => o.status === 'pending')[0]!;
    await cancelPendingOrder(s.db, asCustomer(order.user_id), {
      order_id: order.order_id,
      reason: 'ordered by mistake',
    });
    const changed = await s.db
      .select({ status: storeOrders.status })
      .from(storeOrders)
      .where(eq(storeOrders.id, order.order_id));
    expect(changed[0]?.status).toBe('cancelled');

    expect(await seedStore(s.db, { dataset: s.data, force: true })).toEqual({ seeded: true });
    const restored = await s.db.select().from(storeOrders).where(eq(storeOrders.id, order.order_id));
    expect(restored[0]?.status).toBe('pending');
    expect(restored[0]?.cancelReason).toBeNull();
  });

  it('needs no dataset files once seeded, and says clearly when a needed folder is missing', async () => {
    expect(await seedStore(s.db, { dataDir: '/nonexistent/tau-retail' })).toEqual({ seeded: false });
    await expect(seedStore(s.db, { dataDir: '/nonexistent/tau-retail', force: true })).rejects.toThrow(
      /Cannot read the store dataset file \/nonexistent\/tau-retail\/users\.json/,
    );
  });
});
