import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.js';
import type { CustomerScope } from '../tools/tool-registry.js';
import { refusal } from './store-refusals.js';

/** Who a store tool runs for, and the key that makes its writes idempotent. */
export interface StoreCallContext {
  customer: CustomerScope;
  /** `run:task:callIndex`; writes without a key are not deduplicated. */
  idempotencyKey?: string;
  conversationId?: string;
  agentName?: string;
  /** A shopper's own conversation token calling `/mcp/store`, with no agent between it and the store. */
  shopperDirect?: boolean;
}

export const adminStoreContext = (): StoreCallContext => ({ customer: { verified: true, admin: true } });

export const IDENTIFY_FIRST =
  'No customer is identified in this conversation yet. Identify the customer first: ask for their email address and call find_user_id_by_email, or ask for their first name, last name and zip code and call find_user_id_by_name_zip.';

/** The refusal of a call that needs a customer when none is identified. */
export const identifyFirst = () => new UnauthenticatedError(IDENTIFY_FIRST, refusal('CUSTOMER_NOT_IDENTIFIED'));

/** Refuses unless no customer identification is needed or the context may act for `userId`. */
export function assertActsFor(ctx: StoreCallContext, userId: string, what: string): void {
  if (ctx.customer.admin) return;
  if (!ctx.customer.customerId) throw identifyFirst();
  if (ctx.customer.customerId !== userId) {
    throw new ForbiddenError(
      `Refused: ${what} does not belong to the customer identified in this conversation. Store tools act only for the identified customer, whatever the request says.`,
      refusal('OTHER_CUSTOMERS_ACCOUNT'),
    );
  }
}

/**
 * The one refusal for an order a customer asks about that is missing or not theirs: the same words
 * and code either way, so nobody learns whether another customer's order exists.
 */
export const orderNotOnAccount = (id: string) =>
  new NotFoundError(
    `No order ${id} was found for the customer identified in this conversation. Check the order number (it looks like #W2611340); store tools act only for the identified customer.`,
    refusal('ORDER_NOT_FOUND', { order_id: id }),
  );

/** Loads-and-checks in one: refuses a missing record and someone else's record alike. */
export function assertFoundFor(ctx: StoreCallContext, ownerId: string | undefined, id: string): void {
  if (ctx.customer.admin) {
    if (ownerId === undefined)
      throw new NotFoundError(
        `No order ${id} exists. Order ids look like #W2611340.`,
        refusal('ORDER_NOT_FOUND', { order_id: id }),
      );
    return;
  }
  if (!ctx.customer.customerId) throw identifyFirst();
  if (ownerId === undefined || ownerId !== ctx.customer.customerId) throw orderNotOnAccount(id);
}

/** Fails early, before any lookup, when customer data is requested and nobody is identified. */
export function assertIdentified(ctx: StoreCallContext): void {
  if (!ctx.customer.admin && !ctx.customer.customerId) throw identifyFirst();
}
