/** One product line of a product card. */
export interface ProductLine {
  name: string;
  options: string;
  price: number | null;
  inStock: boolean;
}

/** The order card's content. */
export interface OrderSummary {
  orderId: string;
  status: string;
  items: { name: string; options: string; price: number | null }[];
  tracking: string[];
}

/** One field of a form an agent asks the shopper to fill in (the store's request_user_info). */
export interface FormFieldView {
  name: string;
  label: string;
  type: 'text' | 'email' | 'tel' | 'textarea' | 'address';
  required: boolean;
  autocomplete?: string;
  placeholder?: string;
}

/**
 * What a shopper is shown for a tool result: products found, an order's status, or a form to fill in. The
 * storefront widget and the studio's playground draw the same cards from the same results.
 */
export type ToolCard =
  | {
      kind: 'products';
      title: string;
      products: ProductLine[];
      /** The search's words, as the store read them (its output's `query`); empty when it did not say. */
      query: string;
    }
  | { kind: 'order'; order: OrderSummary }
  | { kind: 'form'; title: string; description: string; fields: FormFieldView[]; submitLabel: string };

/**
 * A change the server holds until the shopper says yes (CONFIRMATION_REQUIRED), as the store described it from a
 * rehearsal: what the yes is given to, whatever the reply beside it says.
 */
export interface ChangeCard {
  kind: 'change';
  tool: string;
  title: string;
  lines: string[];
}

/** The card of a TOOL_CALL held for the shopper's yes, when the store described the change; otherwise null. */
export function heldChangeCard(data: {
  tool: string;
  toolErrorCode?: string | null;
  change?: { title: string; lines: readonly string[] } | null;
}): ChangeCard | null {
  if (data.toolErrorCode !== 'CONFIRMATION_REQUIRED' || !data.change) return null;
  return { kind: 'change', tool: data.tool, title: data.change.title, lines: [...data.change.lines] };
}

/** Tools whose output is the order as it stands: the read, and the changes (their output is the order after them). */
const ORDER_TOOLS =
  /\.(?:get_order_details|cancel_pending_order|modify_pending_order_(?:address|payment|items)|return_delivered_order_items|exchange_delivered_order_items)$/;

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : null);
const optionText = (options: unknown) =>
  options && typeof options === 'object'
    ? Object.values(options as Record<string, unknown>)
        .map(String)
        .join(' · ')
    : '';

const FIELD_TYPES: ReadonlySet<string> = new Set(['text', 'email', 'tel', 'textarea', 'address']);

/** The fields of a form tool's output that can be drawn; none when it is not a form. */
function formFields(o: Record<string, unknown>): FormFieldView[] {
  if (o.type !== 'form' || !Array.isArray(o.fields)) return [];
  return o.fields.flatMap((f: Record<string, unknown>) =>
    f && typeof f.name === 'string' && typeof f.label === 'string'
      ? [
          {
            name: f.name,
            label: f.label,
            type: FIELD_TYPES.has(str(f.type)) ? (f.type as FormFieldView['type']) : 'text',
            required: f.required === true,
            ...(typeof f.autocomplete === 'string' && { autocomplete: f.autocomplete }),
            ...(typeof f.placeholder === 'string' && { placeholder: f.placeholder }),
          },
        ]
      : [],
  );
}

/**
 * The card for a tool call's output (TOOL_CALL's `tool` and `toolOutput`), or null when the result is nothing a
 * shopper is shown. Calls that failed or were refused have no card.
 */
export function toolCard(tool: string, output: unknown): ToolCard | null {
  if (!output || typeof output !== 'object') return null;
  const o = output as Record<string, unknown>;
  if (tool.endsWith('.search_products')) {
    const exact = Array.isArray(o.results) ? o.results : [];
    const list = exact.length ? exact : Array.isArray(o.alternatives) ? o.alternatives : [];
    // What can be bought first, in the store's order otherwise: a card of four that led with a sold-out item showed
    // products the answer beside it did not offer ("the closest options in stock") and left out ones it did.
    const lines: ProductLine[] = list.map((p: Record<string, unknown>) => ({
      name: str(p.name),
      options: optionText(p.options),
      price: num(p.price),
      inStock: p.available !== false,
    }));
    const products = [...lines.filter((p) => p.inStock), ...lines.filter((p) => !p.inStock)].slice(0, 4);
    if (!products.length) return null;
    return { kind: 'products', title: exact.length ? 'Products' : 'Closest matches', products, query: str(o.query) };
  }
  const fields = formFields(o);
  if (fields.length)
    return {
      kind: 'form',
      title: str(o.title) || 'Your details',
      description: str(o.description),
      fields,
      submitLabel: str(o.submit_label) || 'Send',
    };
  if (ORDER_TOOLS.test(tool) && typeof o.order_id === 'string' && Array.isArray(o.items)) {
    const items = (Array.isArray(o.items) ? o.items : []).map((i: Record<string, unknown>) => ({
      name: str(i.name),
      options: optionText(i.options),
      price: num(i.price),
    }));
    const fulfillments = Array.isArray(o.fulfillments) ? (o.fulfillments as { tracking_id?: unknown }[]) : [];
    const tracking = fulfillments.flatMap((f) => (Array.isArray(f.tracking_id) ? f.tracking_id.map(String) : []));
    return { kind: 'order', order: { orderId: o.order_id, status: str(o.status), items, tracking } };
  }
  return null;
}

/**
 * An agent looks up several orders to find the one meant ("cancel the office chair order"): once its answer names
 * some of them, only those orders' cards stay, the latest card of each (a later lookup is the fresher state). An
 * answer that names none keeps them all. Returns the ids of the cards to keep.
 */
export function orderCardsKept<T extends { id: string; order: OrderSummary }>(
  cards: readonly T[],
  answer: string,
): Set<string> {
  const named = new Set(cards.map((c) => c.order.orderId).filter((id) => answer.includes(id)));
  if (!named.size) return new Set(cards.map((c) => c.id));
  const latest = new Map(cards.map((c) => [c.order.orderId, c.id]));
  return new Set(
    cards.filter((c) => named.has(c.order.orderId) && latest.get(c.order.orderId) === c.id).map((c) => c.id),
  );
}

const searchWords = (query: string) => new Set(query.toLowerCase().match(/[a-z0-9]+(?:\.[0-9]+)?/g) ?? []);

/**
 * Whether a search narrows an earlier one of the same run: asked again with every word of it and more ("tea kettle"
 * then "tea kettle induction"). The earlier card then goes: the answer is about what the later one found.
 */
export function narrowsSearch(later: string, earlier: string): boolean {
  const before = searchWords(earlier);
  const after = searchWords(later);
  return before.size > 0 && after.size > before.size && [...before].every((w) => after.has(w));
}

/**
 * What a filled-in form sends as the shopper's next message: the values in the fields' order, separated by commas,
 * as a shopper would type them ("jane@example.com, +1 555 0100"); the agent asked for those fields by name. Empty
 * when nothing was filled in.
 */
export function formAnswer(values: readonly string[]): string {
  return values
    .map((v) => v.trim())
    .filter(Boolean)
    .join(', ');
}
