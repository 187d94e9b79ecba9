import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { CHANGE_SUMMARY_MAX_LINES, type ChangeSummary } from '../domain/change-summary.js';
import { isBatonError } from '../errors.js';
import { getOrderDetails } from './orders.js';
import { storeVariants } from './schema/index.js';
import type { StoreCallContext } from './store-call-context.js';
import type { DatasetOrder, DatasetUser } from './store-dataset.js';
import { getUserDetails, loadUser } from './users.js';

type Address = DatasetOrder['address'];
type Methods = DatasetUser['payment_methods'];

/** What a description reads: the call, the order or account before it and after it, and the store's own names. */
interface ChangeFacts {
  args: Record<string, unknown>;
  before: DatasetOrder;
  after: DatasetOrder;
  method(id: unknown): string;
  /** An item by id: one of the order's, or a variant of the catalogue ("Skateboard (custom, 28 inch, plastic)"). */
  item(id: string): string;
}

const money = (dollars: number) => `$${dollars.toFixed(2)}`;
/** "Hiking Boots (12, synthetic, waterproof)": an option that is a yes or a no reads as its name. */
const itemLabel = (name: string, options: Record<string, string>) => {
  const values = Object.entries(options).map(([k, v]) => (v === 'yes' ? k : v === 'no' ? `not ${k}` : v));
  return values.length ? `${name} (${values.join(', ')})` : name;
};
const addressLine = (a: Address) =>
  [a.address1, a.address2, a.city, [a.state, a.zip].filter(Boolean).join(' '), a.country].filter(Boolean).join(', ');
const ids = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The payments a change adds to the order's history, in words: "Refund $202.13 to PayPal" (a $0 entry says nothing). */
function newPayments(f: ChangeFacts): string[] {
  return f.after.payment_history
    .slice(f.before.payment_history.length)
    .filter((p) => p.amount !== 0)
    .map(
      (p) =>
        `${p.transaction_type === 'refund' ? 'Refund' : 'Charge'} ${money(p.amount)} to ${f.method(p.payment_method_id)}`,
    );
}

/** "Skateboard (plain, …) → Skateboard (custom, …)" for each swap of the call, in its order. */
function swaps(f: ChangeFacts): string[] {
  const newIds = ids(f.args.new_item_ids);
  return ids(f.args.item_ids).map((id, i) => {
    const to = newIds[i] ?? '';
    return `${f.item(id)} → ${to === id ? 'a new one, the same' : f.item(to)}`;
  });
}

/** The store's writes that a shopper agrees to first, each described from its rehearsal. */
const describers: Readonly<Record<string, (f: ChangeFacts) => ChangeSummary>> = {
  cancel_pending_order: (f) => ({
    title: `Cancel order ${f.before.order_id}`,
    lines: [
      ...f.before.items.map((i) => `${itemLabel(i.name, i.options)}: ${money(i.price)}`),
      ...newPayments(f),
      ...(typeof f.args.reason === 'string' ? [`Reason: ${f.args.reason}`] : []),
    ],
  }),
  modify_pending_order_address: (f) => ({
    title: `Ship order ${f.before.order_id} to another address`,
    lines: [`New address: ${addressLine(f.after.address)}`, `Instead of: ${addressLine(f.before.address)}`],
  }),
  modify_pending_order_payment: (f) => ({
    title: `Pay order ${f.before.order_id} with ${f.method(f.args.payment_method_id)}`,
    lines: newPayments(f),
  }),
  modify_pending_order_items: (f) => ({
    title: `Change items of order ${f.before.order_id}`,
    lines: [...swaps(f), ...newPayments(f), 'After this, the order can no longer be changed or cancelled.'],
  }),
  return_delivered_order_items: (f) => {
    const returned = ids(f.args.item_ids);
    const prices = new Map(f.before.items.map((i) => [i.item_id, i.price]));
    const refund = returned.reduce((sum, id) => sum + (prices.get(id) ?? 0), 0);
    return {
      title: `Return items of order ${f.before.order_id}`,
      lines: [
        ...returned.map((id) => `${f.item(id)}: ${money(prices.get(id) ?? 0)}`),
        `Refund ${money(refund)} to ${f.method(f.after.return_payment_method_id)} once the items arrive`,
      ],
    };
  },
  exchange_delivered_order_items: (f) => {
    const difference = f.after.exchange_price_difference ?? 0;
    const method = f.method(f.after.exchange_payment_method_id);
    return {
      title: `Exchange items of order ${f.before.order_id}`,
      lines: [
        ...swaps(f),
        difference > 0
          ? `Pay the difference, ${money(difference)}, with ${method}`
          : difference < 0
            ? `Refund of the difference, ${money(-difference)}, to ${method}`
            : 'The same price: nothing to pay',
        "After this, the order's items cannot be exchanged again.",
      ],
    };
  },
};

