/**
 * Defensive readers for store tool outputs (tau-retail shapes). The store is written separately and
 * integrators add their own tools, so every reader accepts the plausible variants and drops the rest.
 */

export interface OrderItemView {
  name: string;
  productId?: string;
  itemId?: string;
  price?: number;
  options: Record<string, string>;
}

export interface OrderView {
  orderId: string;
  status?: string;
  items: OrderItemView[];
  trackingIds: string[];
  /** Carriers and shipping dates, when the store records them on the fulfilments. */
  carriers: string[];
  shippedAt?: string;
  deliveredAt?: string;
  address?: string;
  payments: { type?: string; amount?: number; methodId?: string }[];
  cancelReason?: string;
  returnItemIds: string[];
  returnMethodId?: string;
  exchangeItemIds: string[];
  exchangeNewItemIds: string[];
  exchangeMethodId?: string;
  exchangeDifference?: number;
}

export interface VariantView {
  name?: string;
  itemId?: string;
  productId?: string;
  options: Record<string, string>;
  price?: number;
  available?: boolean;
}

export interface ArticleView {
  title: string;
  content: string;
}

export interface RecommendationView {
  name: string;
  productId?: string;
  because?: string;
  ordersTogether?: number;
  items: VariantView[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() && !Number.isNaN(Number(v)) ? Number(v) : undefined;
const options = (v: unknown): Record<string, string> =>
  isObj(v) ? Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (str(x) ? [[k, str(x)!]] : []))) : {};
/** Values of an array, or of an object keyed by id (tau stores variants as `{ item_id: variant }`). */
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []);

/** A user id from an identity tool: `{ user_id }`, `{ id }` or the bare string. */
export function readUserId(output: unknown): string | undefined {
  if (typeof output === 'string') return output.trim() || undefined;
  if (isObj(output)) return str(output.user_id) ?? str(output.userId) ?? str(output.customer_id) ?? str(output.id);
  return undefined;
}

const firstOf = (o: Obj, ...keys: string[]) => keys.map((k) => str(o[k])).find(Boolean);
const fulfilmentDate = (o: Obj, ...keys: string[]) =>
  listOf(o.fulfillments ?? o.fulfilments)
    .filter(isObj)
    .map((f) => firstOf(f, ...keys))
    .find(Boolean);

/** "243 Hillcrest Drive, Suite 113, New York, NY 10192" from the store's address object (or its text). */
function addressText(a: unknown): string | undefined {
  if (!isObj(a)) return str(a);
  return [a.address1, a.address2, a.city, [a.state, a.zip].filter(Boolean).join(' ')]
    .map(str)
    .filter((x) => x?.trim())
    .join(', ');
}

export function readOrder(output: unknown): OrderView | undefined {
  const o = isObj(output) && isObj(output.order) ? output.order : output;
  if (!isObj(o)) return undefined;
  const orderId = str(o.order_id) ?? str(o.orderId) ?? str(o.id);
  if (!orderId) return undefined;
  const address = addressText(o.address);
  return {
    orderId,
    status: str(o.status),
    items: listOf(o.items)
      .filter(isObj)
      .map((i) => ({
        name: str(i.name) ?? str(i.product_name) ?? 'item',
        productId: str(i.product_id),
        itemId: str(i.item_id),
        price: num(i.price),
        options: options(i.options),
      })),
    trackingIds: [
      ...listOf(o.fulfillments ?? o.fulfilments).flatMap((f) =>
        isObj(f) ? listOf(f.tracking_id ?? f.tracking_ids).flatMap((t) => str(t) ?? []) : [],
      ),
      ...listOf(o.tracking_ids).flatMap((t) => str(t) ?? []),
    ],
    carriers: [
      ...new Set(
        listOf(o.fulfillments ?? o.fulfilments).flatMap((f) =>
          isObj(f) ? (str(f.carrier) ?? str(f.shipper) ?? []) : [],
        ),
      ),
    ],
    shippedAt: firstOf(o, 'shipped_at', 'shipped_on', 'ship_date') ?? fulfilmentDate(o, 'shipped_at', 'date'),
    deliveredAt: firstOf(o, 'delivered_at', 'delivered_on', 'delivery_date') ?? fulfilmentDate(o, 'delivered_at'),
    address,
    payments: listOf(o.payment_history ?? o.payments)
      .filter(isObj)
      .map((p) => ({
        type: str(p.transaction_type) ?? str(p.type),
        amount: num(p.amount),
        methodId: str(p.payment_method_id) ?? str(p.method),
      })),
    cancelReason: str(o.cancel_reason),
    returnItemIds: listOf(o.return_items).flatMap((x) => str(x) ?? []),
    returnMethodId: str(o.return_payment_method_id),
    exchangeItemIds: listOf(o.exchange_items).flatMap((x) => str(x) ?? []),
    exchangeNewItemIds: listOf(o.exchange_new_items).flatMap((x) => str(x) ?? []),
    exchangeMethodId: str(o.exchange_payment_method_id),
    exchangeDifference: num(o.exchange_price_difference),
  };
}

/** "PayPal", "your gift card", "your credit card", from a payment method id like `gift_card_8541487`. */
export function paymentMethodLabel(id: string | undefined): string {
  if (!id) return 'the original payment method';
  if (id.startsWith('gift_card')) return 'your gift card';
  if (id.startsWith('paypal')) return 'PayPal';
  if (id.startsWith('credit_card')) return 'your credit card';
  return id;
}

