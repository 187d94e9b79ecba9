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
