import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../client/src/index.js';
import { emptyView, reduceView } from '../../widget/src/chat-view.js';

let id = 0;
const search = (query: string, stovetops: string[]) =>
  ({
    id: String(++id),
    type: 'TOOL_CALL',
    conversationId: 'c1',
    runId: 'r1',
    taskId: 't1',
    agentName: 'ProductExpertAgent',
    createdAt: '2026-12-06T10:00:00.000Z',
    data: {
      __typename: 'ToolCallData',
      tool: 'store.search_products',
      arguments: { query },
      toolOutput: {
        query,
        results: stovetops.map((s, i) => ({ item_id: `${s}${i}`, name: 'Tea Kettle', options: { s }, price: 90 })),
      },
      durationMs: 1,
    },
  }) as unknown as AnyEvent;

describe('the widget view of a run', () => {
  it('replaces the card of a search with the card of the search that narrows it', () => {
    let view = reduceView(emptyView, search('tea kettle', ['gas', 'electric']));
    view = reduceView(view, search('tea kettle induction', ['induction']));
    const cards = view.items.filter((i) => i.kind === 'products');
    expect(cards.map((c) => (c.kind === 'products' ? c.products.map((p) => p.options) : []))).toEqual([['induction']]);
    // Another search of the run is a card of its own.
    view = reduceView(view, search('water bottle', ['n/a']));
    expect(view.items.filter((i) => i.kind === 'products')).toHaveLength(2);
  });
});

describe('yes and no as buttons', () => {
  const event = (type: string, data: Record<string, unknown>) =>
    ({
      id: String(++id),
      type,
      conversationId: 'c1',
      runId: 'r2',
      taskId: 't1',
      agentName: 'OrderManagementAgent',
      createdAt: '2026-12-06T10:00:00.000Z',
      data,
    }) as unknown as AnyEvent;
  const reply = (text: string) => event('MESSAGE', { __typename: 'MessageData', role: 'assistant', text, final: true });
  const held = event('TOOL_CALL', {
    __typename: 'ToolCallData',
    tool: 'store.cancel_pending_order',
    arguments: { order_id: '#W1', reason: 'no longer needed' },
    toolError: 'Not done yet: …',
    toolErrorCode: 'CONFIRMATION_REQUIRED',
    durationMs: 0,
  });

  it('are offered after a change the server holds for the shopper, whatever the reply’s words', () => {
    const view = reduceView(reduceView(emptyView, held), reply('Order #W1 will be cancelled and refunded. OK?'));
    expect(view.quickReplies).toEqual(['Yes, go ahead', 'No, thanks']);
    expect(view.heldRuns).toEqual([]);
  });

  it('are not offered after a plain answer', () => {
    expect(reduceView(emptyView, reply('Order #W1 is on its way.')).quickReplies).toEqual([]);
  });
});

describe('the change the shopper is asked to agree to', () => {
  const event = (type: string, runId: string, data: Record<string, unknown>) =>
    ({
      id: String(++id),
      type,
      conversationId: 'c1',
      runId,
      taskId: 't1',
      agentName: 'OrderManagementAgent',
      createdAt: '2026-12-06T10:00:00.000Z',
      data,
    }) as unknown as AnyEvent;
  const change = { title: 'Cancel order #W1', lines: ['Skateboard (plain): $202.13', 'Refund $202.13 to PayPal'] };
  const cancel = (runId: string, extra: Record<string, unknown>) =>
    event('TOOL_CALL', runId, {
      __typename: 'ToolCallData',
      tool: 'store.cancel_pending_order',
      arguments: { order_id: '#W1', reason: 'no longer needed' },
      durationMs: 0,
      ...extra,
    });
  /** A run's read of order #W1 that answered `output`. */
  const orderRead = (runId: string, output: unknown) =>
    event('TOOL_CALL', runId, {
      __typename: 'ToolCallData',
      tool: 'store.get_order_details',
      arguments: { order_id: '#W1' },
      toolOutput: output,
      durationMs: 0,
    });
  const cards = (view: ReturnType<typeof reduceView>) =>
    view.items.flatMap((i) => (i.kind === 'change' ? [[i.title, i.lines, i.state]] : []));

  it("is shown as the store wrote it, whatever the model says, and follows the shopper's answer to the change made", () => {
    let view = reduceView(
      emptyView,
      cancel('r1', { toolError: 'Not done yet', toolErrorCode: 'CONFIRMATION_REQUIRED', change }),
    );
    expect(cards(view)).toEqual([[change.title, change.lines, 'waiting']]);
    view = reduceView(view, event('MESSAGE', 'r2', { __typename: 'MessageData', role: 'user', text: 'yes' }));
    expect(cards(view)).toEqual([[change.title, change.lines, 'answered']]);
    view = reduceView(view, cancel('r2', { toolOutput: { status: 'cancelled' }, consented: true }));
    expect(cards(view)).toEqual([[change.title, change.lines, 'done']]);
  });

  it('redraws the order card of the run with the order the change answers with, in place', () => {
    const order = (status: string) => ({
      order_id: '#W1',
      status,
      items: [{ name: 'Skateboard', options: { design: 'plain' }, price: 202.13 }],
      fulfillments: [],
    });
    let view = reduceView(emptyView, orderRead('r2', order('pending')));
    view = reduceView(view, cancel('r2', { toolOutput: order('cancelled'), consented: true }));
    const orders = view.items.filter((i) => i.kind === 'order');
    expect(orders.map((i) => (i.kind === 'order' ? [i.id, i.order.status] : []))).toEqual([
      [view.items[0]!.id, 'cancelled'],
    ]);
  });

  it('says done when a colleague made the change from the desk, and draws the order as it now stands', () => {
    let view = reduceView(
      emptyView,
      orderRead('r1', { order_id: '#W1', status: 'pending', items: [], fulfillments: [] }),
    );
    view = reduceView(
      view,
      cancel('r1', { toolError: 'Not done yet', toolErrorCode: 'CONFIRMATION_REQUIRED', change }),
    );
    const other = { title: 'Cancel order #W2', lines: ['Kettle: $10.00'] };
    view = reduceView(
      view,
      cancel('r2', { toolError: 'Not done yet', toolErrorCode: 'CONFIRMATION_REQUIRED', change: other }),
    );
    // A refused attempt changes nothing the shopper sees.
    const refused = reduceView(view, cancel('', { madeBy: 'Dana', change, toolError: 'Order is not pending' }));
    expect(refused).toEqual(view);
    view = reduceView(
      view,
      cancel('', {
        madeBy: 'Dana',
        change,
        toolOutput: {
          order_id: '#W1',
          status: 'cancelled',
          items: [{ name: 'Skateboard', price: 202.13 }],
          fulfillments: [],
        },
      }),
    );
    // Only the card of the change Dana made (by its store title), not the other held one of the same tool; the
    // order's card is redrawn in place.
    expect(cards(view)).toEqual([
      [change.title, change.lines, 'done'],
      [other.title, other.lines, 'waiting'],
    ]);
    expect(view.items.flatMap((i) => (i.kind === 'order' ? [i.order.status] : []))).toEqual(['cancelled']);
  });

  it('is not drawn for a held change the store did not describe (an external tool), nor for a refusal', () => {
    const held = reduceView(
      emptyView,
      cancel('r1', { toolError: 'Not done yet', toolErrorCode: 'CONFIRMATION_REQUIRED' }),
    );
    expect(cards(held)).toEqual([]);
    expect(held.heldRuns).toEqual(['r1']);
    const refused = reduceView(emptyView, cancel('r1', { toolError: 'No order #W1', toolErrorCode: 'NOT_FOUND' }));
    expect(refused.items).toEqual([]);
  });
});

