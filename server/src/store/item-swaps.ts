import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { type StoreOrderItemRow, type StoreVariantRow, storeVariants } from './schema/index.js';

export interface ItemSwap {
  old: StoreOrderItemRow;
  replacement: StoreVariantRow;
}

/**
 * Checks a swap of order items for new variants (modify_pending_order_items and
 * exchange_delivered_order_items): every old item is in the order (as many times as listed), the
 * lists have the same length, and each new item is an available variant of the same product.
 */
export async function planItemSwaps(
  db: DbOrTx,
  orderId: string,
  items: StoreOrderItemRow[],
  itemIds: string[],
  newItemIds: string[],
): Promise<{ swaps: ItemSwap[]; priceDifferenceCents: number }> {
  if (itemIds.length === 0) throw ValidationError.single('item_ids', 'List at least one item to change.');
  if (itemIds.length !== newItemIds.length) {
    throw ValidationError.single(
      'new_item_ids',
      `The number of new items (${newItemIds.length}) must match the number of items to change (${itemIds.length}).`,
    );
  }
  const unused = [...items];
  const olds: StoreOrderItemRow[] = [];
  for (const itemId of itemIds) {
    const at = unused.findIndex((i) => i.itemId === itemId);
    if (at < 0) {
      throw new NotFoundError(
        items.some((i) => i.itemId === itemId)
          ? `Item ${itemId} is listed more times than order ${orderId} holds it.`
          : `Item ${itemId} is not in order ${orderId}.`,
      );
    }
    olds.push(unused.splice(at, 1)[0]!);
  }
  const variants = await db.select().from(storeVariants).where(inArray(storeVariants.itemId, newItemIds));
  const byId = new Map(variants.map((v) => [v.itemId, v]));
  const swaps: ItemSwap[] = olds.map((old, i) => {
    const newId = newItemIds[i]!;
    const replacement = byId.get(newId);
    if (!replacement || replacement.productId !== old.productId) {
      throw new NotFoundError(
        `New item ${newId} is not a variant of ${old.name} (product ${old.productId}). Use get_product_details(${old.productId}) to see its variants.`,
      );
    }
    if (!replacement.available)
      throw new ValidationError([
        { field: 'new_item_ids', message: `New item ${newId} (${old.name}) is out of stock.` },
      ]);
    if (newId === old.itemId) {
      throw ValidationError.single('new_item_ids', `New item ${newId} is the same as the item it would replace.`);
    }
    return { old, replacement };
  });
  const priceDifferenceCents = swaps.reduce((sum, s) => sum + s.replacement.priceCents - s.old.priceCents, 0);
  return { swaps, priceDifferenceCents };
}
