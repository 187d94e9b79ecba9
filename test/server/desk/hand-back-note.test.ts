import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const HAND_BACK_FIELDS = 'type data { ... on HandedBackData { human note } } json: dataJson';
const SUBSCRIPTION = `subscription($id: ID!) { conversationEvents(conversationId: $id) { ${HAND_BACK_FIELDS} } }`;
const QUERY = `query($id: ID!) { conversation(id: $id) { events { ${HAND_BACK_FIELDS} } } }`;
const NOTE = 'Refund issued by hand; the customer is upset about the delay, be gentle';

interface EventView {
  type: string;
  data: { human?: string; note?: string };
  json: { human?: string; note?: string };
}

/**
 * A colleague's hand-back note (HANDED_BACK `note`) says why the bot takes over again: it is for the bot and the
 * colleagues. The shopper's stream still gets the event (the widget says the assistant is back), without the note.
 */
describe('the hand-back note on the shopper’s stream', () => {
  let t: TestApp;
  let url = '';
  let dana = '';
  let integrator = '';
  let conversationId = '';
  let shopper = '';

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    await t.app.services.runs.stop();
    url = (await t.app.start(0, '127.0.0.1')).url;
    dana = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    integrator = (await t.app.services.apiKeys.create('helpdesk', 'integrator')).key;
    const started = await t.app.services.conversations.start({});
    conversationId = started.conversation.id;
    shopper = started.token;
    await t.app.services.desk.requestHuman({ conversationId, by: 'shopper', reason: 'A refund' });
    const claim = await t.gql(
      'mutation($id: ID!) { claimConversation(conversationId: $id) { state } }',
      { id: conversationId },
      dana,
    );
    expect(claim.errors).toBeUndefined();
  });
  afterAll(() => t.close());

  it.each(['sse', 'ws'] as const)(
    '%s: the shopper sees the hand-back without its note; staff see the note',
    async (transport) => {
      const pick = (d: Record<string, unknown>) => d.conversationEvents as EventView;
      const asShopper = subscribe(transport, url, SUBSCRIPTION, { id: conversationId }, pick, shopper);
      const asDana = subscribe(transport, url, SUBSCRIPTION, { id: conversationId }, pick, dana);
      try {
        if (transport === 'sse') {
          const back = await t.gql(
            'mutation($id: ID!, $note: String) { handBackConversation(conversationId: $id, note: $note) { state } }',
            { id: conversationId, note: NOTE },
            dana,
          );
          expect(back.errors).toBeUndefined();
        }
        const handedBack = async (sub: typeof asShopper) => {
          for (let n = 1; ; n++) {
            const items = await sub.waitFor(n);
            const found = items.find((e) => e.type === 'HANDED_BACK');
            if (found) return found;
          }
        };
        expect(await handedBack(asShopper)).toEqual({
          type: 'HANDED_BACK',
          data: { human: 'Dana', note: '' },
          json: { human: 'Dana', note: '' },
        });
        expect(await handedBack(asDana)).toEqual({
          type: 'HANDED_BACK',
          data: { human: 'Dana', note: NOTE },
          json: { human: 'Dana', note: NOTE },
        });
      } finally {
        asShopper.stop();
        asDana.stop();
      }
    },
  );

  it('Conversation.events: the shopper’s token gets no note; support and integrator keys get it', async () => {
    const handBack = async (token: string) => {
      const r = await t.gql<{ conversation: { events: EventView[] } }>(QUERY, { id: conversationId }, token);
      expect(r.errors).toBeUndefined();
      return r.data!.conversation.events.find((e) => e.type === 'HANDED_BACK');
    };
    expect(await handBack(shopper)).toMatchObject({ data: { human: 'Dana', note: '' }, json: { note: '' } });
    expect(await handBack(dana)).toMatchObject({ data: { note: NOTE }, json: { note: NOTE } });
    expect(await handBack(integrator)).toMatchObject({ data: { note: NOTE }, json: { note: NOTE } });
  });

  it('RESOLVED: the shopper’s token gets the event without the colleague’s closing note', async () => {
    const closing = 'Refunded $40 by hand, ticket closed; watch for a chargeback';
    const resolved = await t.gql(
      'mutation($id: ID!, $note: String) { resolveConversation(conversationId: $id, note: $note) { state } }',
      { id: conversationId, note: closing },
      dana,
    );
    expect(resolved.errors).toBeUndefined();
    const query = `query($id: ID!) { conversation(id: $id) { events { type data { ... on ResolvedData { by note } } json: dataJson } } }`;
    const read = async (token: string) => {
      const r = await t.gql<{ conversation: { events: { type: string; data: unknown; json: unknown }[] } }>(
        query,
        { id: conversationId },
        token,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.conversation.events.find((e) => e.type === 'RESOLVED');
    };
    const asShopper = await read(shopper);
    expect(asShopper?.data).toEqual({ by: 'Dana', note: null });
    expect(JSON.stringify(asShopper?.json)).not.toContain('chargeback');
    expect(await read(dana)).toMatchObject({ data: { by: 'Dana', note: closing }, json: { note: closing } });
  });
});
