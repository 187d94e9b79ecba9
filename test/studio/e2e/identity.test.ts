import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRun } from '../../helpers/test-app.js';
import { hasChromium, type StudioHarness, startStudio } from './studio-harness.js';

describe.skipIf(!hasChromium)('studio e2e: shopper identity', () => {
  let h: StudioHarness;
  beforeAll(async () => {
    h = await startStudio('production', { env: { SEED_DEMO_DATA: 'true' } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('shows the identity policy in the settings and, without SMTP, the code mail in the outbox', async () => {
    const { page, t } = h;
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(
      conversation.id,
      'My email is emma.brown5032@example.com. Please cancel order #W6460787, I ordered it by mistake.',
      'AUTO',
    );
    await waitForRun(t.app, run.id, 60_000);
    await t.app.services.verificationCodes.settled();

    await h.open('settings/workspace');
    const policy = page.getByLabel('Shopper identity');
    await policy.waitFor();
    expect(await policy.inputValue()).toBe('strict');
    await policy.selectOption('email');
    await page.getByText(/Anyone who knows a customer’s email/).waitFor();
    await policy.selectOption('strict'); // nothing unsaved: the next view opens without asking

    await h.open('settings/outbox');
    const outbox = page.getByRole('region', { name: 'Email outbox' });
    await outbox.getByText('to emma.brown5032@example.com').waitFor();
    expect(await outbox.getByText(/Your verification code is \d{6}/).count()).toBe(1);
  });

  it("marks a change held for the shopper's yes, and the change made after it, in the run inspector", async () => {
    const { page, t } = h;
    const { conversation } = await t.app.services.conversations.start({ customerId: 'fatima_anderson_2157' });
    const turn = async (text: string) => {
      const run = await t.app.services.runs.submit(conversation.id, text, 'AUTO');
      await waitForRun(t.app, run.id, 60_000);
      return run.id;
    };
    const inspect = async (runId: string) => {
      await h.open(`playground/${conversation.id}?run=${runId}`);
      const inspector = page.getByRole('region', { name: 'Run inspector' });
      await inspector.getByText(runId.slice(0, 8)).waitFor();
      await inspector.getByRole('tab', { name: /Tool calls/ }).click();
      return inspector.locator('.tool-call', { hasText: 'store.cancel_pending_order' });
    };
    const proposed = await inspect(await turn('Please cancel order #W2974929, I no longer need it'));
    await proposed.getByText('waits for yes').waitFor();
    await proposed.getByRole('heading', { name: 'Held, not run' }).waitFor();
    await proposed.getByRole('heading', { name: 'After a yes (rehearsed, rolled back)' }).waitFor();
    const asked = proposed.getByRole('region', { name: 'What the shopper is asked to agree to' });
    expect(await asked.locator('.held-change-title').textContent()).toBe('Cancel order #W2974929');
    expect(await asked.locator('li').allTextContents()).toContain('Reason: no longer needed');
    await proposed.scrollIntoViewIfNeeded();
    await h.screenshot('inspector-held-for-yes');
    // The playground shows the shopper's card of the change, with their answers as buttons; "Yes, go ahead" is sent
    // as the shopper's message, and the card says the change was made.
    const card = page.getByRole('region', { name: 'To confirm: Cancel order #W2974929' });
    expect(await card.locator('li').allTextContents()).toContain('Reason: no longer needed');
    await card.getByRole('button', { name: 'Yes, go ahead' }).click();
    await card.getByText('Done.').waitFor({ timeout: 60_000 });
    expect(await card.getByRole('button').count()).toBe(0);
    const [latest] = await t.app.services.database.query<{ id: string }>(
      'select id from runs where conversation_id = $1 order by created_at desc limit 1',
      [conversation.id],
    );
    await waitForRun(t.app, latest!.id, 60_000);
    const made = await inspect(latest!.id);
    await made.getByText('shopper said yes').waitFor();
    expect(await made.getByText('waits for yes').count()).toBe(0);
  });
});
