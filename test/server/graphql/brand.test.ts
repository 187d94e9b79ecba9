import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

describe('the workspace brand (AUTH_MODE=keys)', () => {
  let t: TestApp;
  let url: string;
  let admin = '';
  let integrator: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' }, onAdminKeyCreated: (k) => (admin = k) });
    await t.app.services.runs.stop();
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  /** The widget loader's request: a GET from a shop's page on another origin, with no credentials. */
  const brandFromShopPage = async () => {
    const query = encodeURIComponent('{ brand { name color greeting } }');
    const res = await fetch(`${url}/graphql?query=${query}`, { headers: { origin: 'https://shop.example' } });
    return { res, body: (await res.json()) as { data?: { brand: Record<string, string> }; errors?: unknown[] } };
  };

  it('is public: a shop page reads it without credentials, across origins', async () => {
    const { res, body } = await brandFromShopPage();
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/shop\.example)$/);
    expect(body.errors).toBeUndefined();
    expect(body.data?.brand).toEqual({ name: 'Support', color: '#1f4f99', greeting: 'Hi! How can we help you today?' });
    // The rest of the settings stay private.
    expect(errorCode(await t.gql('{ settings { brand { name } } }'))).toBe('UNAUTHENTICATED');
  });

  it('is changed by an admin, field by field, and the change is what the shop page reads next', async () => {
    const r = await t.gql<{ updateSettings: { brand: Record<string, string> } }>(
      'mutation { updateSettings(input: { brand: { name: "Trailhead Help", color: "#0A7D5A" } }) { brand { name color greeting } } }',
      {},
      admin,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.updateSettings.brand).toEqual({
      name: 'Trailhead Help',
      color: '#0A7D5A',
      greeting: 'Hi! How can we help you today?',
    });
    await t.gql(
      'mutation { updateSettings(input: { brand: { greeting: "Hello from the trail!" } }) { brandVoice } }',
      {},
      admin,
    );
    expect((await brandFromShopPage()).body.data?.brand).toEqual({
      name: 'Trailhead Help',
      color: '#0A7D5A',
      greeting: 'Hello from the trail!',
    });
  });

  it('refuses a colour that is not a hex colour, an empty name, and a change by a non-admin', async () => {
    const badColour = await t.gql(
      'mutation { updateSettings(input: { brand: { color: "red; background: url(x)" } }) { brandVoice } }',
      {},
      admin,
    );
    expect(errorCode(badColour)).toBe('VALIDATION_FAILED');
    expect(badColour.errors?.[0]?.extensions?.field).toBe('input.brand.color');
    const emptyName = await t.gql(
      'mutation { updateSettings(input: { brand: { name: "  " } }) { brandVoice } }',
      {},
      admin,
    );
    expect(emptyName.errors?.[0]?.extensions?.field).toBe('input.brand.name');
    const byIntegrator = await t.gql(
      'mutation { updateSettings(input: { brand: { name: "Mine now" } }) { brandVoice } }',
      {},
      integrator,
    );
    expect(errorCode(byIntegrator)).toBe('FORBIDDEN');
    expect((await brandFromShopPage()).body.data?.brand.name).toBe('Trailhead Help');
  });
});
