import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { storeRefusalReasonList } from '../../../server/src/store/store-refusals.js';
import { DeskTranscript } from '../../../studio/src/renderer/desk/desk-transcript.js';
import { ToolCalls } from '../../../studio/src/renderer/inspector/tool-calls.js';
import type { StudioEventOf } from '../../../studio/src/renderer/lib/baton-event.js';
import { describeEvent } from '../../../studio/src/renderer/lib/describe-event.js';
import { knownRefusalReasons, storeRefusal } from '../../../studio/src/renderer/lib/store-refusal.js';
import { cancelCall, heldCancelChange } from './event-fixtures.js';

const text = (html: string) => html.replace(/<[^>]+>/g, '|').replaceAll('&#x27;', "'");

/** The store's refusal of a cancellation: the order was delivered meanwhile. */
const refusedCancel = (data: Record<string, unknown> = {}) =>
  cancelCall('r1', {
    toolError: 'Order #W1 is delivered: only a pending order can be cancelled.',
    toolErrorCode: 'CONFLICT',
    refusalReason: 'ORDER_NOT_PENDING',
    refusalFacts: { order_id: '#W1', status: 'delivered' },
    ...data,
  }) as StudioEventOf<'TOOL_CALL'>;

describe("a store refusal's reason", () => {
  it('has words for every reason the store gives, and shows a reason it does not know by its code', () => {
    expect([...knownRefusalReasons].sort()).toEqual([...storeRefusalReasonList].sort());
    expect(storeRefusal('SOMETHING_NEW', { order_id: '#W1' })).toEqual({
      code: 'SOMETHING_NEW',
      title: 'SOMETHING_NEW',
      facts: [{ label: 'Order id', value: '#W1' }],
    });
    expect(storeRefusal(null, null)).toBeNull();
  });

  it("shows the designer the reason in words and the store's facts on the refused tool call", () => {
    const html = text(renderToStaticMarkup(createElement(ToolCalls, { calls: [refusedCancel()] })));
    expect(html).toContain('refused by the store');
    expect(html).toContain('The order is no longer pending, so it cannot be changed');
    expect(html).toContain('ORDER_NOT_PENDING');
    expect(html).toContain('|Order id||#W1||Status||delivered|');
    // A call the store did not refuse says nothing of it.
    const ok = text(
      renderToStaticMarkup(
        createElement(ToolCalls, {
          calls: [cancelCall('r1', { toolOutput: { status: 'cancelled' } }) as StudioEventOf<'TOOL_CALL'>],
        }),
      ),
    );
    expect(ok).not.toContain('refused');
  });

  it("names the reason on the run's timeline", () => {
    expect(describeEvent(refusedCancel())).toBe(
      'The store refused store.cancel_pending_order: The order is no longer pending, so it cannot be changed (Order id #W1, Status delivered)',
    );
  });

  it("tells the colleague on the desk why the store refused the change they made, with the order's status", () => {
    const made = refusedCancel({ madeBy: 'Dana', change: heldCancelChange });
    const html = text(renderToStaticMarkup(createElement(DeskTranscript, { conversationId: 'c1', events: [made] })));
    expect(html).toContain('Dana could not make: |Cancel order #W1|');
    expect(html).toContain(
      'The store refused: The order is no longer pending, so it cannot be changed (Order id #W1, Status delivered)',
    );
  });
});
