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
  });
});
