import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

/** A designer steps through a run whose store tool call was refused: the inspector says why, with the store's facts. */
describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): a store refusal', (build) => {
  let h: StudioHarness;
  beforeAll(async () => {
    h = await startStudio(build, { env: { SEED_DEMO_DATA: 'true' } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("shows the reason the store refused a tool call, in words and with its facts, in the run's inspector", async () => {
    const [customer] = await h.t.app.services.database.query<{ user_id: string }>(
      'select user_id from store_orders order by id limit 1',
    );
    const { page } = h;
    await h.open('playground');
    await page.getByLabel('Customer id').fill(customer!.user_id);
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.waitForURL(/#\/playground\/[0-9a-f-]{36}/);
    // An order number no customer has: the store refuses the lookup (ORDER_NOT_FOUND, with the order id).
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('where is my order #W9999999?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('final-reply').waitFor({ timeout: 30_000 });

    const inspector = page.getByRole('region', { name: 'Run inspector' });
    await inspector.getByRole('tab', { name: /Tool calls/ }).click();
    const call = inspector.getByRole('listitem', { name: 'store.get_order_details call' });
    await call.getByText('refused by the store').waitFor();
    const why = call.getByRole('region', { name: 'Why the store refused' });
    await why.getByText('The customer has no such order').waitFor();
    expect(await why.textContent()).toContain('ORDER_NOT_FOUND');
    expect(await why.locator('dt').allTextContents()).toEqual(['Order id']);
    expect(await why.locator('dd').allTextContents()).toEqual(['#W9999999']);
    await why.scrollIntoViewIfNeeded();
    await h.screenshot('inspector-store-refusal');

    // The timeline names it too.
    await inspector.getByRole('tab', { name: /Timeline/ }).click();
    await inspector
      .getByText('The store refused store.get_order_details: The customer has no such order (Order id #W9999999)')
      .waitFor();
  });
});