/** "Visa card ending 9182": a saved method's label with its card brand written as the brand writes it. */
export const brandCased = (label: string) =>
  label.replace(/^(visa|mastercard|amex|discover)\b/i, (b) => b.charAt(0).toUpperCase() + b.slice(1).toLowerCase());

export interface UserView {
  userId?: string;
  name?: string;
  email?: string;
  phone?: string;
  /** The account's default address. */
  address?: string;
  orderIds: string[];
  paymentMethods: { id: string; source?: string; label: string; balance?: number }[];
}

export function readUser(output: unknown): UserView | undefined {
  if (!isObj(output)) return undefined;
  const name = isObj(output.name)
    ? [str(output.name.first_name), str(output.name.last_name)].filter(Boolean).join(' ')
    : str(output.name);
  const methods = listOf(output.payment_methods ?? output.paymentMethods)
    .filter(isObj)
    .flatMap((m) => {
      const id = str(m.id) ?? str(m.payment_method_id);
      if (!id) return [];
      const source = str(m.source);
      const label =
        source === 'credit_card'
          ? `${str(m.brand) ?? 'credit'} card ending ${str(m.last_four) ?? '****'}`
          : source === 'gift_card'
            ? 'gift card'
            : source === 'paypal'
              ? 'PayPal'
              : (source ?? id);
      return [{ id, source, label, balance: num(m.balance) }];
    });
  return {
    userId: str(output.user_id) ?? str(output.id),
    name: name || undefined,
    email: str(output.email),
    phone: str(output.phone) ?? str(output.phone_number),
    address: addressText(output.address) || undefined,
    orderIds: listOf(output.orders).flatMap((o) => (isObj(o) ? (str(o.order_id) ?? []) : (str(o) ?? []))),
    paymentMethods: methods,
  };
}

function readVariant(v: unknown, productName?: string, productId?: string): VariantView | undefined {
  if (!isObj(v)) return undefined;
  return {
    name: str(v.name) ?? str(v.product_name) ?? productName,
    itemId: str(v.item_id) ?? str(v.itemId),
    productId: str(v.product_id) ?? productId,
    options: options(v.options),
    price: num(v.price),
    available:
      typeof v.available === 'boolean' ? v.available : typeof v.in_stock === 'boolean' ? v.in_stock : undefined,
  };
}

/** Search hits, product variants or a bare list: `{ results }`, `{ variants }`, `{ items }`, `[...]`. */
/** A search that found nothing at all: no match and no near miss. */
export function foundNothing(output: unknown): boolean {
  const { variants, alternatives } = readVariants(output);
  return variants.length + alternatives.length === 0;
}

export function readVariants(output: unknown): { variants: VariantView[]; alternatives: VariantView[]; note?: string } {
  if (Array.isArray(output)) return { variants: output.flatMap((v) => readVariant(v) ?? []), alternatives: [] };
  if (!isObj(output)) return { variants: [], alternatives: [] };
  const productName = str(output.name);
  const productId = str(output.product_id);
  const raw = output.results ?? output.variants ?? output.items ?? output.products ?? [];
  return {
    variants: listOf(raw).flatMap((v) => readVariant(v, productName, productId) ?? []),
    alternatives: listOf(output.alternatives).flatMap((v) => readVariant(v) ?? []),
    note: str(output.note),
  };
}

/** The query words a search's near misses matched, as the store reports them (`alternatives[].matched`). */
export function alternativesMatched(output: unknown): string[] {
  if (!isObj(output)) return [];
  return listOf(output.alternatives).flatMap((a) =>
    isObj(a) && Array.isArray(a.matched) ? a.matched.map((w) => String(w).toLowerCase()) : [],
  );
}

/** Knowledge articles: `{ results: [{ title, body|content|text|snippet }] }` or a bare list. */
export function readArticles(output: unknown): ArticleView[] {
  const raw = isObj(output) ? (output.results ?? output.articles ?? output.hits) : output;
  return listOf(raw)
    .filter(isObj)
    .flatMap((a) => {
      const title = str(a.title);
      const content = str(a.body) ?? str(a.content) ?? str(a.text) ?? str(a.snippet);
      return title && content ? [{ title, content }] : [];
    });
}

export function readRecommendations(output: unknown): { recommendations: RecommendationView[]; note?: string } {
  const raw = isObj(output) ? (output.recommendations ?? output.results ?? output.products) : output;
  return {
    recommendations: listOf(raw)
      .filter(isObj)
      .flatMap((r) => {
        const name = str(r.name) ?? str(r.product_name);
        if (!name) return [];
        return [
          {
            name,
            productId: str(r.product_id),
            because: isObj(r.because_of) ? str(r.because_of.name) : undefined,
            ordersTogether: num(r.orders_together),
            items: listOf(r.suggested_items ?? r.items).flatMap((v) => readVariant(v, name) ?? []),
          },
        ];
      }),
    note: isObj(output) ? str(output.note) : undefined,
  };
}

/** Any named field of an object output, as text: `field(output, 'ticket_id', 'id')`. */
export function field(output: unknown, ...names: string[]): string | undefined {
  if (!isObj(output)) return undefined;
  for (const n of names) {
    const v = str(output[n]);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function nested(output: unknown, key: string): unknown {
  return isObj(output) ? output[key] : undefined;
}
