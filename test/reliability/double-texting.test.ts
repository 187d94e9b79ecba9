import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelProvider, ModelRequest } from '../../server/src/models/model-provider.js';
import { ScriptedModel } from '../fakes/scripted-model.js';
import { standInTools } from '../fakes/stand-in-tools.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../helpers/test-app.js';

const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id status } }';

/**
 * Plans one GeneralSupportAgent task and answers "re: <message>". A message containing "slow" holds
 * the planner until `release()`, or until the run is cancelled: like a real provider, it honours the signal.
 */
function gatedModel() {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const lastUser = (req: ModelRequest) => {
    const m = [...req.messages].reverse().find((x) => x.role === 'user');
    return m && typeof m.content === 'string' ? m.content : '';
  };
  const model = new ScriptedModel(async (req) => {
    if (req.agentName === 'PlannerAgent') {
      if (lastUser(req).includes('slow'))
        await new Promise<void>((resolve, reject) => {
          void gate.then(resolve);
          req.signal?.addEventListener('abort', () => reject(req.signal?.reason), { once: true });
        });
      return {
        content: JSON.stringify({
          refuse: false,
          tasks: [{ id: 't1', agent: 'GeneralSupportAgent', instruction: 'answer', statusMessage: '…', dependsOn: [] }],
        }),
      };
    }
    return { content: `re: ${lastUser(req).includes('slow') ? 'slow one' : 'second one'}` };
  });
  return { model, release: () => release() };
}

describe('double texting: reject and interrupt', () => {
  let t: TestApp;
  let gated: ReturnType<typeof gatedModel>;
  beforeAll(async () => {
    // The app's provider delegates to the current test's gated model.
    const models: ModelProvider = { name: 'scripted', ruleBased: true, complete: (req) => gated.model.complete(req) };
    t = await createTestApp({ models, tools: standInTools().registry });
  });
  afterAll(() => t.close());

  const setPolicy = async (policy: 'queue' | 'reject' | 'interrupt') => {
    const r = await t.gql(
      'mutation($p: DoubleTextingPolicy!) { updateSettings(input: { doubleTexting: $p }) { doubleTexting } }',
      {
        p: policy,
      },
    );
    expect(r.errors).toBeUndefined();
  };
  const startConversation = async () => (await t.app.services.conversations.start({})).conversation.id;
  const send = (id: string, text: string) => t.gql<{ sendMessage: { id: string; status: string } }>(SEND, { id, text });
  const untilActive = async (runId: string) => {
    for (let i = 0; i < 500 && !t.app.services.runs.isActive(runId); i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.app.services.runs.isActive(runId)).toBe(true);
  };

  it('reject: a message sent while a reply is being written is refused with CONFLICT and nothing is stored', async () => {
    gated = gatedModel();
    await setPolicy('reject');
    const id = await startConversation();
    const first = (await send(id, 'a slow question')).data!.sendMessage;
    await untilActive(first.id);

    const refused = await send(id, 'are you there?');
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors?.[0]?.extensions?.activeRunId).toBe(first.id);
    const stored = await t.app.services.eventStore.list({ conversationId: id, types: ['MESSAGE'] });
    expect(stored.map((e) => e.type === 'MESSAGE' && e.data.text)).toEqual(['a slow question']);
    expect((await t.app.services.conversations.activeRuns(id)).map((r) => r.id)).toEqual([first.id]);

    gated.release();
    expect((await waitForRun(t.app, first.id)).status).toBe('COMPLETED');
    // Once the reply is written, the next message is accepted.
    const after = await send(id, 'thanks');
    expect(after.errors).toBeUndefined();
    expect((await waitForRun(t.app, after.data!.sendMessage.id)).status).toBe('COMPLETED');
  });

  it('interrupt: the active run ends RUN_CANCELLED and the new message is answered', async () => {
    gated = gatedModel();
    await setPolicy('interrupt');
    const id = await startConversation();
    const first = (await send(id, 'a slow question')).data!.sendMessage;
    await untilActive(first.id);

    const second = await send(id, 'never mind, a second one');
    expect(second.errors).toBeUndefined();
    const secondId = second.data!.sendMessage.id;
    expect((await waitForRun(t.app, first.id)).status).toBe('CANCELLED');
    expect((await waitForRun(t.app, secondId)).status).toBe('COMPLETED');

    const log = await t.app.services.eventStore.list({ conversationId: id });
    const cancelled = log.filter((e) => e.runId === first.id && e.type === 'RUN_CANCELLED');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]?.type === 'RUN_CANCELLED' && cancelled[0].data.reason).toBe('interrupted by a newer message');
    // The first run wrote no reply; the second starts after the first was cancelled and answers.
    expect(log.some((e) => e.runId === first.id && e.type === 'RUN_COMPLETED')).toBe(false);
    const secondStarted = log.find((e) => e.runId === secondId && e.type === 'RUN_STARTED')!;
    expect(secondStarted.id!).toBeGreaterThan(cancelled[0]!.id!);
    const done = log.find((e) => e.runId === secondId && e.type === 'RUN_COMPLETED');
    expect(done?.type === 'RUN_COMPLETED' && done.data.reply).toBe('re: second one');
    gated.release();
  });
});
