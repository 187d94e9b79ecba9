import type { TaskIntent } from './task-intent.js';

/** The card must own one of these words before the plan words a task in that intent's terms. */
export const INTENT_ANCHORS: Partial<Record<TaskIntent, string[]>> = {
  track: ['order', 'track', 'shipping', 'delivery', 'package'],
  cancel: ['cancel'],
  address: ['address'],
  payment: ['pay'],
  modify_items: ['order'],
  return: ['return'],
  exchange: ['exchange'],
  refund: ['refund'],
  product_search: ['search', 'stock', 'available', 'catalogue', 'find'],
  product_detail: ['product', 'specification'],
  recommend: ['recommend', 'complement'],
  restock: ['restock', 'stock'],
  newsletter: ['newsletter', 'promotion'],
  bulk: ['bulk', 'wholesale', 'business'],
  human: ['human', 'talk'],
};

/** Changes to an order placed: how it is paid, where it goes, what is in it. */
export const CHANGES: ReadonlySet<TaskIntent> = new Set(['payment', 'address', 'modify_items']);
