import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCards } from '../../../server/src/agents/builtin-cards.js';
import { resolveHandoff } from '../../../server/src/agents/handoff.js';
import type { AgentCard } from '../../../server/src/domain/agent-card.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel, type ScriptedReply, toolResultsSoFar } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

let script: (req: ModelRequest) => ScriptedReply | Promise<ScriptedReply>;
const model = new ScriptedModel((req) => script(req));

const planFor = (agent: string): ScriptedReply => ({
  content: JSON.stringify({
    refuse: false,
    tasks: [{ id: 't1', agent, instruction: 'Help the shopper', statusMessage: '...', dependsOn: [] }],
  }),
});

/** GeneralSupportAgent tries to hand off to `target` once; told no, it answers itself. */
const triesHandoffTo =
  (target: string) =>
  (req: ModelRequest): ScriptedReply => {
    if (req.agentName === 'PlannerAgent') return planFor('GeneralSupportAgent');
    if (req.agentName !== 'GeneralSupportAgent') return { content: `${req.agentName} should not run` };
    return toolResultsSoFar(req) > 0
      ? { content: 'I can help you myself.' }
      : { toolCalls: [{ id: 'h1', name: `handoff_to_${target}`, arguments: '{"reason":"they know best"}' }] };
  };

describe('hand-offs the card does not allow are refused in code', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ models: model, tools: standInTools().registry });
    await t.app.services.agents.update('GeneralSupportAgent', { tools: [], handoffs: ['HumanTransferAgent'] });
  });
  afterAll(() => t.close());

  async function turn(text: string): Promise<BatonEvent[]> {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, text, 'AUTO');
    await waitForRun(t.app, run.id);
    return t.app.services.eventStore.list({ runId: run.id });
  }

  /** The refusal is on record, the model read it, nobody else ran, and the agent answered. */
  function expectRefused(events: BatonEvent[], target: string, error: string) {
    const refused = events.find((e) => e.type === 'TOOL_CALL');
    expect(refused?.type === 'TOOL_CALL' && [refused.taskId, refused.agentName, refused.data]).toEqual([
      't1',
      'GeneralSupportAgent',
      {
        tool: `handoff_to_${target}`,
        callId: 'h1',
        arguments: { reason: 'they know best' },
        error,
        refused: true,
        durationMs: 0,
      },
    ]);
    expect(events.some((e) => e.type === 'HANDOFF')).toBe(false);
    expect(model.requests.some((r) => r.agentName === target)).toBe(false);
    const followUp = model.requests.filter((r) => r.agentName === 'GeneralSupportAgent').at(-1)!;
    expect(followUp.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'h1', content: JSON.stringify({ error }) });
    expect(events.find((e) => e.type === 'TASK_COMPLETED')?.agentName).toBe('GeneralSupportAgent');
    const done = events.at(-1);
    expect(done?.type === 'RUN_COMPLETED' && done.data.reply).toContain('I can help you myself.');
  }

  it('refuses a hand-off to an enabled agent that is not on the card’s list', async () => {
    script = triesHandoffTo('OrderManagementAgent');
    model.requests.length = 0;
    const events = await turn('Where is my order?');
    expectRefused(events, 'OrderManagementAgent', 'GeneralSupportAgent may not hand off to OrderManagementAgent');
  });

  it('refuses a hand-off to a listed agent that is disabled (and does not offer it)', async () => {
    await t.app.services.agents.setEnabled('HumanTransferAgent', false);
    try {
      script = triesHandoffTo('HumanTransferAgent');
      model.requests.length = 0;
      const events = await turn('I want a person');
      const offered = model.requests.find((r) => r.agentName === 'GeneralSupportAgent')!.tools ?? [];
      expect(offered.map((s) => s.name)).not.toContain('handoff_to_HumanTransferAgent');
      expectRefused(events, 'HumanTransferAgent', 'HumanTransferAgent is not an enabled agent');
    } finally {
      await t.app.services.agents.setEnabled('HumanTransferAgent', true);
    }
  });
});

describe('resolveHandoff', () => {
  const card = (name: string, handoffs: string[]): AgentCard => ({
    ...builtinCards[0]!,
    name,
    handoffs,
    id: name,
    builtin: false,
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  const from = card('AgentA', ['AgentB', 'Ghost']);
  const b = card('AgentB', []);
  const handoff = (to: string, args = '{"reason":"why not"}') => ({
    id: 'h',
    name: `handoff_to_${to}`,
    arguments: args,
  });

  it('refuses a target no enabled card has, even when the card lists it', () => {
    expect(resolveHandoff(from, handoff('Ghost'), [from, b])).toEqual({
      ok: false,
      error: 'Ghost is not an enabled agent',
      reason: 'why not',
    });
  });

  it('turns an allowed call into a hand-off step carrying the target’s card', () => {
    expect(resolveHandoff(from, handoff('AgentB', 'not json'), [from, b])).toEqual({
      ok: true,
      step: { type: 'next_step_handoff', to: b, reason: 'no reason given' },
    });
  });
});
