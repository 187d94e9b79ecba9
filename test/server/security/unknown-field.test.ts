import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/** An object of `n` keys `k0`, `k1`, … */
const keyed = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

const START = 'mutation($i: StartConversationInput) { startConversation(input: $i) { conversation { id } } }';

/**
 * What a request carries beyond what its operation reads (a field its input type lacks, a variable it does not
 * declare) is not walked: `input: { junk: <40,000 keys> }` went through every check that walks strings, and then into
 * GraphQL's error message, about 300 ms of the server's thread per request, before the operation was refused.
 */
describe('fields and variables an operation does not read', () => {
  let t: TestApp;
  let integrator = '';
  let admin = '';
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    admin = (await t.app.services.apiKeys.create('ops', 'admin')).key;
  }, 60_000);
  afterAll(() => t.close());

  it('a field the input type lacks: VALIDATION_FAILED naming it, before the checks that walk its strings', async () => {
    const r = await t.gql(START, { i: { title: 'hi', junk: { ...keyed(40_000), last: 'nul \u0000' } } }, integrator);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.junk' });
    expect(r.errors?.[0]?.message).toBe('input.junk: StartConversationInput has no such field');
  });

  it('at any depth of an input', async () => {
    const r = await t.gql(
      'mutation($i: UpdateSettingsInput!) { updateSettings(input: $i) { brandVoice } }',
      { i: { businessHours: { timeZone: 'UTC', days: [], junk: 1 } } },
      admin,
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.businessHours.junk' });
  });

  it('a variable the operation does not declare is not read: a NUL or a lone surrogate in it refuses nothing', async () => {
    for (const junk of [{ k: 'nul \u0000' }, { k: 'half \ud800' }, keyed(40_000)]) {
      const r = await t.gql(START, { i: { title: 'kept' }, junk }, integrator);
      expect(r.errors).toBeUndefined();
    }
    // A declared one still is.
    const r = await t.gql(START, { i: { title: 'nul \u0000' } }, integrator);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
