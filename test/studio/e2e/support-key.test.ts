import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, type StudioHarness, startStudio } from './studio-harness.js';

/** A colleague opens the studio with a support key: the Playground, whose every message that key may not send, says so. */
describe.skipIf(!hasChromium)('studio e2e: a support key', () => {
  let h: StudioHarness;
  let admin = '';
  beforeAll(async () => {
    h = await startStudio('production', {
      env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' },
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** Opens the studio in a fresh browser context whose storage holds `key`, as Settings → Connection would keep it. */
  async function openWith(key: string, route: string) {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.addInitScript((k) => localStorage.setItem('baton.studio.apiKey', k), key);
    await page.goto(`${h.url}/studio/#/${route}`);
    return page;
  }

  it('shows no Playground to a support key, and says why and where to go instead', async () => {
    const dana = (await h.t.app.services.apiKeys.create('Dana', 'support')).key;
    const page = await openWith(dana, 'playground');
    await page.getByText('The Playground is not available with a support key').waitFor();
    await page.getByRole('link', { name: 'Desk' }).last().waitFor();
    expect(await page.getByRole('button', { name: 'New conversation' }).count()).toBe(0);
    expect(await page.getByPlaceholder('Message as a shopper…').count()).toBe(0);
    await page.context().close();
  });

  it('keeps the Playground for an admin or integrator key', async () => {
    const storefront = (await h.t.app.services.apiKeys.create('storefront', 'integrator')).key;
    for (const key of [admin, storefront]) {
      const page = await openWith(key, 'playground');
      await page.getByRole('button', { name: 'New conversation' }).waitFor();
      await page.getByPlaceholder('Message as a shopper…').waitFor();
      expect(await page.getByText('not available with a support key').count()).toBe(0);
      await page.context().close();
    }
  });
});
