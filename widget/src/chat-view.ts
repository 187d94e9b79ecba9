import {
  type AnyEvent,
  type ChangeCard,
  type FormFieldView,
  heldChangeCard,
  narrowsSearch,
  type OrderSummary,
  orderCardsKept,
  type ProductLine,
  toolCard,
} from '@baton/client';

/** What the panel shows, in order. `id` is stable across updates so the DOM can be patched. */
export type ChatItem =
  | { kind: 'user'; id: string; text: string }
  | {
      kind: 'assistant';
      id: string;
      runId: string | null;
      text: string;
      streaming: boolean;
      final: boolean;
      /** A colleague's name on their own message: the shopper sees a person wrote it, not the bot. */
      author?: string;
    }
  | { kind: 'status'; id: string; runId: string; text: string; done: boolean }
  | { kind: 'notice'; id: string; text: string }
  | { kind: 'products'; id: string; runId: string; title: string; products: ProductLine[]; query: string }
  | { kind: 'order'; id: string; runId: string; order: OrderSummary }
  /**
   * A change the server holds until the shopper says yes, as the store described it (not the model's words):
   * `waiting` for their answer, `answered` once they wrote again, `done` once the change was made.
   */
  | (ChangeCard & { id: string; runId: string; state: 'waiting' | 'answered' | 'done' })
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
  /** Runs whose change the server holds until the shopper says yes: their reply offers yes and no as buttons. */
  heldRuns: readonly string[];
  /**
   * The shopper asked for a person and no colleague has taken the conversation yet: they may take the request
   * back (withdrawHumanRequest). Follows the hand-off events, so a reload or another tab shows the same.
   */
  waitingForPerson: boolean;
}

export const emptyView: ChatView = {
  items: [],
  activeRuns: [],
  quickReplies: [],
  early: {},
  heldRuns: [],
  waitingForPerson: false,
};

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
        const items = view.items.map((i) =>
          i.kind === 'form' && !i.answered
            ? { ...i, answered: true }
            : i.kind === 'change' && i.state === 'waiting'
              ? { ...i, state: 'answered' as const }
              : i,
        );
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
        const asks = asksToConfirm.test(text) || (!!runId && next.heldRuns.includes(runId));
        return {
          ...next,
          quickReplies: asks ? ['Yes, go ahead', 'No, thanks'] : [],
          heldRuns: next.heldRuns.filter((r) => r !== runId),
        };
      }
      // A colleague's message, or one of the desk's (the wait notice, a withdrawal's confirmation): no run, no stream.
      if (role === 'human')
        return upsert(view, {
          kind: 'assistant',
          id: `reply:${event.id}`,
          runId,
          text,
          streaming: false,
          final: true,
          author: event.data.author || 'Our team',
        });
      if (!runId)
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
      if (runId && event.data.toolErrorCode === 'CONFIRMATION_REQUIRED') {
        const held = view.heldRuns.includes(runId) ? view : { ...view, heldRuns: [...view.heldRuns, runId] };
        const card = heldChangeCard(event.data);
        return card ? upsert(held, { ...card, id: `change:${event.id ?? streamId}`, runId, state: 'waiting' }) : held;
      }
      if (runId && event.data.consented && !event.data.toolError) {
        // The change the shopper said yes to was made: its card says so (the latest card of that tool).
        const card = [...view.items].reverse().find((i) => i.kind === 'change' && i.tool === event.data.tool);
        if (card?.kind === 'change') return upsert(view, { ...card, state: 'done' });
      }
      if (event.data.madeBy && !event.data.toolError) return madeByColleague(view, event);
      if (!runId || event.data.toolError || event.data.refused) return view;
      const card = toolCard(event.data.tool, event.data.toolOutput);
      if (!card) return view;
      // A change answers with the order after it: it redraws the run's card of that order, in place.
      const earlier =
        card.kind === 'order'
          ? view.items.find((i) => i.kind === 'order' && i.runId === runId && i.order.orderId === card.order.orderId)
          : undefined;
      const id = earlier?.id ?? `card:${event.id ?? streamId}`;
      // A search asked again with more words replaces the card of the one it narrows (narrowsSearch).
      const kept =
        card.kind === 'products'
          ? {
              ...view,
              items: view.items.filter(
                (i) => !(i.kind === 'products' && i.runId === runId && narrowsSearch(card.query, i.query)),
              ),
            }
          : view;
      return upsert(kept, card.kind === 'form' ? { ...card, id, runId, answered: false } : { ...card, id, runId });
    }
    default:
      return reduceDeskEvent(view, event);
  }
}

