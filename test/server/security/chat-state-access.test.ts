import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, sendAndWait, type TestApp } from '../../helpers/test-app.js';

const START = 'mutation { startConversation { conversation { id } token } }';
const QUERY =
  'query($run: ID!, $event: ID!) { run(id: $run) { id chatStateAt(eventId: $event) { messages { role content } } } }';

type Read = { run: { id: string; chatStateAt: { messages: { role: string; content: string | null }[] } | null } };

/**
 * `Run.chatStateAt` is the inspector's replay of what each agent was given: the agents' system prompts (the shop's
 * instructions, read otherwise only with `agentPrompt`, an API key's), the planner's view and every tool's output.
 * A shopper's conversation token read it for its own runs: the prompts a prompt injection would want to see.
 */
describe("a conversation's token does not read the model's history", () => {
  let t: TestApp;
  let integrator = '';
  let vars = { run: '', event: '' };
  let token = '';

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator', undefined, { fullEventData: true }))
      .key;
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      undefined,
      integrator,
    );
    token = started.data!.startConversation.token;
    const conversationId = started.data!.startConversation.conversation.id;
    const run = await sendAndWait(t, conversationId, 'Do you sell running shoes?', token);
    const events = await t.app.services.eventStore.list({ runId: run });
    vars = { run, event: String(events.at(-1)!.id) };
  }, 60_000);
  afterAll(() => t.close());

  it('shows an API key the agents’ system prompts', async () => {
    const r = await t.gql<Read>(QUERY, vars, integrator);
    expect(r.errors).toBeUndefined();
    expect(r.data!.run.chatStateAt!.messages.some((m) => m.role === 'system' && (m.content ?? '').length > 0)).toBe(
      true,
    );
  });

  it("refuses the conversation's own token: FORBIDDEN naming chatStateAt, no prompt in the answer", async () => {
    const r = await t.gql<Read>(QUERY, vars, token);
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect(r.errors![0]!.extensions!.field).toBe('chatStateAt');
    expect(r.data).toBeNull();
    // The run itself, its transcript and events stay the token's to read.
    const own = await t.gql<{ run: { id: string } }>(
      'query($id: ID!) { run(id: $id) { id } }',
      { id: vars.run },
      token,
    );
    expect(own.data!.run.id).toBe(vars.run);
  });
});
