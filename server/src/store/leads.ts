import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { validateEmail } from './email-validation.js';
import { storeBackInStock, storeLeads, storeProducts, storeVariants } from './schema/index.js';
import type { StoreCallContext } from './store-call-context.js';
import { refusal } from './store-refusals.js';

function validEmailOrThrow(email: string): string {
  const check = validateEmail(email);
  if (!check.valid)
    throw ValidationError.single(
      'email',
      check.reason ?? 'invalid email address',
      refusal(check.disposable ? 'EMAIL_DISPOSABLE' : 'EMAIL_INVALID'),
    );
  return check.normalized!;
}

/** create_lead: a validated email and what the shopper is interested in, stored in the CRM table. */
export async function createLead(
  db: DbOrTx,
  ctx: StoreCallContext,
  args: { email: string; interest: string; product_id?: string },
): Promise<{
  lead_id: string;
  email: string;
  interest: string;
  product_id: string | null;
  product_name: string | null;
}> {
  const email = validEmailOrThrow(args.email);
  let productName: string | null = null;
  if (args.product_id) {
    const [product] = await db
      .select({ name: storeProducts.name })
      .from(storeProducts)
      .where(eq(storeProducts.id, args.product_id.trim()));
    if (!product)
      throw new NotFoundError(
        `No product ${args.product_id}; leave product_id out or use list_all_product_types.`,
        refusal('PRODUCT_NOT_FOUND', { product_ids: [args.product_id.trim()] }),
      );
    productName = product.name;
  }
  const [lead] = await db
    .insert(storeLeads)
    .values({
      email,
      interest: args.interest.trim(),
      productId: args.product_id?.trim() ?? null,
      customerId: ctx.customer.customerId ?? null,
      conversationId: ctx.conversationId ?? null,
    })
    .returning();
  return { lead_id: lead!.id, email, interest: lead!.interest, product_id: lead!.productId, product_name: productName };
}

/** subscribe_back_in_stock: one alert per email and out-of-stock item; subscribing twice keeps one. */
export async function subscribeBackInStock(
  db: DbOrTx,
  args: { email: string; item_id: string },
): Promise<{
  subscribed: true;
  email: string;
  item_id: string;
  product_name: string;
  options: Record<string, string>;
  already_subscribed: boolean;
}> {
  const email = validEmailOrThrow(args.email);
  const [variant] = await db.select().from(storeVariants).where(eq(storeVariants.itemId, args.item_id.trim()));
  if (!variant)
    throw new NotFoundError(
      `No item ${args.item_id}. Item ids come from search_products or get_product_details.`,
      refusal('ITEM_NOT_FOUND', { item_ids: [args.item_id.trim()] }),
    );
  if (variant.available) {
    throw ValidationError.single(
      'item_id',
      `Item ${variant.itemId} (${variant.productName}) is in stock now and can be ordered; no alert is needed.`,
      refusal('ITEM_IN_STOCK', { item_id: variant.itemId, product_name: variant.productName }),
    );
  }
  const inserted = await db
    .insert(storeBackInStock)
    .values({ email, itemId: variant.itemId })
    .onConflictDoNothing()
    .returning({ id: storeBackInStock.id });
  return {
    subscribed: true,
    email,
    item_id: variant.itemId,
    product_name: variant.productName,
    options: variant.options,
    already_subscribed: inserted.length === 0,
  };
}
