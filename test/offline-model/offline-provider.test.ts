import { describe, expect, it } from 'vitest';
import { OfflineModelError, OfflineProvider } from '../../offline-model/src/offline-provider.js';
import { planOutputSchema, planSchema } from '../../server/src/domain/plan.js';
import { isModelError } from '../../server/src/errors.js';
import { createOfflineModelProvider } from '../../server/src/models/create-model-provider.js';
import type { ChatMessage, ModelRequest } from '../../server/src/models/model-provider.js';
import { builtins, planRequest, taskMessages } from './requests.js';

const card = (name: string) => builtins.find((c) => c.name === name)!;
/** A specialist request as BaseAgent builds it, then `after` (this task's tool turns so far). */
const taskRequest = (
  name: string,
  words: string,
  extra: { customerId?: string; brandVoice?: string; after?: ChatMessage[] } = {},
): Pick<ModelRequest, 'agentName' | 'messages'> => ({
  agentName: name,
  messages: [
    ...taskMessages({
      card: card(name),
      instruction: `Help the customer with this request. The customer wrote: "${words}"`,
      userMessage: words,
      brandVoice: extra.brandVoice ?? 'Warm and concise.',
      customerId: extra.customerId,
    }),
    ...(extra.after ?? []),
  ],
});
const orderTool = {
  name: 'store__get_order_details',
  description: 'Get an order',
  parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
};

describe('OfflineProvider', () => {
  const provider = new OfflineProvider();

  it('says what it is: the offline rule-based stand-in', () => {
    expect(provider.name).toBe('offline');
    expect(provider.ruleBased).toBe(true);
  });

  it('answers a plan request with plan JSON, no tool calls, and estimated usage', async () => {
    const response = await provider.complete(planRequest('Where is my order #W2611340?'));
    expect(response).toMatchObject({ toolCalls: [], finishReason: 'stop', model: 'offline-rules' });
    const json = JSON.parse(response.content!);
    expect(planOutputSchema.safeParse(json).success).toBe(true);
    expect(planSchema.parse(json).tasks.map((t) => t.agent)).toEqual(['OrderManagementAgent']);
    const usage = response.usage!;
    expect(usage.promptTokens).toBeGreaterThan(0);
    expect(usage.completionTokens).toBe(Math.ceil(response.content!.length / 4));
    expect(usage.totalTokens).toBe(usage.promptTokens + usage.completionTokens);
    const longer = await provider.complete(planRequest(`Where is my order #W2611340? ${'Please hurry. '.repeat(20)}`));
    expect(longer.usage!.promptTokens).toBeGreaterThan(usage.promptTokens);
  });

  it('returns tool calls with null content, named as offered, with JSON arguments', async () => {
    const response = await provider.complete({
      ...taskRequest('OrderManagementAgent', 'Where is my order #W2611340?', { customerId: 'james_li_5688' }),
      tools: [orderTool],
    });
    expect(response.finishReason).toBe('tool_calls');
    expect(response.content).toBeNull();
    expect(response.toolCalls).toEqual([
      { id: 'call_offline_1_1', name: 'store__get_order_details', arguments: '{"order_id":"#W2611340"}' },
    ]);
    expect(response.usage!.completionTokens).toBeGreaterThan(0);
  });

  it('streams the reply in word-sized deltas that add up to the content', async () => {
    const deltas: string[] = [];
    const response = await provider.complete({
      ...taskRequest('OrderManagementAgent', 'Where is my order #W2611340?', {
        customerId: 'james_li_5688',
        after: [
          {
            role: 'assistant',
            content: null,
            toolCalls: [{ id: 'c1', name: 'store__get_order_details', arguments: '{"order_id":"#W2611340"}' }],
          },
          {
            role: 'tool',
            toolCallId: 'c1',
            content: JSON.stringify({
              order_id: '#W2611340',
              status: 'processed',
              items: [{ name: 'Water Bottle', price: 47.84, options: { color: 'blue' }, item_id: '6469567736' }],
              fulfillments: [{ tracking_id: ['357962501027'], item_ids: ['6469567736'] }],
            }),
          },
        ],
      }),
      tools: [orderTool],
      onDelta: (d) => deltas.push(d),
    });
    expect(response.finishReason).toBe('stop');
    expect(response.content).toBe(
      'Your order #W2611340 has shipped: it is packed and on its way to you. Tracking number: 357962501027 (the tracking page shows the carrier and each scan). Items: Water Bottle (blue) $47.84.',
    );
    expect(deltas.length).toBeGreaterThan(10);
    expect(deltas.join('')).toBe(response.content);
    for (const d of deltas) expect(d.trim()).not.toMatch(/\s/);
  });

  it('is deterministic: the same request gives the same response', async () => {
    const request = planRequest('Cancel order #W5918442 and sign me up for the newsletter');
    expect(await provider.complete(request)).toEqual(await provider.complete(request));
  });

  it('greets in the brand voice: no exclamation marks for a formal voice', async () => {
    const warm = await provider.complete(taskRequest('GeneralSupportAgent', 'hi'));
    expect(warm.content).toBe('Hello! How can I help you today?');
    const formal = await provider.complete(
      taskRequest('GeneralSupportAgent', 'hi', { brandVoice: 'Formal and professional.' }),
    );
    expect(formal.content).toBe('Hello. How can I help you today?');
  });

  it('refuses structured output it does not know, and a cancelled request; the factory makes both ModelErrors', async () => {
    const other = { ...planRequest('hi'), responseFormat: { name: 'invoice', schema: { type: 'object' } } };
    await expect(provider.complete(other)).rejects.toBeInstanceOf(OfflineModelError);
    const controller = new AbortController();
    controller.abort();
    const cancelled = { ...planRequest('hi'), signal: controller.signal };
    await expect(provider.complete(cancelled)).rejects.toMatchObject({ reason: 'cancelled' });
    const wrapped = createOfflineModelProvider();
    await expect(wrapped.complete(other)).rejects.toSatisfy(isModelError);
    await expect(wrapped.complete(cancelled)).rejects.toSatisfy(isModelError);
  });

  it('streams a plan as JSON text when asked, so a caller may parse it while it arrives', async () => {
    const deltas: string[] = [];
    const response = await provider.complete({
      ...planRequest("Where's my order #W123, and do you have red sneakers in men's size 9?"),
      onDelta: (d) => deltas.push(d),
    });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(response.content);
    expect(planSchema.parse(JSON.parse(response.content!)).tasks).toHaveLength(2);
  });
});

