import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { EXAMPLE, ORDER_REPLY, PRODUCT_REPLY, seedPlan } from '../../fakes/seed-scenario.js';
import { createTestApp, sendAndWait, type TestApp } from '../../helpers/test-app.js';

interface MessageView {
  role: string;
  agentName: string | null;
  final: boolean;
  text: string;
}

const ONE_TASK = 'Where is my order #W123?';
const oneTaskPlan = { refuse: false, tasks: [seedPlan.tasks[0]] };

// A plan of one task for ONE_TASK, the seed example's two otherwise; each specialist answers without a tool.
const model = new ScriptedModel((req: ModelRequest) => {
  if (req.agentName === 'PlannerAgent') {
    const asked = JSON.stringify(req.messages.at(-1));
    return { content: JSON.stringify(asked.includes('sneakers') ? seedPlan : oneTaskPlan) };
  }
  if (req.agentName === 'OrderManagementAgent') return { content: ORDER_REPLY };
  if (req.agentName === 'ProductExpertAgent') return { content: PRODUCT_REPLY };
  return { content: 'ok' };
});

describe('Conversation.messages (GraphQL)', () => {
  let t: TestApp;
  let conversationId = '';
  let token = '';

  const send = (text: string) => sendAndWait(t, conversationId, text, token);
  const messages = async (audience?: string) => {
    const r = await t.gql<{ conversation: { messages: MessageView[] } }>(
      audience
        ? `query($id: ID!) { conversation(id: $id) { messages(audience: ${audience}) { role agentName final text } } }`
        : 'query($id: ID!) { conversation(id: $id) { messages { role agentName final text } } }',
      { id: conversationId },
      token,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.conversation.messages;
  };

  beforeAll(async () => {
    t = await createTestApp({ models: model });
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
    );
    conversationId = started.data!.startConversation.conversation.id;
    token = started.data!.startConversation.token;
    await send(ONE_TASK);
    await send(EXAMPLE);
  }, 60_000);
  afterAll(() => t.close());

  it("shows the shopper's transcript by default: each answer once, its run's final reply", async () => {
    const shown = await messages();
    expect(shown.map((m) => [m.role, m.final])).toEqual([
      ['user', false],
      ['assistant', true],
      ['user', false],
      ['assistant', true],
    ]);
    expect(shown[1]!.text).toBe(ORDER_REPLY);
    expect(shown.filter((m) => m.text === ORDER_REPLY)).toHaveLength(1);
    expect(shown[3]!.text).toContain('TRACK123');
    expect(shown[3]!.text).toContain('$99.50');
    expect(await messages('SHOPPER')).toEqual(shown);
  });

  it("lists every specialist's message, attributed, with audience: ALL", async () => {
    const all = await messages('ALL');
    expect(all.map((m) => [m.role, m.agentName, m.final])).toEqual([
      ['user', null, false],
      ['assistant', 'OrderManagementAgent', false],
      ['assistant', null, true],
      ['user', null, false],
      ['assistant', 'OrderManagementAgent', false],
      ['assistant', 'ProductExpertAgent', false],
      ['assistant', null, true],
    ]);
    expect(all[5]!.text).toBe(PRODUCT_REPLY);
  });
});
