import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_ARGUMENT_LIMITS } from '../../../server/src/security/json-argument-guard.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const { keys: KEYS, bytes: BYTES } = JSON_ARGUMENT_LIMITS;
const START = 'mutation($m: JSON) { startConversation(input: { metadata: $m }) { conversation { id metadata } } }';

/** An object of `n` keys `k0`, `k1`, … each holding `value`. */
const keyed = (n: number, value: unknown = 'v') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));

/**
 * A JSON argument holds at most JSON_ARGUMENT_LIMITS: keys and array items at every level, and bytes as JSON text.
 * A storefront's `startConversation(input: { metadata })` of 40,000 keys held the server's thread about a second per
 * call (every check that walks arguments, then the insert), and the conversation kept it, read again on every turn.
 */
describe('JSON arguments are bounded in keys and bytes', () => {
  let t: TestApp;
  let integrator = '';
  let admin = '';
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    admin = (await t.app.services.apiKeys.create('ops', 'admin')).key;
  }, 60_000);
  afterAll(() => t.close());

  const conversationCount = async () => (await t.app.services.conversations.page(1_000)).length;

  it('metadata of 40,000 keys: VALIDATION_FAILED naming input.metadata and the limit; nothing is stored', async () => {
    const before = await conversationCount();
    const r = await t.gql(START, { m: keyed(40_000) }, integrator);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.metadata' });
    expect(r.errors?.[0]?.message).toBe(`input.metadata: more than ${KEYS} keys and array items`);
    expect(await conversationCount()).toBe(before);
  });

  it('is refused before the checks that walk every string in the arguments: a NUL in its last value is not reached', async () => {
    const r = await t.gql(START, { m: { ...keyed(40_000), last: 'nul \u0000' } }, integrator);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.metadata' });
  });

  it('keys are counted at every level, array items too; the limit itself is allowed', async () => {
    const atLimit = { id: 'c1', cart: Array.from({ length: KEYS / 2 - 1 }, (_, i) => ({ sku: i })) };
    const ok = await t.gql<{ startConversation: { conversation: { metadata: unknown } } }>(
      START,
      { m: atLimit },
      integrator,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.startConversation.conversation.metadata).toEqual(atLimit);
    const over = await t.gql(START, { m: { ...atLimit, one: 'more' } }, integrator);
    expect(over.errors?.[0]?.message).toBe(`input.metadata: more than ${KEYS} keys and array items`);
    const longList = await t.gql(START, { m: { list: Array(KEYS + 1).fill(0) } }, integrator);
    expect(longList.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.metadata' });
  });

  it(`at most ${BYTES} bytes as JSON (UTF-8): a few keys of long text are refused too`, async () => {
    // {"note":"…"} is 11 bytes around the text; "é" is two bytes.
    const fits = await t.gql(START, { m: { note: 'é'.repeat((BYTES - 11) / 2) } }, integrator);
    expect(fits.errors).toBeUndefined();
    const r = await t.gql(START, { m: { note: 'é'.repeat((BYTES - 11) / 2), x: 1 } }, integrator);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.metadata' });
    expect(r.errors?.[0]?.message).toBe(`input.metadata: longer than ${BYTES} bytes as JSON`);
  });

  it('as a literal in the operation', async () => {
    const r = await t.gql(
      `mutation { startConversation(input: { metadata: { note: "${'x'.repeat(BYTES)}" } }) { conversation { id } } }`,
      undefined,
      integrator,
    );
    expect(r.errors?.[0]?.message).toBe(`input.metadata: longer than ${BYTES} bytes as JSON`);
  });

  it.each(['env', 'headers'])('registerMcpServer input.%s is bounded the same way', async (key) => {
    const r = await t.gql(
      'mutation($input: RegisterMcpServerInput!) { registerMcpServer(input: $input) { name } }',
      { input: { name: 'big', transport: 'http', url: 'https://mcp.example.com/mcp', [key]: keyed(KEYS + 1) } },
      admin,
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: `input.${key}` });
    expect(r.errors?.[0]?.message).toBe(`input.${key}: more than ${KEYS} keys and array items`);
  });
});
