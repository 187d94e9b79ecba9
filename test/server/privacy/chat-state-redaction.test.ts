import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';
import { emma } from '../identity/identity-kit.js';

type ChatState = {
  run: {
    chatStateAt: {
      messages: { role: string; content: string | null; toolCalls: { name: string; arguments: string }[] }[];
    };
  };
  conversation: { events: { type: string; dataJson: { tool?: string; output?: unknown; arguments?: unknown } }[] };
};

const QUERY = `query($run: ID!, $event: ID!, $conversation: ID!) {
  run(id: $run) { chatStateAt(eventId: $event) { messages { role content toolCalls { name arguments } } } }
  conversation(id: $conversation) { events { type dataJson } }
}`;

/** Emma's order as get_order_details returns it: her address, whole, and a payment method. */
const ADDRESS = ['984 Hickory Lane', 'Suite 834', 'Jacksonville', '32165'];

/** `run.chatStateAt` holds tool outputs and arguments as JSON text: an integrator reads them redacted as events. */
describe('run.chatStateAt for an integrator key without full event data', () => {
  let t: TestApp;
  let plain: string;
  let granted: string;
  let vars: { run: string; event: string; conversation: string };
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys', NODE_ENV: 'production', SEED_DEMO_DATA: 'true' } });
    plain = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    granted = (await t.app.services.apiKeys.create('warehouse', 'integrator', undefined, { fullEventData: true })).key;
    // A customer the caller vouches for: the order tool answers with her address and payment history.
    const { conversation } = await t.app.services.conversations.start({ customerId: emma.id });
    const run = await t.app.services.runs.submit(conversation.id, `Where is my order ${emma.pendingOrder}?`, 'AUTO');
    await waitForRun(t.app, run.id, 60_000);
    const events: BatonEvent[] = await t.app.services.eventStore.list({ runId: run.id });
    expect(events.some((e) => e.type === 'TOOL_CALL' && e.data.tool === 'store.get_order_details')).toBe(true);
    vars = { run: run.id, event: String(events.at(-1)!.id), conversation: conversation.id };
  }, 120_000);
  afterAll(() => t.close());

  const read = async (key: string) => {
    const r = await t.gql<ChatState>(QUERY, vars, key);
    expect(r.errors).toBeUndefined();
    const messages = r.data!.run.chatStateAt.messages;
    const orderCall = messages.flatMap((m) => m.toolCalls).find((c) => c.name === 'store__get_order_details')!;
    const toolMessages = messages.filter((m) => m.role === 'tool');
    const orderEvent = r.data!.conversation.events.find(
      (e) => e.type === 'TOOL_CALL' && e.dataJson.tool === 'store.get_order_details',
    )!;
    return { orderCall, toolMessages, orderEvent };
  };

  it('redacts tool outputs and arguments by key, exactly as the same call’s Event.dataJson; whole with the grant', async () => {
    const { orderCall, toolMessages, orderEvent } = await read(plain);
    const outputs = toolMessages.map((m) => JSON.parse(m.content!) as unknown);
    expect(outputs).toContainEqual(orderEvent.dataJson.output);
    expect(orderEvent.dataJson.output).toMatchObject({ address: '[redacted]' });
    expect(JSON.parse(orderCall.arguments)).toEqual(orderEvent.dataJson.arguments);
    const text = JSON.stringify(toolMessages);
    for (const value of ADDRESS) expect(text, value).not.toContain(value);
    expect(text).not.toContain('paypal_9039769');
    // A key granted full data reads them whole.
    const full = JSON.stringify((await read(granted)).toolMessages);
    for (const value of ['Suite 834', 'Jacksonville', '32165']) expect(full, value).toContain(value);
  });
});
