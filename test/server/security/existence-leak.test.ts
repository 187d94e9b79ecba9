import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type GraphQLResult, sendAndWait, type TestApp } from '../../helpers/test-app.js';

type Err = NonNullable<GraphQLResult['errors']>[number];

/** What an answer tells its reader: the code, and the message with the asked id taken out. */
const shape = (err: Err | undefined, id: string) => ({
  code: err?.extensions?.code,
  message: err?.message.replaceAll(id, '<id>'),
});

/**
 * The shopper of conversation A, with A's token, asks for conversation B's things by id. Each answer must be the one
 * an id that names nothing gets: a different answer tells the attacker the id exists (run ids leak in support
 * screenshots, logs and referrers). `run(id:)` answered FORBIDDEN for B's run and NOT_FOUND for a random id.
 */
describe("a conversation token cannot tell another conversation's ids from ids of nothing", () => {
  let t: TestApp;
  let base = '';
  let a = { id: '', token: '' };
  let b = { id: '', token: '', runId: '', eventId: '' };
  const randomId = crypto.randomUUID();

  const start = async (key: string) => {
    const r = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
      undefined,
      key,
    );
    return { id: r.data!.startConversation.conversation.id, token: r.data!.startConversation.token };
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    base = (await t.app.start(0, '127.0.0.1')).url;
    const storefront = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    a = await start(storefront);
    const started = await start(storefront);
    const runId = await sendAndWait(t, started.id, 'where is my order?', started.token);
    const [event] = await t.app.services.eventStore.list({ conversationId: started.id, limit: 1 });
    b = { ...started, runId, eventId: String(event!.id) };
  }, 60_000);
  afterAll(() => t.close());

  /** The first error of the same operation for B's id and for an id of nothing, each with the asked id taken out. */
  const both = async (query: string, variable: string, bId: string, noneId = randomId) => {
    const theirs = await t.gql(query, { [variable]: bId }, a.token);
    const none = await t.gql(query, { [variable]: noneId }, a.token);
    return { theirs: shape(theirs.errors?.[0], bId), none: shape(none.errors?.[0], noneId) };
  };

  it.each([
    ['run(id:)', 'query($id: ID!) { run(id: $id) { id status } }'],
    ['cancelRun(id:)', 'mutation($id: ID!) { cancelRun(id: $id) { id } }'],
  ])("%s of B's run: NOT_FOUND, as a random id", async (_name, query) => {
    const { theirs, none } = await both(query, 'id', b.runId);
    expect(none).toEqual({ code: 'NOT_FOUND', message: 'No run <id>' });
    expect(theirs).toEqual(none);
  });

  it("runEvents(runId:) of B's run: NOT_FOUND, as a random id, and nothing of B's run is delivered", async () => {
    const query = 'subscription($runId: ID!) { runEvents(runId: $runId) { id type } }';
    const errorsFor = async (runId: string) => {
      const sub = subscribe('sse', base, query, { runId }, (d) => d.runEvents, a.token);
      try {
        const outcome = await sub.waitFor(1).then(
          (items) => ({ items }),
          (errors: unknown) => ({ errors }),
        );
        expect(outcome).not.toHaveProperty('items');
        return shape((outcome as { errors: Err[] }).errors[0], runId);
      } finally {
        sub.stop();
      }
    };
    const none = await errorsFor(randomId);
    expect(none).toEqual({ code: 'NOT_FOUND', message: 'No run <id>' });
    expect(await errorsFor(b.runId)).toEqual(none);
  });
});