/**
 * A change a colleague made from the desk: the card the shopper was shown for it (same tool, same store title) says
 * it is done, and the order is drawn as it now stands.
 */
function madeByColleague(view: ChatView, event: Extract<AnyEvent, { type: 'TOOL_CALL' }>): ChatView {
  const title = event.data.change?.title;
  const shown = view.items.find((i) => i.kind === 'change' && i.tool === event.data.tool && i.title === title);
  const next = shown?.kind === 'change' ? upsert(view, { ...shown, state: 'done' }) : view;
  const card = toolCard(event.data.tool, event.data.toolOutput);
  if (card?.kind !== 'order') return next;
  // The order's card on screen is redrawn in place; without one, it is drawn.
  const earlier = [...next.items]
    .reverse()
    .find(
      (i): i is Extract<ChatItem, { kind: 'order' }> => i.kind === 'order' && i.order.orderId === card.order.orderId,
    );
  return upsert(
    next,
    earlier ? { ...earlier, ...card } : { ...card, id: `card:${event.id}`, runId: `desk:${event.id}` },
  );
}

/** Hand-over notices, and whether the shopper waits for a person; anything else is ignored. */
function reduceDeskEvent(view: ChatView, event: AnyEvent): ChatView {
  if (event.type === 'HUMAN_REQUESTED') return { ...view, waitingForPerson: true };
  // A withdrawal is told by the desk's confirmation, a message of its own.
  if (event.type === 'HUMAN_REQUEST_WITHDRAWN') return { ...view, waitingForPerson: false };
  // Closed by a colleague: the shopper's next message goes to the assistant, so they are told who answers now.
  if (event.type === 'RESOLVED')
    return upsert(
      { ...view, waitingForPerson: false },
      {
        kind: 'notice',
        id: `notice:${event.id}`,
        text: 'Our team closed this chat. Write again any time: our assistant will answer',
      },
    );
  if (event.type === 'HUMAN_JOINED')
    return upsert(
      { ...view, waitingForPerson: false },
      {
        kind: 'notice',
        id: `notice:${event.id}`,
        text: event.data.human ? `${event.data.human} from our team joined the chat` : 'A colleague joined the chat',
      },
    );
  if (event.type === 'HANDED_BACK')
    return upsert(view, {
      kind: 'notice',
      id: `notice:${event.id}`,
      text: 'You are chatting with our assistant again',
    });
  return view;
}

/** Once the run's answer names some of the orders it looked up, the cards of the others go (orderCardsKept). */
function mentionedOrders(items: readonly ChatItem[], runId: string | null | undefined, text: string): ChatItem[] {
  const cards = items.filter((i): i is Extract<ChatItem, { kind: 'order' }> => i.kind === 'order' && i.runId === runId);
  const kept = orderCardsKept(cards, text);
  return items.filter((i) => i.kind !== 'order' || i.runId !== runId || kept.has(i.id));
}

function upsert(view: ChatView, item: ChatItem): ChatView {
  const index = view.items.findIndex((i) => i.id === item.id);
  if (index < 0) return { ...view, items: [...view.items, item] };
  const items = view.items.slice();
  items[index] = item;
  return { ...view, items };
}