describe('waiting for a person', () => {
  const desk = (type: string, data: Record<string, unknown>, agentName: string | null = 'Desk') =>
    ({
      id: String(++id),
      type,
      conversationId: 'c1',
      runId: null,
      taskId: null,
      agentName,
      createdAt: '2026-12-06T10:00:00.000Z',
      data,
    }) as unknown as AnyEvent;
  const requested = desk('HUMAN_REQUESTED', {
    __typename: 'HumanRequestedData',
    by: 'shopper',
    reason: '',
    ticketId: 'k',
  });
  const deskSays = (text: string) => desk('MESSAGE', { __typename: 'MessageData', role: 'assistant', text });

  it('offers to take the request back until a colleague joins, or it is withdrawn', () => {
    const waiting = reduceView(emptyView, requested);
    expect(waiting.waitingForPerson).toBe(true);
    // The shopper writing meanwhile, or the wait notice, changes nothing.
    const notice = reduceView(waiting, deskSays('You are in the queue for a colleague.'));
    expect(notice.waitingForPerson).toBe(true);
    expect(
      reduceView(notice, desk('HUMAN_JOINED', { __typename: 'HumanJoinedData', human: 'Dana', ticketId: 'k' }))
        .waitingForPerson,
    ).toBe(false);
    const withdrawn = reduceView(
      notice,
      desk('HUMAN_REQUEST_WITHDRAWN', { __typename: 'HumanRequestWithdrawnData', by: 'shopper', via: 'api' }),
    );
    expect(withdrawn.waitingForPerson).toBe(false);
  });

  it('tells the shopper when a colleague closed the chat, and who answers now', () => {
    let view = reduceView(emptyView, requested);
    view = reduceView(view, desk('HUMAN_JOINED', { __typename: 'HumanJoinedData', human: 'Dana', ticketId: 'k' }));
    view = reduceView(view, desk('RESOLVED', { __typename: 'ResolvedData', by: 'Dana', note: null, ticketId: 'k' }));
    expect(view.waitingForPerson).toBe(false);
    expect(view.items.filter((i) => i.kind === 'notice').map((i) => (i.kind === 'notice' ? i.text : ''))).toEqual([
      'Dana from our team joined the chat',
      'Our team closed this chat. Write again any time: our assistant will answer',
    ]);
  });

  it("keeps each of the desk's messages (the wait notice, then the confirmation), in order", () => {
    let view = reduceView(emptyView, requested);
    view = reduceView(view, deskSays('You are in the queue for a colleague.'));
    view = reduceView(
      view,
      desk('HUMAN_REQUEST_WITHDRAWN', { __typename: 'HumanRequestWithdrawnData', by: 'shopper', via: 'api' }),
    );
    view = reduceView(view, deskSays("Okay, I've cancelled the request for a colleague."));
    expect(view.items.map((i) => (i.kind === 'assistant' ? i.text : i.kind))).toEqual([
      'You are in the queue for a colleague.',
      "Okay, I've cancelled the request for a colleague.",
    ]);
  });
});
