import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { type StoreOrderItemRow, type StoreVariantRow, storeVariants } from './schema/index.js';
import { refusal } from './store-refusals.js';

/** What an order line becomes: the variant now at `position`. */
export interface ItemSwap {
  position: number;
  replacement: StoreVariantRow;
}

const count = (ids: readonly string[], id: string) => ids.filter((x) => x === id).length;

/**
 * Every listed id is in the order at least as many times as it is listed (ids may repeat); the
 * first id that is not names the error, as in the retail API.
 */
export function assertItemsHeld(
  orderId: string,
  items: readonly StoreOrderItemRow[],
  itemIds: readonly string[],
): void {
  const held = items.map((i) => i.itemId);
  const missing = itemIds.find((id) => count(itemIds, id) > count(held, id));
  if (missing === undefined) return;
  if (held.includes(missing))
    throw new NotFoundError(
      `Item ${missing} is listed ${count(itemIds, missing)} times, but order ${orderId} holds it ${count(held, missing)} times.`,
      refusal('ITEM_COUNT_EXCEEDS_ORDER', {
        order_id: orderId,
        item_id: missing,
        listed: count(itemIds, missing),
        held: count(held, missing),
      }),
    );
  throw new NotFoundError(
    `Item ${missing} is not in order ${orderId}.`,
    refusal('ITEM_NOT_IN_ORDER', { order_id: orderId, item_id: missing }),
  );
}

/**
 * Checks a swap of order items for new variants (modify_pending_order_items and
 * exchange_delivered_order_items) with the retail API's rules, in its order: every old id is in
 * the order as many times as listed, the lists have the same length, each new id is an available
 * variant of the old item's product (the same id included). The price difference is taken against
 * the first line carrying each old id. The swaps apply in list order, each to the first line that
 * carries its old id at that moment, so with repeated ids a later swap may take a line an earlier
 * one just changed. Empty lists are a valid swap of nothing.
 */
export async function planItemSwaps(
  db: DbOrTx,
  orderId: string,
  items: StoreOrderItemRow[],
  itemIds: string[],
  newItemIds: string[],
): Promise<{ swaps: ItemSwap[]; priceDifferenceCents: number }> {
  assertItemsHeld(orderId, items, itemIds);
  if (itemIds.length !== newItemIds.length) {
    throw ValidationError.single(
      'new_item_ids',
      `The number of new items (${newItemIds.length}) must match the number of items to change (${itemIds.length}).`,
      refusal('ITEM_LISTS_LENGTH_MISMATCH', { items: itemIds.length, new_items: newItemIds.length }),
    );
  }
  const variants =
    newItemIds.length === 0
      ? []
      : await db.select().from(storeVariants).where(inArray(storeVariants.itemId, newItemIds));
  const byId = new Map(variants.map((v) => [v.itemId, v]));
  const firstLine = (lines: readonly { itemId: string }[], itemId: string) =>
    lines.findIndex((l) => l.itemId === itemId);

  let priceDifferenceCents = 0;
  const replacements = itemIds.map((itemId, i) => {
    const old = items[firstLine(items, itemId)]!;
    const newId = newItemIds[i]!;
    const replacement = byId.get(newId);
    if (!replacement || replacement.productId !== old.productId) {
      throw new NotFoundError(
        `New item ${newId} is not a variant of ${old.name} (product ${old.productId}). Use get_product_details(${old.productId}) to see its variants.`,
        refusal('PRODUCT_TYPE_MISMATCH', { item_id: newId, product_id: old.productId, product_name: old.name }),
      );
    }
    if (!replacement.available) {
      throw ValidationError.single(
        'new_item_ids',
        `New item ${newId} (${old.name}) is out of stock.`,
        refusal('ITEM_UNAVAILABLE', { item_id: newId, product_name: old.name }),
      );
    }
    priceDifferenceCents += replacement.priceCents - old.priceCents;
    return replacement;
  });

  const lines = items.map((i) => ({ position: i.position, itemId: i.itemId }));
  const changed = new Map<number, StoreVariantRow>();
  itemIds.forEach((itemId, i) => {
    const line = lines[firstLine(lines, itemId)]!;
    line.itemId = replacements[i]!.itemId;
    changed.set(line.position, replacements[i]!);
  });
  return {
    swaps: [...changed].map(([position, replacement]) => ({ position, replacement })),
    priceDifferenceCents,
  };
}
