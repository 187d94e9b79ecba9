import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatState, type TranscriptEntry } from '../../../server/src/chat/chat-state.js';
import { loadTranscriptEvents } from '../../../server/src/chat/chat-state-loader.js';
import { RunRepository } from '../../../server/src/db/run-repository.js';
import { DEFAULT_HISTORY_CHARS } from '../../../server/src/domain/history-window.js';
import { createOfflineModelProvider } from '../../../server/src/models/create-model-provider.js';
import type { ModelProvider, ModelRequest } from '../../../server/src/models/model-provider.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/** A ChatState whose transcript is `entries`, this run being `run`. */
function stateWith(entries: TranscriptEntry[], historyChars: number, run = 'r-now'): ChatState {
  const state = new ChatState(
    'c1',
    run,
    { level: 'anonymous', verified: false },
    {
      brandVoice: '',
      refusalMessage: '',
      apologyMessage: '',
      businessHours: { summary: '', timeZone: 'UTC', openNow: true },
      humanTransferScenarios: [],
      knowledge: [],
      agents: [],
      defaultAgent: 'GeneralSupportAgent',
    },
    'strict',
    historyChars,
  );
  state.transcript.push(...entries);
  return state;
}

/** Turn i of an old conversation: the shopper's question, a tool call and the answer, about 300 characters. */
const oldTurn = (i: number): TranscriptEntry[] => [
  { kind: 'user', text: `question ${i} ${'q'.repeat(90)}`, runId: `r${i}` },
  {
    kind: 'tool',
    agentName: 'OrderManagementAgent',
    callId: `call_${i}`,
    tool: 'store.get_order_details',
    arguments: { order_id: `#W${i}` },
    output: { status: 'delivered', note: 'o'.repeat(40) },
    runId: `r${i}`,
  },
  { kind: 'assistant', text: `answer ${i} ${'a'.repeat(90)}`, agentName: 'OrderManagementAgent', runId: `r${i}` },
];

const texts = (messages: { content: string | null }[]) => messages.map((m) => m.content ?? '').join('\n');

describe('the history a model call is shown', () => {
  it('is the newest turns within the budget, from a shopper’s message on, with this turn whole', () => {
    const now: TranscriptEntry[] = [
      { kind: 'user', text: `latest ${'n'.repeat(1_500)}`, runId: 'r-now' },
      { kind: 'assistant', text: 'partial answer', agentName: 'ProductExpertAgent', runId: 'r-now' },
    ];
    const state = stateWith([...Array.from({ length: 50 }, (_, i) => oldTurn(i)).flat(), ...now], 2_500);
    const messages = state.renderHistory('OrderManagementAgent');
    const shown = texts(messages);
    // This turn is shown whole although it alone is most of the budget.
    expect(shown).toContain(`latest ${'n'.repeat(1_500)}`);
    expect(shown).toContain('partial answer');
    // The newest earlier turns fill the rest; the oldest are left out.
    expect(shown).toContain('question 49');
    expect(shown).toContain('answer 49');
    expect(shown).not.toContain('question 0 ');
    expect(shown).not.toContain('question 40 ');
    // It starts at a shopper's message, and tool results still follow their call.
    expect(messages[0]!.role).toBe('user');
    for (const [i, m] of messages.entries())
      if (m.role === 'tool')
        expect(messages[i - 1]!.role === 'tool' || messages[i - 1]!.role === 'assistant').toBe(true);
    expect(shown.length).toBeLessThan(2_500 + 1_000);
  });

  it('keeps a conversation that fits whole, as before', () => {
    const entries = Array.from({ length: 20 }, (_, i) => oldTurn(i)).flat();
    const state = stateWith(entries, DEFAULT_HISTORY_CHARS);
    const shown = texts(state.renderHistory('GeneralSupportAgent'));
    for (let i = 0; i < 20; i++) expect(shown).toContain(`question ${i} `);
  });

  it('shows this run’s entries even when they alone pass the budget', () => {
    const now: TranscriptEntry[] = [
      { kind: 'user', text: 'x'.repeat(3_000), runId: 'r-now' },
      { kind: 'assistant', text: 'y'.repeat(3_000), agentName: 'A', runId: 'r-now' },
    ];
    const state = stateWith([...oldTurn(1), ...now], 1_000);
    const messages = state.renderHistory('A');
    expect(messages.map((m) => m.content)).toEqual(['x'.repeat(3_000), 'y'.repeat(3_000)]);
  });
});

