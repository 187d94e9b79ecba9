import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { IdentityClaim } from '../domain/identity.js';
import { normalizeOrderId } from './orders.js';
import { storeOrders, storeUsers } from './schema/index.js';
import { identifyFirst, orderNotOnAccount, type StoreCallContext } from './store-call-context.js';

/** What a `claimed` shopper may learn about an order: its status and carrier tracking, nothing else. */
export interface OrderStatus {
  order_id: string;
  status: string;
  tracking_ids: string[];
}

/**
 * Under `strict`, an identity tool only records what the shopper claimed: nothing is looked up, and the
 * answer is the same whether or not an account matches. Admins, and `identityPolicy: email`, look up.
 */
export const recordsClaimOnly = (ctx: StoreCallContext) =>
  !ctx.customer.admin && (ctx.customer.policy ?? 'strict') === 'strict';

/** The identity tools' answer under `strict`: the claim, and what it allows. */
export function claimRecorded(claim: IdentityClaim) {
  return {
    claimed: claim,
    note: 'Noted, but not verified: with this the order status and tracking of an order on that account can be looked up (get_order_status). Account details, order details and changes need the shopper verified with a one-time code (send_verification_code).',
  };
}

type Owner = { email: string; firstName: string; lastName: string; zip: string | null };

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function claimMatches(claim: IdentityClaim, owner: Owner): boolean {
  if ('email' in claim) return same(claim.email, owner.email);
  return (
    same(claim.firstName, owner.firstName) && same(claim.lastName, owner.lastName) && claim.zip.trim() === owner.zip
  );
}

/**
 * get_order_status: status and tracking ids of an order of the verified customer, or (at `claimed`)
 * of an order whose customer has the claimed email or name plus zip. A missing order and another
 * customer's order get the same refusal.
 */
export async function getOrderStatus(db: DbOrTx, ctx: StoreCallContext, orderId: string): Promise<OrderStatus> {
  const { customer } = ctx;
  if (!customer.admin && !customer.customerId && !customer.claim) throw identifyFirst();
  const id = normalizeOrderId(orderId);
  const [row] = await db
    .select({
      status: storeOrders.status,
      fulfillments: storeOrders.fulfillments,
      userId: storeOrders.userId,
      email: storeUsers.email,
      firstName: storeUsers.firstName,
      lastName: storeUsers.lastName,
      address: storeUsers.address,
    })
    .from(storeOrders)
    .innerJoin(storeUsers, eq(storeUsers.id, storeOrders.userId))
    .where(eq(storeOrders.id, id));
  const allowed =
    row &&
    (customer.admin ||
      (customer.customerId
        ? row.userId === customer.customerId
        : !!customer.claim && claimMatches(customer.claim, { ...row, zip: row.address?.zip ?? null })));
  if (!row || !allowed) throw orderNotOnAccount(id);
  return { order_id: id, status: row.status, tracking_ids: row.fulfillments.flatMap((f) => f.tracking_id) };
}
