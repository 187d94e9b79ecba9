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
