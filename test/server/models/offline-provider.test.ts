import { describe, expect, it } from 'vitest';
import { builtinCards } from '../../../server/src/agents/builtin-cards.js';
import { planOutputSchema, planSchema } from '../../../server/src/chat/plan.js';
import { isModelError } from '../../../server/src/errors.js';
import type { ModelCallHints, ModelRequest } from '../../../server/src/models/model-provider.js';
import { OfflineProvider } from '../../../server/src/models/offline-provider.js';
import { asCard } from './offline/task-harness.js';

const cards = builtinCards.map(asCard);
const card = (name: string) => cards.find((c) => c.name === name)!;
const planRequest = (message: string): ModelRequest => ({
  agentName: 'PlannerAgent',
  messages: [
    { role: 'system', content: 'You are the planner.' },
    { role: 'user', content: message },
  ],
  responseFormat: { name: 'plan', schema: { type: 'object' } },
  hints: { kind: 'plan', message, history: [], cards, defaultAgent: 'GeneralSupportAgent' },
});
const taskHints = (name: string, words: string, extra: Partial<Extract<ModelCallHints, { kind: 'task' }>> = {}) =>
  ({
    kind: 'task',
    card: card(name),
    instruction: `Help the customer with this request. The customer wrote: "${words}"`,
    userMessage: words,
    brandVoice: 'Warm and concise.',
    knowledge: [],
    businessHoursOpen: true,
    businessHours: 'Mon-Fri 9:00-17:00',
    ...extra,
  }) satisfies ModelCallHints;
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
      agentName: 'OrderManagementAgent',
      messages: [{ role: 'user', content: '[Task] status of #W2611340' }],
      tools: [orderTool],
      hints: taskHints('OrderManagementAgent', 'Where is my order #W2611340?', { customerId: 'james_li_5688' }),
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
      agentName: 'OrderManagementAgent',
      messages: [
        { role: 'user', content: '[Task] status of #W2611340' },
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
      tools: [orderTool],
      onDelta: (d) => deltas.push(d),
      hints: taskHints('OrderManagementAgent', 'Where is my order #W2611340?', { customerId: 'james_li_5688' }),
    });
    expect(response.finishReason).toBe('stop');
    expect(response.content).toBe(
      'Your order #W2611340 is processed. It has been processed for shipping. Items: Water Bottle (blue) $47.84. Tracking: 357962501027.',
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
    const warm = await provider.complete({
      agentName: 'GeneralSupportAgent',
      messages: [{ role: 'user', content: '[Task] greet' }],
      hints: taskHints('GeneralSupportAgent', 'hi'),
    });
    expect(warm.content).toBe('Hello! How can I help you today?');
    const formal = await provider.complete({
      agentName: 'GeneralSupportAgent',
      messages: [{ role: 'user', content: '[Task] greet' }],
      hints: taskHints('GeneralSupportAgent', 'hi', { brandVoice: 'Formal and professional.' }),
    });
    expect(formal.content).toBe('Hello. How can I help you today?');
  });

  it('composes task outputs in plan order without repeats', async () => {
    const response = await provider.complete({
      agentName: 'Composer',
      messages: [],
      hints: {
        kind: 'compose',
        userMessage: 'x',
        brandVoice: '',
        parts: [
          { agentName: 'A', text: 'First.' },
          { agentName: 'B', text: ' ' },
          { agentName: 'C', text: 'Second.' },
          { agentName: 'D', text: 'First.' },
        ],
      },
    });
    expect(response.content).toBe('First.\n\nSecond.');
  });

  it('fails with a ModelError for structured output without hints, and for a cancelled request', async () => {
    const noHints = provider.complete({ ...planRequest('hi'), hints: undefined });
    await expect(noHints).rejects.toSatisfy(isModelError);
    const controller = new AbortController();
    controller.abort();
    await expect(provider.complete({ ...planRequest('hi'), signal: controller.signal })).rejects.toSatisfy(
      isModelError,
    );
  });
});
