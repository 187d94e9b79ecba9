import type { AnyEvent } from '@baton/client';

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

/** What the panel shows, in order. `id` is stable across updates so the DOM can be patched. */
export type ChatItem =
  | { kind: 'user'; id: string; text: string }
  | { kind: 'assistant'; id: string; runId: string | null; text: string; streaming: boolean; final: boolean }
  | { kind: 'status'; id: string; runId: string; text: string; done: boolean }
  | { kind: 'notice'; id: string; text: string }
  | { kind: 'products'; id: string; runId: string; title: string; products: ProductLine[] }
  | { kind: 'order'; id: string; runId: string; order: OrderSummary }
  /** A form to fill in; `answered` once the shopper wrote again (through it or not). */
  | {
      kind: 'form';
      id: string;
      runId: string;
      title: string;
      description: string;
      fields: FormFieldView[];
      submitLabel: string;
      answered: boolean;
    };

export interface ChatView {
  items: readonly ChatItem[];
  /** Runs in progress: the assistant is "typing". */
  activeRuns: readonly string[];
  /** Replies offered as buttons (confirmations). */
  quickReplies: readonly string[];
  /**
   * Text streamed for a task whose TASK_STARTED has not arrived yet (deltas are published as they come, and
   * can overtake the stored status event): shown once the status line is, so status always comes first.
   */
  early: Readonly<Record<string, string>>;
}

export const emptyView: ChatView = { items: [], activeRuns: [], quickReplies: [], early: {} };

const asksToConfirm = /reply "?yes"? to confirm|shall i\b|should i\b|would you like me to|do you want me to/i;

/**
 * Folds one event into the view, returning a new view (never mutating the old one). Streamed deltas of a
 * task grow its bubble; the task's MESSAGE replaces the bubble's text (so a stream the client had to
 * withhold still ends complete); the run's final MESSAGE replaces its task bubbles with the one composed
 * reply. Event types the widget does not know are ignored.
 */
export function reduceView(view: ChatView, event: AnyEvent): ChatView {
  const runId = event.runId;
  const streamId = `stream:${runId}:${event.taskId}`;
  switch (event.type) {
    case 'RUN_STARTED':
      return runId ? { ...view, activeRuns: [...view.activeRuns, runId], quickReplies: [] } : view;
    case 'RUN_COMPLETED':
    case 'RUN_FAILED':
    case 'RUN_CANCELLED':
      return {
        ...view,
        activeRuns: view.activeRuns.filter((r) => r !== runId),
        items: view.items.map((i) => (i.kind === 'status' && i.runId === runId ? { ...i, done: true } : i)),
      };
    case 'TASK_STARTED': {
      if (!runId) return view;
      const status = event.data.statusMessage;
      const started = status
        ? upsert(view, { kind: 'status', id: `status:${runId}:${event.taskId}`, runId, text: status, done: false })
        : view;
      const early = started.early[streamId];
      if (early === undefined) return started;
      const { [streamId]: _, ...rest } = started.early;
      const bubble = { kind: 'assistant', id: streamId, runId, text: early, streaming: true, final: false } as const;
      return upsert({ ...started, early: rest }, bubble);
    }
    case 'MESSAGE_DELTA': {
      if (!event.taskId) return view;
      if (!view.items.some((i) => i.id === `status:${runId}:${event.taskId}`))
        return { ...view, early: { ...view.early, [streamId]: (view.early[streamId] ?? '') + event.data.delta } };
      const current = view.items.find((i) => i.id === streamId);
      const text = (current?.kind === 'assistant' ? current.text : '') + event.data.delta;
      return upsert(view, { kind: 'assistant', id: streamId, runId, text, streaming: true, final: false });
    }
    case 'MESSAGE': {
      const { role, text, final } = event.data;
      if (role === 'user') {
        const items = view.items.map((i) => (i.kind === 'form' && !i.answered ? { ...i, answered: true } : i));
        return { ...upsert({ ...view, items }, { kind: 'user', id: `user:${event.id}`, text }), quickReplies: [] };
      }
      if (final) {
        const items = mentionedOrders(view.items, runId, text).filter(
          (i) => !(i.kind === 'assistant' && i.runId === runId && !i.final),
        );
        const next = upsert(
          { ...view, items },
          { kind: 'assistant', id: `reply:${event.id}`, runId, text, streaming: false, final: true },
        );
        return { ...next, quickReplies: asksToConfirm.test(text) ? ['Yes, go ahead', 'No, thanks'] : [] };
      }
      if (role === 'human')
        return upsert(view, { kind: 'assistant', id: `reply:${event.id}`, runId, text, streaming: false, final: true });
      const done = mentionedOrders(view.items, runId, text).map((i) =>
        i.id === `status:${runId}:${event.taskId}` && i.kind === 'status' ? { ...i, done: true } : i,
      );
      return upsert(
        { ...view, items: done },
        { kind: 'assistant', id: streamId, runId, text, streaming: false, final: false },
      );
    }
    case 'TOOL_CALL': {
      if (!runId || event.data.toolError || event.data.refused) return view;
      const card = cardFor(event.data.tool, event.data.toolOutput, runId, event.id ?? streamId);
      return card ? upsert(view, card) : view;
    }
    default:
      return reduceDeskEvent(view, event);
  }
}

