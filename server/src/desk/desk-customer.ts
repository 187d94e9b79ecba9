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
  /** verified: from the storefront's token; chat: identified in the conversation (an email, or name and zip). */
  identifiedBy: 'verified' | 'chat';
  name: string;
  email: string;
  orders: DeskOrder[];
}

const ORDERS_SHOWN = 10;

/**
 * Who the shopper is, for the colleague: the conversation's verified customer, or the one an identity
 * tool found in the chat, with their latest orders. Null while nobody is identified.
 */
export async function loadDeskCustomer(
  db: DbOrTx,
  events: EventStore,
  conversation: { id: string; customerId: string | null },
): Promise<DeskCustomer | null> {
  let customerId = conversation.customerId;
  let identifiedBy: DeskCustomer['identifiedBy'] = 'verified';
  if (!customerId) {
    const calls = await events.list({ conversationId: conversation.id, types: ['TOOL_CALL'] });
    const found = calls.find((e) => e.type === 'TOOL_CALL' && e.data.identifiedCustomerId);
    customerId = found?.type === 'TOOL_CALL' ? (found.data.identifiedCustomerId ?? null) : null;
    identifiedBy = 'chat';
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
