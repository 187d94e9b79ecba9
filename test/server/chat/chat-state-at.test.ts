import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel, toolResultsSoFar } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';

// Two independent tasks, so they run in parallel: t1 calls a tool, t2 answers at once.
const plan = {
  refuse: false,
  tasks: [
    {
      id: 't1',
      agent: 'OrderManagementAgent',
      instruction: 'Check order #W123',
      statusMessage: 'Checking…',
      dependsOn: [],
    },
    {
      id: 't2',
      agent: 'ProductExpertAgent',
      instruction: 'Find red sneakers',
      statusMessage: 'Looking…',
      dependsOn: [],
    },
  ],
};
const model = () =>
  new ScriptedModel(async (req: ModelRequest) => {
    if (req.agentName === 'PlannerAgent') return { content: JSON.stringify(plan) };
    if (req.agentName === 'OrderManagementAgent' && toolResultsSoFar(req) === 0)
      return { toolCalls: [{ id: 'c1', name: 'store__get_order_details', arguments: '{"order_id":"#W123"}' }] };
    return { content: `Answer from ${req.agentName}` };
  });

type State = {
  run: {
    chatStateAt: {
      taskId: string | null;
      viewer: string;
      messages: { role: string; content: string | null; toolCalls: { name: string }[] }[];
      runningTaskIds: string[];
      pendingTaskIds: string[];
      completedTaskIds: string[];
      planSource: string | null;
    };
  };
};
const query = `query($run: ID!, $event: ID!) { run(id: $run) { chatStateAt(eventId: $event) {
  taskId viewer messages { role content toolCalls { name } } runningTaskIds pendingTaskIds completedTaskIds planSource } } }`;

describe('Run.chatStateAt', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ models: model(), tools: standInTools().registry });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows each parallel task its own history: OrderManagementAgent at its tool call, ProductExpertAgent at its answer', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, 'order #W123 and red sneakers', 'AUTO');
    expect((await waitForRun(t.app, run.id)).status).toBe('COMPLETED');
    const events = await t.app.services.eventStore.list({ runId: run.id });
    const at = async (id: number | null) =>
      (await t.gql<State>(query, { run: run.id, event: String(id) })).data!.run.chatStateAt;

    const toolCall = events.find((e) => e.type === 'TOOL_CALL' && e.taskId === 't1')!;
    const siblingAnswer = events.find((e) => e.type === 'MESSAGE' && e.taskId === 't2')!;
    // Both tasks were under way together: t2 started before t1's tool call, and its answer is stored after it.
    const t2Started = events.find((e) => e.type === 'TASK_STARTED' && e.taskId === 't2')!;
    expect(t2Started.id!).toBeLessThan(toolCall.id!);
    expect(siblingAnswer.id!).toBeGreaterThan(toolCall.id!);

    const t1 = await at(toolCall.id);
    expect(t1.taskId).toBe('t1');
    expect(t1.viewer).toBe('OrderManagementAgent');
    expect(t1.runningTaskIds).toEqual(['t1', 't2']);
    expect(t1.pendingTaskIds).toEqual([]);
    // Its own tool call, with no note (it made it).
    expect(t1.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(t1.messages[1]!.toolCalls.map((c) => c.name)).toEqual(['store__get_order_details']);

    // The sibling's view at its answer, stored after t1's tool call: t1's call was not in its history.
    const t2 = await at(siblingAnswer.id);
    expect(t2.taskId).toBe('t2');
    expect(t2.viewer).toBe('ProductExpertAgent');
    expect(t2.messages.map((m) => m.content)).toEqual([
      'order #W123 and red sneakers',
      'Answer from ProductExpertAgent',
    ]);

    // After the run, the planner's view holds both agents' work, with notes naming their authors.
    const end = await at(events.at(-1)!.id);
    expect(end.viewer).toBe('PlannerAgent');
    expect(end.runningTaskIds).toEqual([]);
    const notes = end.messages.filter((m) => m.role === 'system').map((m) => m.content);
    expect(notes).toContain('[System Note] The tool calls above were made by OrderManagementAgent.');
    expect(notes).toContain('[System Note] The assistant message above was authored by ProductExpertAgent.');
  });

  it('refuses an event of another run', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, 'order #W123', 'AUTO');
    await waitForRun(t.app, run.id);
    const r = await t.gql(query, { run: run.id, event: '1' });
    expect(errorCode(r)).toBe('NOT_FOUND');
  });
});