describe('OfflineProvider on long messages', () => {
  const provider = new OfflineProvider();
  // 8,000 characters: a request, then made-up words (each one a spelling puzzle for the corrector).
  const filler = Array.from({ length: 900 }, (_, i) => `zq${(i * 7919).toString(36)}x`).join(' ');
  const long = `Please cancel order #W2611340 because I ordered it by mistake. ${filler}`.slice(0, 8_000);
  const head = long.slice(0, 2_000);
  // The stand-in memoises what it reads of a text, so the cost tests send a new text every call: the
  // same words after a call number.
  let calls = 0;
  const fresh = (text: string) => `${calls++}: ${text}`.slice(0, 8_000);

  it('reads a bounded part of a message: 8,000 characters plan like their first 2,000', async () => {
    const plan = async (text: string) => (await provider.complete(planRequest(text))).content;
    expect(await plan(long)).toBe(await plan(long.slice(0, long.lastIndexOf(' ', 2_000))));
    const task = async (text: string) => (await provider.complete(taskRequest('OrderManagementAgent', text))).content;
    expect(await task(long)).toBe(await task(long.slice(0, long.lastIndexOf(' ', 2_000))));
  });

  it('costs a few milliseconds of CPU per call on an 8,000-character message, about what 2,000 cost', async () => {
    const cpuPerCall = async (text: string) => {
      const requests = () => [planRequest(fresh(text)), taskRequest('OrderManagementAgent', fresh(text))];
      for (const r of requests()) await provider.complete(r); // warm
      const before = process.cpuUsage();
      for (let i = 0; i < 10; i++) for (const r of requests()) await provider.complete(r);
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1_000 / 20;
    };
    // Alternating rounds, medians: one round is a few milliseconds, which a GC or another process's burst
    // can double (seen in the full suite); CPU time, not wall time, so a busy machine slows both alike.
    const longs: number[] = [];
    const heads: number[] = [];
    for (let round = 0; round < 5; round++) {
      longs.push(await cpuPerCall(long));
      heads.push(await cpuPerCall(head));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const longMs = median(longs);
    const headMs = median(heads);
    expect(longMs).toBeLessThan(15);
    expect(longMs).toBeLessThan(headMs * 2 + 1);
  });

  it('a call late in a conversation of long messages costs about what the first call costs', async () => {
    // Twenty earlier 8,000-character messages: each is read once, not again on every later call.
    const history: ChatMessage[] = Array.from({ length: 20 }, (_, i) => ({
      role: 'user' as const,
      content: `${i}: ${filler}`.slice(0, 8_000),
    }));
    const request = (earlier: ChatMessage[]) => {
      const words = fresh('Please cancel order #W2611340, I ordered it by mistake.');
      return {
        agentName: 'OrderManagementAgent',
        messages: taskMessages({
          card: card('OrderManagementAgent'),
          instruction: `Help the customer with this request. The customer wrote: "${words}"`,
          userMessage: words,
          history: earlier,
        }),
      };
    };
    const cpuPerCall = async (earlier: ChatMessage[]) => {
      const before = process.cpuUsage();
      for (let i = 0; i < 10; i++) await provider.complete(request(earlier));
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1_000 / 10;
    };
    await cpuPerCall(history);
    await cpuPerCall([]);
    const late: number[] = [];
    const first: number[] = [];
    for (let round = 0; round < 5; round++) {
      late.push(await cpuPerCall(history));
      first.push(await cpuPerCall([]));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(late)).toBeLessThan(median(first) * 2 + 1);
  });

  /** 8,000 characters of `unit(0) unit(1) ...`. */
  const shaped = (unit: (i: number) => string) => {
    let text = '';
    for (let i = 0; text.length < 8_000; i++) text += unit(i);
    return text.slice(0, 8_000);
  };
  // Shapes a shopper or a script may paste, each stressing another part of the reading: one giant word
  // (patterns that rescan a run of letters), a giant word that ends like an email, a pasted log, many
  // emails, order ids, numbers and addresses, other languages and scripts, typos, punctuation only.
  const shapes: Record<string, string> = {
    'one giant word': 'a'.repeat(8_000),
    'a giant word ending in @x': `${'b'.repeat(7_990)}@x`,
    'a giant alphanumeric word': shaped((i) => (i * 31).toString(36)),
    'a pasted log': shaped(
      (i) =>
        `2026-12-05T03:12:${i % 60}.123Z ERROR [worker-${i % 7}] job ${(i * 7919).toString(16)} failed after 30000ms\n`,
    ),
    'many emails': shaped((i) => `user${i}.name@example${i % 5}.com, `),
    'many order ids': shaped((i) => `#W${1_000_000 + i * 37} `),
    'many numbers': shaped((i) => `${10_000 + i} `),
    'many addresses': shaped((i) => `${i} Main Street, Springfield, IL 6${String(i).padStart(4, '0')} `),
    German: shaped(() => 'Ich möchte meine Bestellung stornieren, die Schuhe sind zu klein und kamen zu spät. '),
    Russian: shaped(() => 'Здравствуйте, где мой заказ? Я хочу вернуть кроссовки, они слишком маленькие. '),
    Chinese: shaped(() => '你好我的订单在哪里我想退货鞋子太小了'),
    typos: shaped((i) => ['ordr ', 'retrun ', 'shoees ', 'bleu ', 'refnd ', 'cancle ', 'lapotp ', 'chargr '][i % 8]!),
    punctuation: shaped(() => '!?.,;:-'),
  };

  it('costs about what an ordinary long message costs, whatever the text’s shape', async () => {
    const cpuPerCall = async (text: string) => {
      const requests = () => [planRequest(fresh(text)), taskRequest('OrderManagementAgent', fresh(text))];
      const before = process.cpuUsage();
      for (let i = 0; i < 3; i++) for (const r of requests()) await provider.complete(r);
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1_000 / 6;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const text of [head, ...Object.values(shapes)]) await cpuPerCall(text); // warm
    // Alternating rounds against the ordinary message, medians: the machine's load slows both alike.
    for (const [shape, text] of Object.entries(shapes)) {
      const ours: number[] = [];
      const ordinary: number[] = [];
      for (let round = 0; round < 5; round++) {
        ours.push(await cpuPerCall(text));
        ordinary.push(await cpuPerCall(head));
      }
      // Generous: a quadratic pattern costs tens of times more on these shapes, not a few.
      expect(median(ours), shape).toBeLessThan(median(ordinary) * 3 + 2);
    }
  });
});
