import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DeskTranscript } from '../../../../studio/src/renderer/desk/desk-transcript.js';
import { cancelCall, ev, heldCancelChange } from '../event-fixtures.js';

describe('the desk transcript', () => {
  it('shows the colleague the change the shopper was asked to agree to, as the store wrote it, and when it was made', () => {
    const events = [
      ev('MESSAGE', { role: 'user', text: 'cancel #W1' }, { runId: null }),
      ev('TOOL_CALL', { tool: 'store.get_order_details', arguments: {}, toolOutput: {}, durationMs: 1 }),
      cancelCall('r1', { toolError: 'Not done yet', toolErrorCode: 'CONFIRMATION_REQUIRED', change: heldCancelChange }),
      ev('MESSAGE', { role: 'user', text: 'yes' }, { runId: null }),
      cancelCall('r2', { toolOutput: { status: 'cancelled' }, consented: true }),
    ];
    const html = renderToStaticMarkup(createElement(DeskTranscript, { conversationId: 'c1', events }));
    const text = html.replace(/<[^>]+>/g, '|').replaceAll('&#x27;', "'");
    expect(text).toContain('Asked the shopper to agree to: |Cancel order #W1|');
    expect(text).toContain('|Skateboard: $10.00||Refund $10.00 to PayPal|');
    expect(text).toContain("Done after the shopper's yes: Cancel order #W1");
    // Reads are not the colleague's business here: the run inspector has them.
    expect(html).not.toContain('get_order_details');
    // Made after the yes: nothing left for a colleague to make, even for the owner.
    const owned = renderToStaticMarkup(
      createElement(DeskTranscript, { conversationId: 'c1', events, onMake: () => {} }),
    );
    expect(owned).not.toContain('Make this change');
  });

  it('offers the owner to make a held change, and shows the change a colleague made, or the store refused', () => {
    const held = cancelCall('r1', {
      toolError: 'Not done yet',
      toolErrorCode: 'CONFIRMATION_REQUIRED',
      change: heldCancelChange,
    });
    const render = (events: ReturnType<typeof ev>[], onMake?: () => void) =>
      renderToStaticMarkup(createElement(DeskTranscript, { conversationId: 'c1', events, onMake }))
        .replace(/<[^>]+>/g, '|')
        .replaceAll('&#x27;', "'");
    expect(render([held], () => {})).toContain('Make this change…');
    // Not the owner (no onMake): the proposal alone.
    expect(render([held])).not.toContain('Make this change');
    const byDana = (data: Record<string, unknown>) =>
      cancelCall('', { madeBy: 'Dana', proposalEventId: Number(held.id), change: heldCancelChange, ...data });
    const made = render([held, byDana({ toolOutput: { status: 'cancelled' } })], () => {});
    expect(made).toContain('Made by Dana: |Cancel order #W1|');
    expect(made).not.toContain('Make this change');
    const refused = render(
      [held, byDana({ toolError: 'Order is not pending', toolErrorCode: 'INVALID_STATE' })],
      () => {},
    );
    expect(refused).toContain('Dana could not make: |Cancel order #W1|');
    expect(refused).toContain('The store refused: Order is not pending');
    // A refusal leaves the proposal open.
    expect(refused).toContain('Make this change…');
    // A held call no store describes (an external server's tool): by its name and arguments, to be made all the same.
    const external = ev(
      'TOOL_CALL',
      {
        tool: 'shop.refund',
        arguments: { order: 'A1' },
        toolErrorCode: 'CONFIRMATION_REQUIRED',
        toolError: 'held',
        durationMs: 1,
      },
      { runId: 'r3', agentName: 'RefundsAgent' },
    );
    const described = render([external], () => {});
    expect(described).toContain('Asked the shopper to agree to: |shop.refund|');
    expect(described).toContain('|{&quot;order&quot;:&quot;A1&quot;}|');
    expect(described).toContain('Make this change…');
  });

  it("keeps agent assist's proposal in the transcript, to be made, once a later message replaced its suggestion", () => {
    const suggestion = ev('SUGGESTION', {
      answersMessageEventId: 1,
      text: 'I can cancel #W1. Reply yes to confirm.',
      agents: ['OrderManagementAgent'],
      proposedToolCalls: [
        { tool: 'store.cancel_pending_order', arguments: { order_id: '#W1' }, change: heldCancelChange },
      ],
    });
    const yes = ev('MESSAGE', { role: 'user', text: 'yes' }, { runId: null });
    const render = (events: ReturnType<typeof ev>[], current?: string) =>
      renderToStaticMarkup(createElement(DeskTranscript, { conversationId: 'c1', events, onMake: () => {}, current }))
        .replace(/<[^>]+>/g, '|')
        .replaceAll('&#x27;', "'");
    // Shown beside the transcript while it is the current suggestion.
    expect(render([suggestion], suggestion.id!)).not.toContain('Agent assist proposed');
    const later = render([suggestion, yes]);
    expect(later).toContain('Agent assist proposed (not done, not shown to the shopper)');
    expect(later).toContain('|Cancel order #W1|||Skateboard: $10.00||Refund $10.00 to PayPal|');
    expect(later).toContain('Make this change…');
    const made = cancelCall('', {
      madeBy: 'Dana',
      proposalEventId: Number(suggestion.id),
      change: heldCancelChange,
      toolOutput: { status: 'cancelled' },
    });
    const after = render([suggestion, yes, made]);
    expect(after).not.toContain('Agent assist proposed');
    expect(after).toContain('Made by Dana: |Cancel order #W1|');
  });
});
