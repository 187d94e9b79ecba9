import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Collected, subscribe } from '../../helpers/subscribe.js';
import { errorCode, type TestApp } from '../../helpers/test-app.js';
import { createTwoReplicas, type TwoReplicas } from '../../helpers/two-replicas.js';

const EVENTS = 'subscription($id: ID!) { conversationEvents(conversationId: $id) { id type data: dataJson } }';
const RUN_EVENTS = 'subscription($id: ID!) { runEvents(runId: $id) { id type } }';
const ERASE = 'mutation($id: String!) { eraseCustomer(customerId: $id) { auditId } }';
const CONVERSATION = 'query($id: ID!) { conversation(id: $id) { id } }';
const FEED = 'subscription($after: ID) { eventFeed(types: [MESSAGE], after: $after) { id type data: dataJson } }';

type Ev = { id: string | null; type: string; data?: { text?: string } };

/** Resolves once the stream has an error, or after `ms` (then the error is still undefined). */
async function errorWithin(sub: Collected<unknown>, ms: number): Promise<number> {
  const from = Date.now();
  while (!sub.error && Date.now() - from < ms) await new Promise((r) => setTimeout(r, 20));
  return Date.now() - from;
}

/**
 * Two replicas on one database: a shopper's streams are open on B, the operator erases the customer
 * through A. B's streams end with NOT_FOUND within about a second, and the conversation's token, which B
 * had verified and remembered, is refused on B as soon as B has heard of the erasure. On PostgreSQL the replicas have their own pools
 * and the LISTEN/NOTIFY bus between them; on PGlite they share the process's database and a memory bus.
 */
describe('eraseCustomer ends what is live on every replica', () => {
  let replicas: TwoReplicas;
  let a: TestApp;
  let b: TestApp;
  let urlB: string;
  let admin: string;

  beforeAll(async () => {
    replicas = await createTwoReplicas({ env: { AUTH_MODE: 'keys' } });
    ({ a, b } = replicas);
    // Runs stay PENDING: the streams see the stored messages and nothing else moves.
    await a.app.services.runs.stop();
    await b.app.services.runs.stop();
    urlB = (await b.app.start(0, '127.0.0.1')).url;
    admin = (await a.app.services.apiKeys.create('ops', 'admin')).key;
  });

  afterAll(() => replicas.close());

  it.each(['ws', 'sse'] as const)(
    '%s: streams on B end with NOT_FOUND and the token is refused on B, the other customer untouched',
    async (transport) => {
      const customer = `erased_${transport}`;
      const kept = `kept_${transport}`;
      const erased = await a.app.services.conversations.start({ customerId: customer });
      const other = await a.app.services.conversations.start({ customerId: kept });
      const sent = await b.app.services.conversations.sendMessage(erased.conversation.id, 'before the erasure');
      const first = await b.app.services.conversations.sendMessage(other.conversation.id, 'first');

      // B verifies (and remembers) the token before the erasure.
      const before = await b.gql(CONVERSATION, { id: erased.conversation.id }, erased.token);
      expect(before.errors).toBeUndefined();
      const events = subscribe(
        transport,
        urlB,
        EVENTS,
        { id: erased.conversation.id },
        (d) => d.conversationEvents as Ev,
        erased.token,
      );
      const run = subscribe(transport, urlB, RUN_EVENTS, { id: sent.run.id }, (d) => d.runEvents as Ev, erased.token);
      const control = subscribe(
        transport,
        urlB,
        EVENTS,
        { id: other.conversation.id },
        (d) => d.conversationEvents as Ev,
        other.token,
      );
      // An integrator's feed, open across the erasure, resumed after the last message so far.
      const feed = subscribe(
        transport,
        urlB,
        FEED,
        { after: String(first.message.id) },
        (d) => d.eventFeed as Ev,
        admin,
      );
      await events.waitFor(1);
      await run.waitFor(1);
      await control.waitFor(1);
      await b.app.services.conversations.sendMessage(other.conversation.id, 'fed before');
      await feed.waitFor(1);

      const erasure = await a.gql(ERASE, { id: customer }, admin);
      expect(erasure.errors).toBeUndefined();

      expect(await errorWithin(events, 1_500)).toBeLessThan(1_500);
      expect(await errorWithin(run, 1_500)).toBeLessThan(1_500);
      // B has heard of the erasure: the token it remembered no longer authenticates there.
      expect(errorCode(await b.gql(CONVERSATION, { id: erased.conversation.id }, erased.token))).toBe(
        'UNAUTHENTICATED',
      );
      for (const sub of [events, run]) {
        const [error] = sub.error as { extensions?: Record<string, unknown> }[];
        expect(error?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'CONVERSATION_DELETED' });
      }
      expect(events.items.map((e) => e.data?.text)).toEqual(['before the erasure']);
      expect(run.items.map((e) => e.type)).toEqual(['MESSAGE']);

      // The other customer's stream is open and delivering.
      await b.app.services.conversations.sendMessage(other.conversation.id, 'second');
      await control.waitFor(3);
      expect(control.error).toBeUndefined();
      expect(control.items.map((e) => e.data?.text)).toEqual(['first', 'fed before', 'second']);
      // The feed went on past the vanished rows: nothing again, nothing missed, no error.
      await feed.waitFor(2);
      expect(feed.error).toBeUndefined();
      expect(feed.items.map((e) => e.data?.text)).toEqual(['fed before', 'second']);
      for (const sub of [events, run, control, feed]) sub.stop();
    },
    30_000,
  );
});
