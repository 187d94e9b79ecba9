import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllWeek } from '../../helpers/test-app.js';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

/**
 * The playground showed a run's text only: a designer trying a card never saw the product list, the order card or
 * the contact form the shopper gets, so a hand-off that asks for contact details could not be tried to its end.
 */
describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): what the shopper is shown', (build) => {
  let h: StudioHarness;
  beforeAll(async () => {
    // The demo store, so that a product search finds something to draw.
    h = await startStudio(build, { env: { SEED_DEMO_DATA: 'true' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const send = async (text: string) => {
    await h.page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
    await h.page.getByRole('button', { name: 'Send' }).click();
  };

  it('draws the products found and the form asked for, and the form sends what is filled in as the shopper', async () => {
    const { page } = h;
    // After hours, an unidentified shopper is asked how to reach them (in hours, the transfer is made at once).
    await closeAllWeek(h.t);
    await h.open('playground');
    const chat = page.getByRole('log', { name: 'Conversation' });

    await send('do you have red sneakers in size 9?');
    const shown = chat.getByRole('region', { name: 'What the shopper is shown' }).first();
    const products = shown.getByRole('region', { name: /^(Products|Closest matches)$/ });
    await products.waitFor();
    expect(await products.getByRole('listitem').count()).toBeGreaterThan(0);
    expect(await products.getByRole('listitem').first().textContent()).toMatch(/\$\d+\.\d\d/);

    await send("I'd like to talk to a real person please");
    const form = chat.getByRole('form');
    await form.waitFor();
    await form.getByLabel(/email/i).fill('jane.doe@example.com');
    await h.screenshot('playground-shopper-cards');
    await form.getByRole('button').click();

    // Sent as the shopper's next message, and the form is answered.
    await chat.locator('.bubble-user', { hasText: 'jane.doe@example.com' }).waitFor();
    await expect.poll(() => form.getByRole('button').textContent()).toBe('Sent');
    expect(await form.getByLabel(/email/i).isDisabled()).toBe(true);
  });
});
