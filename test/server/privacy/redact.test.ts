import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactJson, redactText } from '../../../server/src/privacy/redact.js';
import { tickets } from '../../../server/src/store/schema/index.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

const PERSONAL = {
  email: 'noah.brown7922@example.com',
  phone: '+1 555-201-3344',
  street: '215 River Road',
  unit: 'Suite 9',
  town: 'New York, NY 10083',
  payment: 'credit_card_7815826',
  token: 'ct_0b1c2d3e_4f5a6b7c8d9e0f1a2b3c',
};
const TEXT = `I'm ${PERSONAL.email}, call ${PERSONAL.phone}, ship to ${PERSONAL.street}, Suite 9, New York, NY 10083, pay with ${PERSONAL.payment}; my token is ${PERSONAL.token}.`;

describe('redaction', () => {
  it('replaces each kind deterministically', () => {
    const once = redactText(TEXT);
    expect(once).toBe(redactText(TEXT));
    for (const value of Object.values(PERSONAL)) expect(once).not.toContain(value);
    expect(once).toContain('[email]');
    expect(once).toContain('[phone]');
    expect(once).toContain('[address]');
    expect(once).toContain('[payment method]');
    expect(once).toContain('[token]');
    expect(redactText('Where is order #W2611340? It was $45.99 on 2024-05-01.')).toBe(
      'Where is order #W2611340? It was $45.99 on 2024-05-01.',
    );
    expect(redactJson({ address: { address1: '1 Main', zip: '10083' }, status: 'pending' })).toEqual({
      address: '[redacted]',
      status: 'pending',
    });
  });
  it('replaces a whole postal address in prose: street, unit, city, state and ZIP code', () => {
    // The stand-in's own words when it proposes a new shipping address, and ways shoppers give one.
    expect(redactText('Shipping to 123 Main St, Suite 4, Springfield, IL 62704')).toBe(
      'Shipping to [address], [address]',
    );
    expect(redactText('send it to 445 Maple Drive Apt. 12B, Fort Worth, Texas 76165-1234 please')).toBe(
      'send it to [address], [address] please',
    );
    expect(redactText('I moved to St. Louis, MO 63101 last week')).toBe('I moved to [address] last week');
    expect(redactText('oh and add Suite 394 to it')).toBe('oh and add [address] to it');
    expect(redactText('my zip is 80279, name Noah Brown')).toBe('my zip is [zip], name Noah Brown');
    expect(redactText('Zip code: 80279-1234')).toBe('Zip code: [zip]');
    // Numbers that are not part of an address stay.
    for (const text of [
      'Order #W2611340 was $45.99 on 2024-05-01; I bought 2 units of item 12345.',
      'Is the Order ID 12345 right?',
      'I live near Denver, CO and love it',
    ])
      expect(redactText(text)).toBe(text);
  });

  it('takes time linear in the text, so a long message cannot hold the server’s thread', () => {
    // Eight times the text may cost about eight times as much (16 allowed); a pattern that rescans a
    // run of letters from each of its characters costs sixty-four times as much.
    const cpu = (text: string) => {
      const before = process.cpuUsage();
      for (let i = 0; i < 10; i++) redactText(text);
      const used = process.cpuUsage(before);
      return used.user + used.system;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const text of [
      'a'.repeat(8_000),
      `${'b'.repeat(7_990)}@x`,
      'x.'.repeat(4_000),
      "A'".repeat(4_000),
      'Ab '.repeat(2_666),
      'Suite '.repeat(1_333),
    ]) {
      const eighth = text.slice(0, 1_000);
      const whole: number[] = [];
      const part: number[] = [];
      for (let round = 0; round < 7; round++) {
        whole.push(cpu(text));
        part.push(cpu(eighth));
      }
      expect(median(whole) / Math.max(1, median(part)), text.slice(-10)).toBeLessThan(16);
    }
    expect(redactText(`${'b'.repeat(7_990)}@x jane@example.com`)).toBe(`${'b'.repeat(7_990)}@x [email]`);
  });

  it('replaces what lies deeper than 32 levels whole, rather than passing it through unread', () => {
    const nest = (levels: number, leaf: unknown): unknown => {
      let v = leaf;
      for (let i = 1; i < levels; i++) v = i % 2 ? { a: v } : [v];
      return v;
    };
    const leaf = { email: PERSONAL.email, customer: { zip: '10083' }, note: 'fine' };
    const deep = redactJson(nest(40, leaf));
    expect(JSON.stringify(deep)).not.toMatch(/noah\.brown|10083/);
    expect(JSON.stringify(deep)).toContain('[redacted]');
    // Up to 32 levels (the most an input may nest) everything is read and redacted as usual.
    expect(JSON.stringify(redactJson(nest(32, leaf)))).toContain('"note":"fine"');
    expect(JSON.stringify(redactJson(nest(32, leaf)))).not.toContain(PERSONAL.email);
  });
});

