import type { DbOrTx } from '../db/client.js';
import type { EventStore } from '../db/event-store.js';
import { getOrderDetails } from '../store/orders.js';
import { adminStoreContext } from '../store/store-call-context.js';
import { loadUser } from '../store/users.js';

export interface DeskOrder {
  id: string;
  status: string;
  items: string[];
  total: number;
}

export interface DeskCustomer {
  customerId: string;
  /** verified: a storefront token, an API key or a one-time code; chat: an email (or name and zip) under identityPolicy: email. */
  identifiedBy: 'verified' | 'chat';
  name: string;
  email: string;
  orders: DeskOrder[];
}

const ORDERS_SHOWN = 10;

/**
 * Who the shopper is, for the colleague: the conversation's verified customer, with their latest
 * orders. Null while nobody is verified (a claim alone names nobody).
 */
export async function loadDeskCustomer(
  db: DbOrTx,
  events: EventStore,
  conversation: { id: string; customerId: string | null },
): Promise<DeskCustomer | null> {
  let customerId = conversation.customerId;
  let identifiedBy: DeskCustomer['identifiedBy'] = 'verified';
  if (!customerId) {
    // Verified in the chat: a one-time code, or (identityPolicy: email) an email or name and zip.
    const changes = await events.list({ conversationId: conversation.id, types: ['IDENTITY'] });
    const found = changes.findLast((e) => e.type === 'IDENTITY' && e.data.level === 'verified' && e.data.customerId);
    customerId = found?.type === 'IDENTITY' ? (found.data.customerId ?? null) : null;
    identifiedBy = found?.type === 'IDENTITY' && found.data.method === 'email_code' ? 'verified' : 'chat';
  }
  if (!customerId) return null;
  const user = await loadUser(db, customerId).catch(() => null);
  if (!user) return null;
  const orders = await Promise.all(
    user.orders
      .slice(-ORDERS_SHOWN)
      .reverse()
      .map((id) => getOrderDetails(db, adminStoreContext(), id)),
  );
  return {
    customerId,
    identifiedBy,
    name: `${user.name.first_name} ${user.name.last_name}`,
    email: user.email,
    orders: orders.map((o) => ({
      id: o.order_id,
      status: o.status,
      items: o.items.map((i) => i.name),
      total: Math.round(o.items.reduce((sum, i) => sum + i.price, 0) * 100) / 100,
    })),
  };
}