/** Hand-over notices; anything else is ignored. */
function reduceDeskEvent(view: ChatView, event: AnyEvent): ChatView {
  if (event.type === 'HUMAN_JOINED')
    return upsert(view, {
      kind: 'notice',
      id: `notice:${event.id}`,
      text: event.data.human ? `${event.data.human} from our team joined the chat` : 'A colleague joined the chat',
    });
  if (event.type === 'HANDED_BACK')
    return upsert(view, {
      kind: 'notice',
      id: `notice:${event.id}`,
      text: 'You are chatting with our assistant again',
    });
  return view;
}

/**
 * An agent looks up several orders to find the one meant ("cancel the office chair order"): once its answer names
 * some of them, the cards of the run's other orders go, and the latest card of each stays. An answer that names none
 * keeps them all.
 */
function mentionedOrders(items: readonly ChatItem[], runId: string | null | undefined, text: string): ChatItem[] {
  const cards = items.filter((i): i is Extract<ChatItem, { kind: 'order' }> => i.kind === 'order' && i.runId === runId);
  const named = new Set(cards.map((c) => c.order.orderId).filter((id) => text.includes(id)));
  if (!named.size) return [...items];
  // The latest card of an order is the one kept: a later lookup is the fresher state.
  const latest = new Map(cards.map((c) => [c.order.orderId, c.id]));
  return items.filter(
    (i) =>
      i.kind !== 'order' || i.runId !== runId || (named.has(i.order.orderId) && latest.get(i.order.orderId) === i.id),
  );
}

function upsert(view: ChatView, item: ChatItem): ChatView {
  const index = view.items.findIndex((i) => i.id === item.id);
  if (index < 0) return { ...view, items: [...view.items, item] };
  const items = view.items.slice();
  items[index] = item;
  return { ...view, items };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : null);
const optionText = (options: unknown) =>
  options && typeof options === 'object'
    ? Object.values(options as Record<string, unknown>)
        .map(String)
        .join(' · ')
    : '';

const FIELD_TYPES: ReadonlySet<string> = new Set(['text', 'email', 'tel', 'textarea', 'address']);

/** The fields of a form tool's output that the widget can draw; none when it is not a form. */
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

/** A card for the tool results a shopper cares about: products found, an order's status, a form to fill in. */
function cardFor(tool: string, output: unknown, runId: string, id: string): ChatItem | null {
  if (!output || typeof output !== 'object') return null;
  const o = output as Record<string, unknown>;
  if (tool.endsWith('.search_products')) {
    const exact = Array.isArray(o.results) ? o.results : [];
    const list = exact.length ? exact : Array.isArray(o.alternatives) ? o.alternatives : [];
    const products = list.slice(0, 4).map((p: Record<string, unknown>) => ({
      name: str(p.name),
      options: optionText(p.options),
      price: num(p.price),
      inStock: p.available !== false,
    }));
    if (!products.length) return null;
    return {
      kind: 'products',
      id: `card:${id}`,
      runId,
      title: exact.length ? 'Products' : 'Closest matches',
      products,
    };
  }
  const fields = formFields(o);
  if (fields.length)
    return {
      kind: 'form',
      id: `card:${id}`,
      runId,
      title: str(o.title) || 'Your details',
      description: str(o.description),
      fields,
      submitLabel: str(o.submit_label) || 'Send',
      answered: false,
    };
  if (tool.endsWith('.get_order_details') && typeof o.order_id === 'string') {
    const items = (Array.isArray(o.items) ? o.items : []).map((i: Record<string, unknown>) => ({
      name: str(i.name),
      options: optionText(i.options),
      price: num(i.price),
    }));
    const fulfillments = Array.isArray(o.fulfillments) ? (o.fulfillments as { tracking_id?: unknown }[]) : [];
    const tracking = fulfillments.flatMap((f) => (Array.isArray(f.tracking_id) ? f.tracking_id.map(String) : []));
    return {
      kind: 'order',
      id: `card:${id}`,
      runId,
      order: { orderId: o.order_id, status: str(o.status), items, tracking },
    };
  }
  return null;
}
