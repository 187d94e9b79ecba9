import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLead, subscribeBackInStock } from '../../../server/src/store/leads.js';
import { storeBackInStock, storeLeads } from '../../../server/src/store/schema/index.js';
import { asCustomer, createSeededStore, type SeededStore } from './store-test-kit.js';

describe('leads', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it('stores a lead with a validated email, the product and the conversation', async () => {
    const product = Object.values(s.data.products)[0]!;
    const lead = await createLead(s.db, asCustomer(undefined), {
      email: 'Buyer@Company.COM',
      interest: 'bulk order of 40 units',
      product_id: product.product_id,
    });
    expect(lead).toMatchObject({ email: 'Buyer@company.com', product_name: product.name });
    const [row] = await s.db.select().from(storeLeads).where(eq(storeLeads.id, lead.lead_id));
    expect(row).toMatchObject({
      email: 'Buyer@company.com',
      interest: 'bulk order of 40 units',
      conversationId: 'conv-test',
    });
  });

  it('refuses invalid or disposable emails and unknown products', async () => {
    await expect(
      createLead(s.db, asCustomer(undefined), { email: 'nope', interest: 'newsletter' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'email',
    });
    await expect(
      createLead(s.db, asCustomer(undefined), { email: 'a@yopmail.com', interest: 'newsletter' }),
    ).rejects.toMatchObject({ message: expect.stringContaining('disposable') });
    await expect(
      createLead(s.db, asCustomer(undefined), { email: 'a@example.com', interest: 'x', product_id: '0000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('subscribes to a back-in-stock alert once per email and item', async () => {
    const soldOut = Object.values(s.data.products)
      .flatMap((p) => Object.values(p.variants))
      .find((v) => !v.available)!;
    const first = await subscribeBackInStock(s.db, { email: 'fan@example.com', item_id: soldOut.item_id });
    expect(first).toMatchObject({ subscribed: true, already_subscribed: false, options: soldOut.options });
    const again = await subscribeBackInStock(s.db, { email: 'fan@example.com', item_id: soldOut.item_id });
    expect(again.already_subscribed).toBe(true);
    const rows = await s.db.select().from(storeBackInStock).where(eq(storeBackInStock.itemId, soldOut.item_id));
    expect(rows).toHaveLength(1);
  });

  it('refuses alerts for items in stock or unknown', async () => {
    const inStock = Object.values(s.data.products)
      .flatMap((p) => Object.values(p.variants))
      .find((v) => v.available)!;
    await expect(
      subscribeBackInStock(s.db, { email: 'fan@example.com', item_id: inStock.item_id }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('in stock now'),
    });
    await expect(subscribeBackInStock(s.db, { email: 'fan@example.com', item_id: '0000000000' })).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
  });
});
