import { describe, expect, it } from 'vitest';
import { conversationTurns } from '../../../studio/src/renderer/lib/conversation-turns.js';
import { cancelCall, ev, heldCancelChange, plan } from './event-fixtures.js';

describe('conversationTurns', () => {
  it('shows status messages as they come, then the streaming answer, then the final reply', () => {
    const events = [
      ev('MESSAGE', { role: 'user', text: 'where is my order?' }, { runId: null }),
      ev('RUN_STARTED', { mode: 'AUTO' }),
      ev('PLAN', { plan: plan([{ id: 't1', agent: 'OrderManagementAgent' }]), source: 'planner', attempts: 1 }),
      ev(
        'TASK_STARTED',
        { statusMessage: 'Checking your order…', instruction: 'x' },
        { taskId: 't1', agentName: 'OrderManagementAgent' },
      ),
      ev('MESSAGE_DELTA', { delta: 'Your order ' }, { taskId: 't1', agentName: 'OrderManagementAgent' }),
      ev('MESSAGE_DELTA', { delta: 'shipped.' }, { taskId: 't1', agentName: 'OrderManagementAgent' }),
    ];
    const [user, run] = conversationTurns(events);
    expect(user).toMatchObject({ kind: 'user', text: 'where is my order?' });
    expect(run).toMatchObject({
      kind: 'run',
      state: 'running',
      steps: [{ taskId: 't1', message: 'Checking your order…', state: 'running' }],
      parts: [{ taskId: 't1', text: 'Your order shipped.', done: false }],
      reply: null,
    });

    events.push(
      ev(
        'MESSAGE',
        { role: 'assistant', text: 'Your order shipped on Monday.' },
        { taskId: 't1', agentName: 'OrderManagementAgent' },
      ),
      ev('TASK_COMPLETED', { output: 'Your order shipped on Monday.', durationMs: 5 }, { taskId: 't1' }),
      ev('MESSAGE', { role: 'assistant', text: 'Your order shipped on Monday.', final: true }),
      ev('RUN_COMPLETED', { reply: 'Your order shipped on Monday.', durationMs: 9 }),
    );
    const done = conversationTurns(events)[1];
    expect(done).toMatchObject({
      state: 'completed',
      steps: [{ state: 'done' }],
      parts: [{ text: 'Your order shipped on Monday.', done: true }],
      reply: 'Your order shipped on Monday.',
    });
  });

  it('shows the card of a narrowed search in place of the search it narrows', () => {
    const search = (query: string, options: Record<string, string>[]) =>
      ev(
        'TOOL_CALL',
        {
          tool: 'store.search_products',
          arguments: { query },
          toolOutput: {
            query,
            results: options.map((o, i) => ({ item_id: String(i), name: 'Tea Kettle', options: o, price: 90 + i })),
          },
          durationMs: 1,
        },
        { taskId: 't1', agentName: 'ProductExpertAgent' },
      );
    const [, run] = conversationTurns([
      ev('MESSAGE', { role: 'user', text: 'a tea kettle for an induction stove' }, { runId: null }),
      ev('RUN_STARTED', { mode: 'AUTO' }),
      search('tea kettle', [{ stovetop: 'gas' }, { stovetop: 'electric' }]),
      search('tea kettle induction', [{ stovetop: 'induction' }]),
      search('hoodie', [{ size: 'M' }]),
    ]);
    const cards = run?.kind === 'run' ? run.cards : [];
    expect(cards.map((c) => (c.kind === 'products' ? c.products.map((p) => p.options) : []))).toEqual([
      ['induction'],
      ['M'],
    ]);
  });

  it('marks paused, failed and cancelled runs', () => {
    const paused = conversationTurns([
      ev('RUN_STARTED', { mode: 'STEP' }, { runId: 'p' }),
      ev('RUN_PAUSED', { nextTaskIds: ['t1'], pauseReason: 'planned' }, { runId: 'p' }),
    ]);
    expect(paused[0]).toMatchObject({ state: 'paused' });
    const failed = conversationTurns([
      ev('RUN_STARTED', { mode: 'AUTO' }, { runId: 'f' }),
      ev(
        'RUN_FAILED',
        { code: 'MODEL_ERROR', reason: 'timeout', message: 'Sorry, something went wrong.' },
        { runId: 'f' },
      ),
    ]);
    expect(failed[0]).toMatchObject({ state: 'failed', error: 'Sorry, something went wrong.' });
  });

  it("shows a held change as the store wrote it, answered by the shopper's next message, done once it is made", () => {
    const events = [
      ev('MESSAGE', { role: 'user', text: 'cancel #W1' }, { runId: null }),
      cancelCall('r1', { toolError: 'Not done yet', toolErrorCode: 'CONFIRMATION_REQUIRED', change: heldCancelChange }),
    ];
    const cards = () => conversationTurns(events).flatMap((t) => (t.kind === 'run' ? t.cards : []));
    expect(cards()).toEqual([
      expect.objectContaining({
        kind: 'change',
        title: heldCancelChange.title,
        lines: heldCancelChange.lines,
        answered: false,
        done: false,
      }),
    ]);
    events.push(ev('MESSAGE', { role: 'user', text: 'Yes, go ahead' }, { runId: null }));
    expect(cards()).toEqual([expect.objectContaining({ kind: 'change', answered: true, done: false })]);
    events.push(cancelCall('r2', { toolOutput: { status: 'cancelled' }, consented: true }));
    expect(cards()).toEqual([expect.objectContaining({ kind: 'change', answered: true, done: true })]);
    // The run's order card shows the order as the change left it, not as it was read before.
    const order = (status: string) => ({ order_id: '#W1', status, items: [{ name: 'Skateboard', price: 10 }] });
    events.push(
      ev('MESSAGE', { role: 'user', text: 'cancel it' }, { runId: null }),
      ev(
        'TOOL_CALL',
        { tool: 'store.get_order_details', arguments: {}, toolOutput: order('pending'), durationMs: 1 },
        { runId: 'r4' },
      ),
      cancelCall('r4', { toolOutput: order('cancelled'), consented: true }),
    );
    const run4 = conversationTurns(events).find((t) => t.kind === 'run' && t.runId === 'r4');
    expect(run4?.kind === 'run' && run4.cards.map((c) => (c.kind === 'order' ? c.order.status : c.kind))).toEqual([
      'cancelled',
    ]);
    // A held call the store did not describe (an external tool) draws no card.
    events.push(cancelCall('r3', { toolError: 'Not done yet', toolErrorCode: 'CONFIRMATION_REQUIRED' }));
    expect(cards().filter((c) => c.kind === 'change')).toHaveLength(1);
  });
});
