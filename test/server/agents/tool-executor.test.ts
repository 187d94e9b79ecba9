import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinCards } from '../../../server/src/agents/builtin-cards.js';
import { executeToolCall } from '../../../server/src/agents/tool-executor.js';
import { ChatState } from '../../../server/src/chat/chat-state.js';
import type { RunContext } from '../../../server/src/chat/run-context.js';
import type { AgentCard } from '../../../server/src/domain/agent-card.js';
import { defaultSettings } from '../../../server/src/domain/workspace-settings.js';
import { StaticToolRegistry } from '../../../server/src/tools/static-tool-registry.js';
import { standInTools } from '../../fakes/stand-in-tools.js';

const card = {
  ...builtinCards.find((c) => c.name === 'OrderManagementAgent')!,
  id: 'card-1',
  builtin: true,
  version: 1,
  createdAt: new Date(),
  updatedAt: new Date(),
} satisfies AgentCard;

/** The members of a RunContext that a tool call uses: the run's state, its signal and the tools. */
function runContext(tools: RunContext['tools'], signal: AbortSignal): RunContext {
  const state = ChatState.fromHistory({
    conversationId: 'conv-1',
    runId: 'run-1',
    settings: defaultSettings,
    agents: [card],
    history: [],
  });
  const toolCatalog = async () => new Map((await tools.list()).map((t) => [t.name, t]));
  return { state, signal, tools, toolCatalog } as Partial<RunContext> as RunContext;
}

const call = { id: 'c1', name: 'store__get_order_details', arguments: '{"order_id":"#W1"}' };

describe('executeToolCall', () => {
  afterEach(() => vi.restoreAllMocks());

  it('leaves no abort listener on its call signal once the tool answered', async () => {
    // Node keeps a composite signal that has an abort listener alive until its timeout fires (30 s
    // here): a listener left behind would hold the run's state that long after every tool call.
    const composites: AbortSignal[] = [];
    const any = AbortSignal.any.bind(AbortSignal);
    vi.spyOn(AbortSignal, 'any').mockImplementation((signals) => {
      const signal = any(signals);
      composites.push(signal);
      return signal;
    });
    const run = new AbortController();

    const executed = await executeToolCall(call, card, 't1', 0, runContext(standInTools().registry, run.signal));

    expect(JSON.parse(executed.content)).toMatchObject({ order_id: '#W1', status: 'delivered' });
    expect(composites).toHaveLength(1);
    expect(getEventListeners(composites[0]!, 'abort')).toHaveLength(0);
  });

  it('still ends a hanging tool call when the run is cancelled', async () => {
    const hanging = new StaticToolRegistry([
      {
        name: 'store.get_order_details',
        description: 'never answers',
        inputSchema: { type: 'object' },
        readOnly: true,
        handler: () => new Promise(() => {}),
      },
    ]);
    const run = new AbortController();
    const executing = executeToolCall(call, card, 't1', 0, runContext(hanging, run.signal));
    setTimeout(() => run.abort(), 20);

    const executed = await executing;

    expect(JSON.parse(executed.content)).toEqual({ error: 'Run cancelled', code: 'TIMEOUT' });
    expect(executed.events[0]!.data).toMatchObject({ tool: 'store.get_order_details', error: 'Run cancelled' });
  });
});

describe('identity policy in the tool executor', () => {
  const guarded = (level: 'anonymous' | 'claimed' | 'verified') => {
    const calls: unknown[] = [];
    const registry = new StaticToolRegistry([
      {
        name: 'store.get_order_details',
        description: 'reads an order',
        inputSchema: { type: 'object' },
        readOnly: true,
        identity: { minimumLevel: level, readsPersonalData: true, writes: false },
        handler: (_args, context) => {
          calls.push(context.customer);
          return { ok: true, output: { order_id: '#W1' } };
        },
      },
    ]);
    return { registry, calls };
  };

  it('refuses a tool below its declared level before calling it, and records the refusal', async () => {
    const { registry, calls } = guarded('verified');
    const executed = await executeToolCall(call, card, 't1', 0, runContext(registry, new AbortController().signal));
    expect(calls).toEqual([]);
    expect(JSON.parse(executed.content)).toMatchObject({ code: 'IDENTITY_REQUIRED' });
    expect(executed.events).toHaveLength(1);
    expect(executed.events[0]!.data).toMatchObject({ refused: true, error: expect.stringMatching(/email address/) });
  });

  it('passes the level and claim to a tool it allows', async () => {
    const { registry, calls } = guarded('claimed');
    const ctx = runContext(registry, new AbortController().signal);
    ctx.state.foldIdentity({ level: 'claimed', method: 'email', claim: { email: 'a@example.com' }, policy: 'strict' });
    const executed = await executeToolCall(call, card, 't1', 0, ctx);
    expect(JSON.parse(executed.content)).toEqual({ order_id: '#W1' });
    expect(calls).toEqual([{ verified: false, level: 'claimed', claim: { email: 'a@example.com' }, policy: 'strict' }]);
  });

  it('takes a tool missing from the catalog to need a verified shopper', async () => {
    const ctx = runContext(new StaticToolRegistry([]), new AbortController().signal);
    const executed = await executeToolCall(call, card, 't1', 0, ctx);
    expect(JSON.parse(executed.content)).toMatchObject({ code: 'IDENTITY_REQUIRED' });
  });
});
