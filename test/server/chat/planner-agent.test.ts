import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatState } from '../../../server/src/chat/chat-state.js';
import { PlannerAgent } from '../../../server/src/chat/planner-agent.js';
import type { PlanTask } from '../../../server/src/domain/plan.js';
import { defaultSettings } from '../../../server/src/domain/workspace-settings.js';
import { OpenAIProvider } from '../../../server/src/models/openai-provider.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../../fakes/scripted-openai-server.js';
import { EXAMPLE, seedCards } from '../../fakes/seed-scenario.js';

const tasks = [
  {
    id: 't1',
    agent: 'OrderManagementAgent',
    instruction: 'Check order #W123 for Zoë',
    statusMessage: 'Checking on your order 📦 #W123 — “in transit”?',
    dependsOn: [],
  },
  {
    id: 't2',
    agent: 'ProductExpertAgent',
    instruction: 'Rote Turnschuhe, Größe 9',
    statusMessage: 'Suche rote Turnschuhe 👟 in Größe 9…',
    dependsOn: [],
  },
];

function state(): ChatState {
  return ChatState.fromHistory({
    conversationId: 'c',
    runId: 'r',
    settings: defaultSettings,
    agents: seedCards().filter((c) => c.enabled),
    history: [
      {
        id: 1,
        seq: 1,
        type: 'MESSAGE',
        conversationId: 'c',
        runId: 'r',
        data: { role: 'user', text: EXAMPLE },
        createdAt: new Date(),
      },
    ],
  });
}

/** The planner's stream through the real `openai` client, one character per chunk. */
describe('PlannerAgent, streamed through the openai provider', () => {
  let fake: ScriptedOpenAIServer;
  let planner: PlannerAgent;
  beforeAll(async () => {
    // A chunk per UTF-16 code unit: each emoji reaches the client as two lone surrogates, in two SSE events.
    fake = await startScriptedOpenAIServer({ chunkSize: 1 });
    const models = new OpenAIProvider({ baseURL: fake.url, defaultModel: 'm', timeoutMs: 10_000, maxRetries: 0 });
    planner = new PlannerAgent({ models });
  });
  afterAll(() => fake.close());

  it('hands each task over before the stream ends, unicode intact', async () => {
    fake.enqueue({ json: { refuse: false, tasks }, chunkDelayMs: 1 });
    const arrived: { task: PlanTask; at: number }[] = [];
    const outcome = await planner.plan(state(), undefined, (task) =>
      arrived.push({ task, at: performance.timeOrigin + performance.now() }),
    );
    const request = fake.requests.at(-1)!;
    expect(request.stream).toBe(true);
    expect(request.body.response_format?.type).toBe('json_schema');
    expect(arrived.map((a) => a.task)).toEqual(tasks);
    expect(outcome.plan.tasks).toEqual(tasks);
    expect(outcome.streamedTaskIds).toEqual(['t1', 't2']);
    // The first task came while the server was still writing the second (about 200 chunks later).
    expect(arrived[0]!.at).toBeLessThan(request.finishedAt!);
    expect(arrived[1]!.at - arrived[0]!.at).toBeGreaterThan(50);
  });
});
