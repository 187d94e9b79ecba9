import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../server/src/errors.js';
import { runIdempotentWrite } from '../../../server/src/store/idempotency.js';
import { cancelPendingOrder } from '../../../server/src/store/pending-order-changes.js';
import { storePayments, tickets } from '../../../server/src/store/schema/index.js';
import { asCustomer, createSeededStore, ordersWhere, type SeededStore } from './store-test-kit.js';

describe('idempotent writes', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it('runs a write once per key and returns the first result on a retry', async () => {
    const order = ordersWhere(s.data, (o) => o.status === 'pending')[0]!;
    const ctx = asCustomer(order.user_id, 'run-1:t1:0');
    const cancel = (tx: Parameters<Parameters<typeof runIdempotentWrite>[3]>[0]) =>
      cancelPendingOrder(tx, ctx, { order_id: order.order_id, reason: 'no longer needed' });
    const first = await runIdempotentWrite(s.db, 'cancel_pending_order', ctx, cancel);
    const retry = await runIdempotentWrite(s.db, 'cancel_pending_order', ctx, cancel);
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(retry).toEqual({ ...first, replayed: true });
    // One refund, not two.
    const payments = await s.db
      .select({ n: count() })
      .from(storePayments)
      .where(eq(storePayments.orderId, order.order_id));
    expect(payments[0]?.n).toBe(order.payment_history.length + 1);
    // A new key runs again, and now meets the cancelled order.
    const other = await runIdempotentWrite(
      s.db,
      'cancel_pending_order',
      asCustomer(order.user_id, 'run-1:t1:1'),
      (tx) =>
        cancelPendingOrder(tx, asCustomer(order.user_id), { order_id: order.order_id, reason: 'no longer needed' }),
    );
    expect(other).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('records a refusal as the first result and rolls back its partial writes', async () => {
    const ctx = asCustomer(undefined, 'run-2:t1:0');
    const failing = async (tx: Parameters<Parameters<typeof runIdempotentWrite>[3]>[0]) => {
      await tx.insert(tickets).values({ summary: 'half-done', priority: 'low' });
      throw new NotFoundError('no such thing');
    };
    const first = await runIdempotentWrite(s.db, 'create_ticket', ctx, failing);
    expect(first).toEqual({ ok: false, error: 'no such thing', code: 'NOT_FOUND', replayed: false });
    const succeeding = async (tx: Parameters<Parameters<typeof runIdempotentWrite>[3]>[0]) => {
      await tx.insert(tickets).values({ summary: 'second try', priority: 'low' });
      return { done: true };
    };
    expect(await runIdempotentWrite(s.db, 'create_ticket', ctx, succeeding)).toEqual({ ...first, replayed: true });
    expect(await s.db.select().from(tickets)).toEqual([]);
  });

  it('refuses a key replayed for another tool or another customer', async () => {
    const ctx = asCustomer('noah_brown_6181', 'run-3:t1:0');
    await runIdempotentWrite(s.db, 'create_ticket', ctx, async () => ({ ticket: 1 }));
    expect(await runIdempotentWrite(s.db, 'create_lead', ctx, async () => ({}))).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });
    expect(
      await runIdempotentWrite(s.db, 'create_ticket', asCustomer('ivan_santos_6635', 'run-3:t1:0'), async () => ({})),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('serialises concurrent calls with the same key: one runs, the others replay it', async () => {
    const ctx = asCustomer(undefined, 'run-4:t1:0');
    let runs = 0;
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        runIdempotentWrite(s.db, 'create_ticket', ctx, async (tx) => {
          runs++;
          const [row] = await tx.insert(tickets).values({ summary: 'concurrent', priority: 'low' }).returning();
          return { id: row!.id };
        }),
      ),
    );
    expect(runs).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify({ ...r, replayed: undefined }))).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await s.db.select().from(tickets).where(eq(tickets.summary, 'concurrent'))).toHaveLength(1);
  });
});
