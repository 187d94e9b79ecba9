import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinCards } from '../../../server/src/agents/builtin-cards.js';
import { CONFIRMATION_REQUIRED, PROPOSAL_TTL_MS } from '../../../server/src/agents/consent-gate.js';
import { executeToolCall } from '../../../server/src/agents/tool-executor.js';
import { ChatState } from '../../../server/src/chat/chat-state.js';
import type { RunContext } from '../../../server/src/chat/run-context.js';
import type { AgentCard } from '../../../server/src/domain/agent-card.js';
import type { BatonEvent, NewEvent } from '../../../server/src/domain/events.js';
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
function runContext(
  tools: RunContext['tools'],
  signal: AbortSignal,
  { runId = 'run-1', history = [] }: { runId?: string; history?: readonly BatonEvent[] } = {},
): RunContext {
  const state = ChatState.fromHistory({
    conversationId: 'conv-1',
    runId,
    settings: defaultSettings,
    agents: [card],
    history,
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

describe('the consent gate in the tool executor', () => {
  const args = { order_id: '#W2611340', reason: 'no longer needed' };
  const cancel = (id: string, a: unknown = args) => ({
    id,
    name: 'store__cancel_pending_order',
    arguments: JSON.stringify(a),
  });

  function setup() {
    const ran: unknown[] = [];
    const tools = new StaticToolRegistry([
      {
        name: 'store.cancel_pending_order',
        description: 'Cancel a pending order',
        inputSchema: { type: 'object' },
        readOnly: false,
        identity: { minimumLevel: 'anonymous', readsPersonalData: false, writes: true, needsConsent: true },
        handler: (a) => {
          ran.push(a);
          return { ok: true, output: { status: 'cancelled' } };
        },
      },
    ]);
    const history: BatonEvent[] = [];
    let seq = 0;
    let now = Date.parse('2026-12-07T10:00:00.000Z');
    const store = (e: NewEvent) => history.push({ ...e, id: ++seq, seq, createdAt: new Date(now) } as BatonEvent);
    /** The shopper takes their time: what is stored next is stored this much later. */
    const pause = (ms: number) => {
      now += ms;
    };
    const say = (runId: string, text: string) =>
      store({ conversationId: 'conv-1', runId, type: 'MESSAGE', data: { role: 'user', text } });
    /** Runs one call as run `runId` would, over the history so far, and stores what it recorded. */
    async function callAs(runId: string, c: ReturnType<typeof cancel>) {
      const ctx = runContext(tools, new AbortController().signal, { runId, history });
      const executed = await executeToolCall(c, card, 't1', 0, ctx);
      for (const e of executed.events) store(e);
      return executed;
    }
    return { ran, say, callAs, pause };
  }

  it('holds the first call as a proposal, and runs the same call after the next message agrees', async () => {
    const { ran, say, callAs } = setup();
    say('run-1', 'please cancel #W2611340, I no longer need it');
    const held = await callAs('run-1', cancel('c1'));
    expect(ran).toEqual([]);
    expect(JSON.parse(held.content)).toMatchObject({ code: CONFIRMATION_REQUIRED });
    expect(held.events[0]!.data).toMatchObject({ code: CONFIRMATION_REQUIRED, error: expect.stringMatching(/"yes"/) });

    say('run-2', 'Yes please');
    const done = await callAs('run-2', cancel('c2', { reason: 'no longer needed', order_id: '#W2611340' }));
    expect(ran).toEqual([args]);
    expect(JSON.parse(done.content)).toEqual({ status: 'cancelled' });
    expect(done.events[0]!.data).toMatchObject({ consented: true });

    // The yes is spent: the same call again, in a later run, is a new proposal.
    say('run-3', 'yes');
    const again = await callAs('run-3', cancel('c3'));
    expect(ran).toHaveLength(1);
    expect(JSON.parse(again.content)).toMatchObject({ code: CONFIRMATION_REQUIRED });
  });

  it('lets the consented run make the call again (a resumed run replays it under its idempotency key)', async () => {
    const { ran, say, callAs } = setup();
    say('run-1', 'cancel #W2611340');
    await callAs('run-1', cancel('c1'));
    say('run-2', 'yes');
    await callAs('run-2', cancel('c2'));
    const replayed = await callAs('run-2', cancel('c2'));
    expect(JSON.parse(replayed.content)).toEqual({ status: 'cancelled' });
    expect(ran).toHaveLength(2);
  });

  it('never runs a call in the run that proposed it, whatever the message says', async () => {
    const { ran, say, callAs } = setup();
    say('run-1', 'Yes, cancel #W2611340. I already confirm: do not ask me.');
    await callAs('run-1', cancel('c1'));
    const second = await callAs('run-1', cancel('c2'));
    expect(ran).toEqual([]);
    expect(JSON.parse(second.content)).toMatchObject({ code: CONFIRMATION_REQUIRED });
  });

  it('holds it again after a no, a question, a message between, or other arguments', async () => {
    for (const after of [['no, keep it'], ['what happens to my refund?'], ['wait', 'yes']]) {
      const { ran, say, callAs } = setup();
      say('run-1', 'cancel #W2611340');
      await callAs('run-1', cancel('c1'));
      for (const [i, text] of after.entries()) say(`run-${i + 2}`, text);
      const last = `run-${after.length + 1}`;
      const executed = await callAs(last, cancel('c2'));
      expect(ran, after.join(' / ')).toEqual([]);
      expect(JSON.parse(executed.content)).toMatchObject({ code: CONFIRMATION_REQUIRED });
    }
    const { ran, say, callAs } = setup();
    say('run-1', 'cancel #W2611340');
    await callAs('run-1', cancel('c1'));
    say('run-2', 'yes');
    await callAs('run-2', cancel('c2', { order_id: '#W3632959', reason: 'no longer needed' }));
    expect(ran).toEqual([]);
  });

  it('asks again when the yes comes after the proposal lapsed, and takes the yes to the new proposal', async () => {
    const { ran, say, callAs, pause } = setup();
    say('run-1', 'cancel #W2611340');
    await callAs('run-1', cancel('c1'));
    pause(PROPOSAL_TTL_MS + 60_000);
    say('run-2', 'yes');
    const late = await callAs('run-2', cancel('c2'));
    expect(ran).toEqual([]);
    expect(JSON.parse(late.content)).toMatchObject({
      code: CONFIRMATION_REQUIRED,
      error: expect.stringMatching(/^The shopper's yes came more than 30 minutes after/),
    });
    // The call held now is the new proposal: a yes to it, in time, makes the change.
    pause(60_000);
    say('run-3', 'yes, go ahead');
    const done = await callAs('run-3', cancel('c3'));
    expect(ran).toEqual([args]);
    expect(done.events[0]!.data).toMatchObject({ consented: true });

    // Just inside the window, the first yes is enough.
    const inTime = setup();
    inTime.say('run-1', 'cancel #W2611340');
    await inTime.callAs('run-1', cancel('c1'));
    inTime.pause(PROPOSAL_TTL_MS - 60_000);
    inTime.say('run-2', 'yes');
    await inTime.callAs('run-2', cancel('c2'));
    expect(inTime.ran).toEqual([args]);
  });

  it("checks a call no rehearsal checks against the tool's schema before asking, and names the field", async () => {
    const ran: unknown[] = [];
    const tools = new StaticToolRegistry([
      {
        name: 'store.cancel_pending_order',
        description: 'An external writing tool: not previewable',
        inputSchema: {
          type: 'object',
          properties: {
            order_id: { type: 'string', minLength: 1 },
            reason: { type: 'string', enum: ['no longer needed', 'ordered by mistake'] },
            refund: { type: 'object', properties: { amount: { type: 'number' } } },
          },
          required: ['order_id', 'reason'],
        },
        readOnly: false,
        identity: { minimumLevel: 'anonymous', readsPersonalData: false, writes: true, needsConsent: true },
        handler: (a) => {
          ran.push(a);
          return { ok: true, output: {} };
        },
      },
    ]);
    const call = async (a: unknown) => {
      const ctx = runContext(tools, new AbortController().signal, { history: [] });
      const executed = await executeToolCall(cancel('c1', a), card, 't1', 0, ctx);
      return executed.events[0]!.data as { code?: string; error?: string };
    };
    expect(await call({ reason: 'no longer needed' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      error: 'Arguments of store.cancel_pending_order: order_id: is required',
    });
    expect(await call({ order_id: '#W1', reason: 'too pricey' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      error: expect.stringMatching(/^Arguments of store\.cancel_pending_order: reason: must be equal to one of/),
    });
    expect(await call({ order_id: '#W1', reason: 'no longer needed', refund: { amount: 'all' } })).toMatchObject({
      code: 'VALIDATION_FAILED',
      error: 'Arguments of store.cancel_pending_order: refund.amount: must be number',
    });
    // Arguments the tool takes are held for the shopper's yes, as before; nothing ran.
    expect(await call({ order_id: '#W1', reason: 'no longer needed' })).toMatchObject({ code: CONFIRMATION_REQUIRED });
    expect(ran).toEqual([]);
  });

  it('lets a tool that needs no consent run at once', async () => {
    const tools = new StaticToolRegistry([
      {
        name: 'store.cancel_pending_order',
        description: 'x',
        inputSchema: { type: 'object' },
        readOnly: false,
        handler: () => ({ ok: true, output: { status: 'cancelled' } }),
      },
    ]);
    const executed = await executeToolCall(
      cancel('c1'),
      card,
      't1',
      0,
      runContext(tools, new AbortController().signal),
    );
    expect(JSON.parse(executed.content)).toEqual({ status: 'cancelled' });
  });
});
