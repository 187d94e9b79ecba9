import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { claimRecorded, recordsClaimOnly } from './order-status.js';
import {
  type StoreAddress,
  type StorePaymentMethodRow,
  storeOrders,
  storePaymentMethods,
  storeUsers,
} from './schema/index.js';
import { assertActsFor, assertIdentified, type StoreCallContext } from './store-call-context.js';
import type { DatasetUser } from './store-dataset.js';
import { toDatasetUser } from './store-records.js';
import { refusal } from './store-refusals.js';

export interface IdentifiedUser {
  user_id: string;
}

/** Under `strict`, what an identity tool answers instead of a user id. */
export type ClaimedUser = ReturnType<typeof claimRecorded>;

/** A verified storefront customer cannot be re-identified as someone else from the chat. */
function assertMayIdentify(ctx: StoreCallContext, userId: string): void {
  if (ctx.customer.verified && !ctx.customer.admin && ctx.customer.customerId && ctx.customer.customerId !== userId) {
    throw new ForbiddenError(
      'Refused: this conversation belongs to a verified customer, and the details given match a different account.',
      refusal('VERIFIED_AS_OTHER_CUSTOMER'),
    );
  }
}

/** find_user_id_by_email: case-insensitive. Under `strict` it records the claim and looks nothing up. */
export async function findUserIdByEmail(
  db: DbOrTx,
  ctx: StoreCallContext,
  email: string,
): Promise<IdentifiedUser | ClaimedUser> {
  if (recordsClaimOnly(ctx)) return claimRecorded({ email: email.trim() });
  const rows = await db
    .select({ id: storeUsers.id })
    .from(storeUsers)
    .where(eq(sql`lower(${storeUsers.email})`, email.trim().toLowerCase()))
    .limit(1);
  const row = rows[0];
  if (!row)
    throw new NotFoundError(
      `No customer has the email address ${email.trim()}. Check the spelling, or try first name, last name and zip code.`,
      refusal('CUSTOMER_NOT_FOUND'),
    );
  assertMayIdentify(ctx, row.id);
  return { user_id: row.id };
}

/** find_user_id_by_name_zip: names case-insensitive, zip exact. Under `strict` it records the claim. */
export async function findUserIdByNameZip(
  db: DbOrTx,
  ctx: StoreCallContext,
  args: { first_name: string; last_name: string; zip: string },
): Promise<IdentifiedUser | ClaimedUser> {
  if (recordsClaimOnly(ctx))
    return claimRecorded({ firstName: args.first_name.trim(), lastName: args.last_name.trim(), zip: args.zip.trim() });
  const rows = await db
    .select({ id: storeUsers.id })
    .from(storeUsers)
    .where(
      and(
        eq(sql`${storeUsers.address}->>'zip'`, args.zip.trim()),
        eq(sql`lower(${storeUsers.firstName})`, args.first_name.trim().toLowerCase()),
        eq(sql`lower(${storeUsers.lastName})`, args.last_name.trim().toLowerCase()),
      ),
    )
    .orderBy(asc(storeUsers.seq))
    .limit(1);
  const row = rows[0];
  if (!row) {
    throw new NotFoundError(
      `No customer named ${args.first_name.trim()} ${args.last_name.trim()} with zip code ${args.zip.trim()}. Check the details, or try the email address.`,
      refusal('CUSTOMER_NOT_FOUND'),
    );
  }
  assertMayIdentify(ctx, row.id);
  return { user_id: row.id };
}

const noUser = (userId: string) =>
  new NotFoundError(`No customer with user id ${userId}.`, refusal('CUSTOMER_NOT_FOUND'));

/** The user's record with payment methods and order ids, or NotFoundError. */
export async function loadUser(db: DbOrTx, userId: string): Promise<DatasetUser> {
  const [user] = await db.select().from(storeUsers).where(eq(storeUsers.id, userId));
  if (!user) throw noUser(userId);
  const [methods, orders] = await Promise.all([
    db.select().from(storePaymentMethods).where(eq(storePaymentMethods.userId, userId)),
    db
      .select({ id: storeOrders.id })
      .from(storeOrders)
      .where(eq(storeOrders.userId, userId))
      .orderBy(asc(storeOrders.seq)),
  ]);
  return toDatasetUser(
    user,
    methods,
    orders.map((o) => o.id),
  );
}

/** get_user_details: only for the identified customer. */
export async function getUserDetails(
  db: DbOrTx,
  ctx: StoreCallContext,
  userId: string,
): Promise<DatasetUser & { user_id: string }> {
  assertIdentified(ctx);
  assertActsFor(ctx, userId, `user ${userId}`);
  return { user_id: userId, ...(await loadUser(db, userId)) };
}

/** modify_user_address: the account's default address, not that of existing orders. */
export async function modifyUserAddress(
  db: DbOrTx,
  ctx: StoreCallContext,
  userId: string,
  address: StoreAddress,
): Promise<DatasetUser & { user_id: string }> {
  assertIdentified(ctx);
  assertActsFor(ctx, userId, `user ${userId}`);
  const updated = await db
    .update(storeUsers)
    .set({ address })
    .where(eq(storeUsers.id, userId))
    .returning({ id: storeUsers.id });
  if (updated.length === 0) throw noUser(userId);
  return { user_id: userId, ...(await loadUser(db, userId)) };
}

/** One of the user's payment methods, locked for the rest of the transaction, or NotFoundError. */
export async function loadPaymentMethodForUpdate(
  db: DbOrTx,
  userId: string,
  paymentMethodId: string,
): Promise<StorePaymentMethodRow> {
  const [method] = await db
    .select()
    .from(storePaymentMethods)
    .where(and(eq(storePaymentMethods.userId, userId), eq(storePaymentMethods.id, paymentMethodId)))
    .for('update');
  if (!method) {
    throw new NotFoundError(
      `Payment method ${paymentMethodId} is not one of this customer's saved payment methods. Use get_user_details to see them.`,
      refusal('PAYMENT_METHOD_NOT_FOUND', { payment_method_id: paymentMethodId }),
    );
  }
  return method;
}

/** Adds `deltaCents` (may be negative) to a gift card's balance. */
export async function adjustGiftCardBalance(
  db: DbOrTx,
  userId: string,
  paymentMethodId: string,
  deltaCents: number,
): Promise<void> {
  await db
    .update(storePaymentMethods)
    .set({ balanceCents: sql`${storePaymentMethods.balanceCents} + ${deltaCents}` })
    .where(
      and(
        eq(storePaymentMethods.userId, userId),
        eq(storePaymentMethods.id, paymentMethodId),
        eq(storePaymentMethods.source, 'gift_card'),
      ),
    );
}
