import { describe, expect, it } from 'vitest';
import { chatStateAt } from '../../../studio/src/renderer/lib/chat-state-at.js';
import { ev, plan } from './event-fixtures.js';

describe('chatStateAt', () => {
  const events = [
    ev('MESSAGE', { role: 'user', text: 'I bought shoes, email a@b.c' }, { runId: null }),
    ev('RUN_STARTED', { mode: 'AUTO' }),
    ev(
      'TOOL_CALL',
      {
        tool: 'store.search_knowledge',
        arguments: {},
        output: { results: [{ title: 'Returns', score: 0.7 }] },
        durationMs: 2,
      },
      { agentName: 'KnowledgeRetriever' },
    ),
    ev('PLAN', {
      plan: plan([
        { id: 't1', agent: 'OrderManagementAgent' },
        { id: 't2', agent: 'ReturnsAgent', dependsOn: ['t1'] },
      ]),
      source: 'planner',
      attempts: 1,
    }),
    ev('TASK_STARTED', { statusMessage: 's', instruction: 'i' }, { taskId: 't1', agentName: 'OrderManagementAgent' }),
    ev(
      'TOOL_CALL',
      {
        tool: 'store.find_user_id_by_email',
        arguments: { email: 'a@b.c' },
        output: { user_id: 'u1' },
        identifiedCustomerId: 'u1',
        durationMs: 3,
      },
      { taskId: 't1', agentName: 'OrderManagementAgent' },
    ),
    ev(
      'MESSAGE',
      { role: 'assistant', text: 'Found your order.' },
      { taskId: 't1', agentName: 'OrderManagementAgent' },
    ),
    ev('TASK_COMPLETED', { output: 'Found your order.', durationMs: 4 }, { taskId: 't1' }),
    ev('TASK_STARTED', { statusMessage: 's', instruction: 'i' }, { taskId: 't2', agentName: 'ReturnsAgent' }),
  ];

  it('replays the state at the selected event, before later events happened', () => {
    const atPlan = chatStateAt(events, 3);
    expect(atPlan.messages).toEqual([expect.objectContaining({ kind: 'user', text: 'I bought shoes, email a@b.c' })]);
    expect(atPlan.userInfo).toEqual({ customerId: null, identifiedBy: null });
    expect(atPlan.knowledge).toEqual([{ title: 'Returns', score: 0.7 }]);
    expect(atPlan.pointer).toEqual({ activeTaskId: null, completed: [], failed: [], pending: ['t1', 't2'] });
  });

  it("adds who-said-what notes for the active agent, as the server's ChatState does", () => {
    const s = chatStateAt(events, events.length - 1);
    expect(s.viewer).toBe('ReturnsAgent');
    expect(s.userInfo).toEqual({ customerId: 'u1', identifiedBy: 'chat' });
    expect(s.pointer).toEqual({ activeTaskId: 't2', completed: ['t1'], failed: [], pending: [] });
    expect(s.messages.map((m) => (m.kind === 'note' ? m.text : m.kind))).toEqual([
      'user',
      'tool',
      '[System Note] The tool calls above were made by OrderManagementAgent.',
      'assistant',
      '[System Note] The assistant message above was authored by OrderManagementAgent.',
    ]);
    // The retriever's calls are context, not transcript.
    expect(s.messages.some((m) => m.kind === 'tool' && m.tool === 'store.search_knowledge')).toBe(false);
  });

  it('adds no note for the agent’s own messages', () => {
    const s = chatStateAt(events, 6);
    expect(s.viewer).toBe('OrderManagementAgent');
    expect(s.messages.filter((m) => m.kind === 'note')).toEqual([]);
  });

  it('starts from the verified customer of the conversation', () => {
    expect(chatStateAt(events, 0, { customerId: 'vip' }).userInfo).toEqual({
      customerId: 'vip',
      identifiedBy: 'token',
    });
  });
});
