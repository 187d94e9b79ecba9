import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrderDetails } from '../../../server/src/store/orders.js';
import { asAdmin, asCustomer, createSeededStore, ordersWhere, type SeededStore } from './store-test-kit.js';

describe('get_order_details', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it("returns the customer's order with its real status and tracking ids", async () => {
    const order = ordersWhere(s.data, (o) => o.fulfillments.length > 0)[0]!;
    const details = await getOrderDetails(s.db, asCustomer(order.user_id), order.order_id);
    expect(details).toEqual(order);
    expect(details.fulfillments[0]!.tracking_id[0]).toMatch(/^\d+$/);
  });

  it('accepts an order id without the leading #', async () => {
    const order = ordersWhere(s.data, () => true)[1]!;
    const details = await getOrderDetails(s.db, asCustomer(order.user_id), order.order_id.slice(1));
    expect(details.order_id).toBe(order.order_id);
  });

  it('asks to identify the customer first when nobody is identified', async () => {
    const order = ordersWhere(s.data, () => true)[0]!;
    await expect(getOrderDetails(s.db, asCustomer(undefined), order.order_id)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/Identify the customer first.*email.*zip/),
    });
  });

  it("refuses another customer's order, whatever the arguments say", async () => {
    const order = ordersWhere(s.data, () => true)[0]!;
    const other = Object.keys(s.data.users).find((u) => u !== order.user_id)!;
    const refusal = getOrderDetails(s.db, asCustomer(other), order.order_id);
    await expect(refusal).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(refusal).rejects.not.toThrow(order.user_id);
    // The same words for an order that does not exist: a refusal never confirms that an order exists.
    const mine = (await refusal.catch((e: Error) => e.message)) as string;
    const missing = await getOrderDetails(s.db, asCustomer(other), '#W0000001').catch((e: Error) => e.message);
    expect(missing).toBe(mine.replace(order.order_id, '#W0000001'));
  });

  it('says when an order does not exist', async () => {
    await expect(getOrderDetails(s.db, asCustomer('noah_brown_6181'), '#W0000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('No order #W0000000'),
    });
  });

  it('lets an admin read any order', async () => {
    const order = ordersWhere(s.data, () => true)[5]!;
    expect((await getOrderDetails(s.db, asAdmin(), order.order_id)).user_id).toBe(order.user_id);
  });
});
