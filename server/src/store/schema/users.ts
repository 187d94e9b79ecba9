import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export interface StoreAddress {
  address1: string;
  address2: string;
  city: string;
  country: string;
  state: string;
  zip: string;
}

/** Store customers, keyed by the dataset's user ids (`noah_brown_6181`). */
export const storeUsers = pgTable(
  'store_users',
  {
    id: text('id').primaryKey(),
    /** Position in the source file, so exports keep its order. */
    seq: integer('seq').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    email: text('email').notNull(),
    address: jsonb('address').$type<StoreAddress>().notNull(),
  },
  (t) => [
    // find_user_id_by_email: case-insensitive email lookup.
    index('store_users_email_idx').on(sql`lower(${t.email})`),
    // find_user_id_by_name_zip: exact zip, then names compared case-insensitively.
    index('store_users_zip_idx').on(sql`(${t.address}->>'zip')`),
  ],
);
export type StoreUserRow = typeof storeUsers.$inferSelect;

export const paymentSources = ['credit_card', 'paypal', 'gift_card'] as const;
export type PaymentSource = (typeof paymentSources)[number];

export const storePaymentMethods = pgTable(
  'store_payment_methods',
  {
    userId: text('user_id')
      .notNull()
      .references(() => storeUsers.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    seq: integer('seq').notNull(),
    source: text('source', { enum: paymentSources }).notNull(),
    brand: text('brand'),
    lastFour: text('last_four'),
    /** Gift cards only: the balance in cents. */
    balanceCents: integer('balance_cents'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] })],
);
export type StorePaymentMethodRow = typeof storePaymentMethods.$inferSelect;