describe('MODEL_HISTORY_CHARS, through a run', () => {
  let t: TestApp;
  let conversationId = '';
  const requests: ModelRequest[] = [];
  beforeAll(async () => {
    const stand = createOfflineModelProvider();
    const models: ModelProvider = {
      name: stand.name,
      ruleBased: true,
      complete: (request) => {
        requests.push(request);
        return stand.complete(request);
      },
    };
    t = await createTestApp({ env: { MODEL_HISTORY_CHARS: '3000' }, models });
  });
  afterAll(() => t.close());

  it('bounds every model call of a long conversation and always shows the message being answered', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    conversationId = conversation.id;
    // Who the shopper is does not leave with the window.
    await t.app.services.events.append([
      {
        conversationId,
        type: 'IDENTITY',
        data: { level: 'claimed', method: 'email', claim: { email: 'noah@example.com' }, policy: 'strict' },
      },
    ]);
    for (let i = 0; i < 12; i++) {
      await t.app.services.runs.submit(
        conversation.id,
        `Message ${i}: do you sell blue running shoes? ${'z'.repeat(400)}`,
        'AUTO',
      );
      await t.app.services.runs.idle();
    }
    const last = requests.slice(-3);
    for (const r of last) {
      const shown = r.messages
        .filter((m) => m.role !== 'system')
        .map((m) => m.content ?? '')
        .join('\n');
      expect(shown).toContain('Message 11:');
      expect(shown).not.toContain('Message 0:');
      expect(shown.length).toBeLessThan(3_000 + 2_000);
    }
  });

  it('loads only the newest part of the transcript, and every IDENTITY event', async () => {
    const events = await loadTranscriptEvents(t.app.services, conversationId, undefined, 3_000);
    const texts = events.flatMap((e) => (e.type === 'MESSAGE' ? [e.data.text] : []));
    expect(texts.some((x) => x.startsWith('Message 11:'))).toBe(true);
    expect(texts.some((x) => x.startsWith('Message 0:'))).toBe(false);
    expect(events.filter((e) => e.type === 'IDENTITY')).toHaveLength(1);
    // The whole conversation, read without a bound, is longer.
    const all = await loadTranscriptEvents(t.app.services, conversationId, undefined, 10_000_000);
    expect(all.length).toBeGreaterThan(events.length);
    expect(all.some((e) => e.type === 'MESSAGE' && e.data.text.startsWith('Message 0:'))).toBe(true);
  });

  it('claims a run with the same bound on the transcript it reads', async () => {
    const runs = new RunRepository(t.app.services.database, { historyChars: 3_000 });
    const { conversation } = await t.app.services.conversations.start({});
    for (let i = 0; i < 30; i++)
      await runs.append([
        {
          conversationId: conversation.id,
          type: 'MESSAGE',
          data: { role: 'user', text: `Old ${i}: ${'w'.repeat(900)}` },
        },
      ]);
    const claimed = await runs.enqueue(conversation.id, 'Where is my order?', 'AUTO', {
      owner: 'test',
      leaseMs: 600_000,
    });
    const texts = claimed.history!.flatMap((e) => (e.type === 'MESSAGE' ? [e.data.text] : []));
    expect(texts.some((x) => x.startsWith('Old 29:'))).toBe(true);
    expect(texts.some((x) => x.startsWith('Old 0:'))).toBe(false);
    // 12,000 bytes of a 3,000-character window: at most 13 of these 900-character messages, and the new one.
    expect(texts.length).toBeLessThanOrEqual(14);
    await t.app.services.runs.cancel(claimed.run.id);
  });
});