describe('the integrator eventFeed', () => {
  let t: TestApp;
  let url: string;
  let plain: string;
  let granted: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys', NODE_ENV: 'production' } });
    await t.app.services.runs.stop();
    plain = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    granted = (await t.app.services.apiKeys.create('warehouse', 'integrator', undefined, { fullEventData: true })).key;
    url = (await t.app.start(0, '127.0.0.1')).url;
    const { conversation } = await t.app.services.conversations.start({});
    await t.app.services.conversations.sendMessage(conversation.id, TEXT);
  });
  afterAll(() => t.close());

  const replay = async (key: string) => {
    const sub = subscribe(
      'ws',
      url,
      'subscription { eventFeed(after: "0") { type data: dataJson } }',
      {},
      (d) => d.eventFeed,
      key,
    );
    const got = await sub.waitFor(1);
    sub.stop();
    return JSON.stringify(got);
  };

  it('replays history redacted by default, over WebSocket and in conversation reads', async () => {
    const text = await replay(plain);
    for (const value of Object.values(PERSONAL)) expect(text).not.toContain(value);
    expect(text).toContain('[email]');
    const read = await t.gql(
      '{ conversations(first: 1) { edges { node { messages { text } events { data: dataJson } } } } }',
      {},
      plain,
    );
    for (const value of Object.values(PERSONAL)) expect(JSON.stringify(read)).not.toContain(value);
  });

  it('gives full data only to a key granted it', async () => {
    const text = await replay(granted);
    expect(text).toContain(PERSONAL.email);
    expect(text).toContain(PERSONAL.street);
  });
});

describe('everything else an integrator key reads', () => {
  let t: TestApp;
  let plain: string;
  let granted: string;
  let support: string;
  let runId: string;
  let eventId: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys', NODE_ENV: 'production', SEED_DEMO_DATA: 'true' } });
    plain = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    granted = (await t.app.services.apiKeys.create('warehouse', 'integrator', undefined, { fullEventData: true })).key;
    support = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    const { conversation } = await t.app.services.conversations.start({ title: `Chat with ${PERSONAL.email}` });
    const run = await t.app.services.runs.submit(conversation.id, TEXT, 'AUTO');
    runId = run.id;
    await waitForRun(t.app, run.id, 60_000);
    const [last] = (await t.app.services.eventStore.list({ runId })).slice(-1);
    eventId = String(last!.id);
    await t.app.services.db.insert(tickets).values({
      summary: `Call ${PERSONAL.phone} about ${PERSONAL.street}`,
      priority: 'normal',
      customerName: 'Noah Brown',
      customerEmail: PERSONAL.email,
      customerPhone: PERSONAL.phone,
      internalNote: `pays with ${PERSONAL.payment}`,
      conversationId: conversation.id,
    });
  }, 120_000);
  afterAll(() => t.close());

  const QUERY = `query($run: ID!, $event: ID!) {
    conversations(first: 5) { edges { node { title } } }
    run(id: $run) { question reply error plan tasks { instruction statusMessage }
      chatStateAt(eventId: $event) { plan messages { content toolCalls { arguments } } } }
    tickets { summary customerName customerEmail customerPhone internalNote }
  }`;
  const read = async (key: string) => {
    const r = await t.gql(QUERY, { run: runId, event: eventId }, key);
    expect(r.errors).toBeUndefined();
    return JSON.stringify(r.data);
  };

  it('redacts titles, plans, tasks, replies, questions, ChatState and tickets without the grant', async () => {
    const text = await read(plain);
    for (const [kind, value] of Object.entries(PERSONAL)) expect(text, kind).not.toContain(value);
    expect(text).not.toContain('Noah Brown');
    expect(text).toContain('[email]');
  });

  it('shows them whole to a key granted full data, and to support colleagues', async () => {
    for (const key of [granted, support]) {
      const text = await read(key);
      expect(text).toContain(PERSONAL.email);
      expect(text).toContain(PERSONAL.phone);
      expect(text).toContain('Noah Brown');
    }
  });
});
