import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../client/src/index.js';
import { emptyView, reduceView } from '../../widget/src/chat-view.js';

let id = 0;
const message = (data: Record<string, unknown>, runId: string | null = null, agentName: string | null = null) =>
  ({
    id: String(++id),
    type: 'MESSAGE',
    conversationId: 'c1',
    runId,
    taskId: null,
    agentName,
    createdAt: '2026-12-08T10:00:00.000Z',
    data: { __typename: 'MessageData', ...data },
  }) as unknown as AnyEvent;

describe("the widget names the colleague on a colleague's message", () => {
  it("carries the colleague's name on their messages only: not the bot's, nor the desk's notices", () => {
    let view = reduceView(emptyView, message({ role: 'user', text: 'Can I talk to a person?' }));
    view = reduceView(
      view,
      message({ role: 'assistant', text: "I've passed your request to a colleague.", final: true }, 'r1', 'Bot'),
    );
    view = reduceView(view, message({ role: 'assistant', text: "You're in the queue for a colleague." }, null, 'Desk'));
    view = reduceView(view, message({ role: 'human', text: "Hi, I'm Dana. I can help.", author: 'Dana' }));
    view = reduceView(view, message({ role: 'human', text: 'One moment please.', author: null }));
    expect(view.items.filter((i) => i.kind === 'assistant').map((i) => [i.text, i.author])).toEqual([
      ["I've passed your request to a colleague.", undefined],
      ["You're in the queue for a colleague.", undefined],
      ["Hi, I'm Dana. I can help.", 'Dana'],
      ['One moment please.', 'Our team'],
    ]);
  });
});
