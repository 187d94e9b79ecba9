import { describe, expect, it } from 'vitest';
import { madeProposals, suggestionProposals } from '../../../../studio/src/renderer/desk/proposals.js';
import type { StudioEventOf } from '../../../../studio/src/renderer/lib/baton-event.js';
import { cancelCall, ev, heldCancelChange } from '../event-fixtures.js';

describe('the proposals a colleague can still make', () => {
  const held = () =>
    cancelCall('r1', { toolErrorCode: 'CONFIRMATION_REQUIRED', toolError: 'held', change: heldCancelChange });

  it('a held call is made by the agent after the yes (the latest held call of its tool), or by a colleague', () => {
    const first = held();
    const second = held();
    expect(madeProposals([first, second])).toEqual(new Set());
    // The yes answers the latest proposal of that tool.
    expect(madeProposals([first, second, cancelCall('r2', { consented: true, toolOutput: {} })])).toEqual(
      new Set([`${second.id}:0`]),
    );
    const dana = cancelCall('', { madeBy: 'Dana', proposalEventId: Number(first.id), toolOutput: {} });
    expect(madeProposals([first, second, dana])).toEqual(new Set([`${first.id}:0`]));
    // A refused attempt made nothing.
    const refused = cancelCall('', { madeBy: 'Dana', proposalEventId: Number(first.id), toolError: 'no' });
    expect(madeProposals([first, refused])).toEqual(new Set());
  });

  it("a suggestion's proposals are told apart by tool and arguments", () => {
    const suggestion = ev('SUGGESTION', {
      answersMessageEventId: 1,
      text: 'I can do both.',
      agents: ['OrderManagementAgent'],
      proposedToolCalls: [
        { tool: 'store.cancel_pending_order', arguments: { order_id: '#W1' }, change: heldCancelChange },
        { tool: 'store.cancel_pending_order', arguments: { order_id: '#W2' }, change: null },
      ],
    }) as StudioEventOf<'SUGGESTION'>;
    const proposals = suggestionProposals(suggestion);
    expect(proposals.map((p) => [p.index, p.change?.title ?? null])).toEqual([
      [0, 'Cancel order #W1'],
      [1, null],
    ]);
    const second = ev(
      'TOOL_CALL',
      {
        tool: 'store.cancel_pending_order',
        arguments: { order_id: '#W2' },
        madeBy: 'Dana',
        proposalEventId: Number(suggestion.id),
        toolOutput: {},
        durationMs: 1,
      },
      { runId: null },
    );
    expect(madeProposals([suggestion, second])).toEqual(new Set([`${suggestion.id}:1`]));
  });
});