/** The store's writes to the account that a shopper agrees to first, each described from the user before and after. */
const accountDescribers: Readonly<Record<string, (before: DatasetUser, after: DatasetUser) => ChangeSummary>> = {
  modify_user_address: (before, after) => ({
    title: 'Change your default address',
    lines: [
      `New address: ${addressLine(after.address)}`,
      `Instead of: ${addressLine(before.address)}`,
      'Orders already placed keep their addresses.',
    ],
  }),
};

/** A payment method in the shopper's words: "Visa card ending 9135", "PayPal", "gift card". */
function methodNamer(methods: Methods) {
  return (id: unknown) => {
    const m = typeof id === 'string' ? methods[id] : undefined;
    if (!m) return String(id ?? 'the original payment method');
    if (m.source === 'credit_card')
      return `${m.brand.charAt(0).toUpperCase()}${m.brand.slice(1)} card ending ${m.last_four}`;
    return m.source === 'gift_card' ? 'gift card' : 'PayPal';
  };
}

/** The order or account a call names, as the caller may read it now; undefined when it may not (the call says why). */
async function subjectOf(
  tx: DbOrTx,
  ctx: StoreCallContext,
  args: Record<string, unknown>,
): Promise<DatasetOrder | DatasetUser | undefined> {
  try {
    if (typeof args.order_id === 'string') return await getOrderDetails(tx, ctx, args.order_id);
    if (typeof args.user_id === 'string') return await getUserDetails(tx, ctx, args.user_id);
  } catch (err) {
    if (!isBatonError(err)) throw err;
  }
  return undefined;
}

/**
 * Runs a store write that is being rehearsed (the caller rolls the transaction back) and says what it would change,
 * in the shopper's words, from the state before and after it and the store's names for items and payment methods.
 * Tools the shopper need not agree to are run and not described.
 */
export async function rehearseChange(
  tx: DbOrTx,
  ctx: StoreCallContext,
  tool: string,
  args: Record<string, unknown>,
  run: () => Promise<unknown>,
): Promise<{ output: unknown; change?: ChangeSummary }> {
  const describe = describers[tool];
  const describeAccount = accountDescribers[tool];
  const before = describe || describeAccount ? await subjectOf(tx, ctx, args) : undefined;
  const output = await run();
  if (!before) return { output };
  if (describeAccount) return { output, change: describeAccount(before as DatasetUser, output as DatasetUser) };
  if (!describe) return { output };
  const order = before as DatasetOrder;
  const after = output as DatasetOrder;
  const wanted = [...ids(args.item_ids), ...ids(args.new_item_ids)].filter(
    (id) => !order.items.some((i) => i.item_id === id),
  );
  const [user, variants] = await Promise.all([
    loadUser(tx, order.user_id),
    wanted.length
      ? tx
          .select({ id: storeVariants.itemId, name: storeVariants.productName, options: storeVariants.options })
          .from(storeVariants)
          .where(inArray(storeVariants.itemId, wanted))
      : [],
  ]);
  const labels = new Map<string, string>([
    ...variants.map((v) => [v.id, itemLabel(v.name, v.options)] as const),
    ...order.items.map((i) => [i.item_id, itemLabel(i.name, i.options)] as const),
  ]);
  return {
    output,
    change: fitted(
      describe({
        args,
        before: order,
        after,
        method: methodNamer(user.payment_methods),
        item: (id) => labels.get(id) ?? `item ${id}`,
      }),
    ),
  };
}

/** Within the schema's bound on lines: a very large order's lines end with how many more there are. */
function fitted(change: ChangeSummary): ChangeSummary {
  if (change.lines.length <= CHANGE_SUMMARY_MAX_LINES) return change;
  const kept = change.lines.slice(0, CHANGE_SUMMARY_MAX_LINES - 1);
  return { ...change, lines: [...kept, `…and ${change.lines.length - kept.length} more lines`] };
}
