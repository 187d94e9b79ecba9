import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

const fixture = fileURLToPath(new URL('../../fixtures/routing.jsonl', import.meta.url));
const questions = [
  'where is my order #W2378156?',
  'do you have running shoes in size 10?',
  'I want to return the shoes from order #W2378156',
  'what goes well with a blender?',
  'what are your opening hours?',
];

describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): experiments and analytics', (build) => {
  let h: StudioHarness;
  beforeAll(async () => {
    h = await startStudio(build);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('imports the routing set, runs it as an experiment, then compares a second one after a card change', async () => {
    const { page } = h;
    await h.open('experiments');
    const form = page.getByRole('form', { name: 'Import a dataset' });
    await form.getByLabel('JSONL file').setInputFiles(fixture);
    // The name comes from the file's, once the browser has read it.
    await expect.poll(() => form.getByLabel('Dataset name').inputValue()).toBe('routing');
    await form.getByRole('button', { name: /^Import/ }).click();
    await page.getByRole('list', { name: 'Datasets' }).getByText('routing').waitFor();

    const run = page.getByRole('form', { name: 'Run an experiment' });
    await run.getByLabel('Provider').selectOption('OFFLINE');
    await run.getByRole('button', { name: 'Run experiment' }).click();
    const table = page.getByRole('table', { name: 'Experiments' });
    await table
      .locator('tr', { hasText: 'routing #1' })
      .getByText('completed', { exact: false })
      .waitFor({ timeout: 60_000 });
    const first = (
      await h.t.gql<{ datasets: { experiments: { passed: number; total: number }[] }[] }>(
        '{ datasets { experiments { passed total } } }',
      )
    ).data!.datasets[0]!.experiments[0]!;
    await page
      .getByRole('region', { name: 'Results of routing #1' })
      .getByText(`${first.passed}/${first.total} passed`)
      .waitFor();
    expect(await table.locator('tr', { hasText: 'routing #1' }).textContent()).toContain(
      'offline (rule-based stand-in)',
    );

    // A card change: UpsellAgent is disabled, and the second experiment shows what got worse.
    await h.t.gql('mutation { setAgentEnabled(name: "UpsellAgent", enabled: false) { version } }');
    await run.getByRole('button', { name: 'Run experiment' }).click();
    await table
      .locator('tr', { hasText: 'routing #2' })
      .getByText('completed', { exact: false })
      .waitFor({ timeout: 60_000 });
    await h.t.gql('mutation { setAgentEnabled(name: "UpsellAgent", enabled: true) { version } }');
    const comparison = page.getByRole('region', { name: 'Comparison' });
    await comparison.getByText(/worse/).waitFor();
    const worse = page.getByRole('list', { name: 'Got worse' });
    expect(await worse.locator('li').count()).toBeGreaterThan(0);
    expect(await comparison.textContent()).toMatch(/Pass rate -\d/);
    const chart = page.getByRole('figure', { name: /Pass rate over experiments/ });
    expect(await chart.getAttribute('aria-label')).toContain('routing #2');
    await chart.locator('svg path.recharts-line-curve').waitFor();
    await h.screenshot('experiments');
  });

  it('shows analytics from 50 runs, per agent and by day, and their cost once the model has a price', async () => {
    const { page } = h;
    const { conversations, runs } = h.t.app.services;
    for (let i = 0; i < 50; i++) {
      const { conversation } = await conversations.start({});
      await runs.submit(conversation.id, questions[i % questions.length]!, 'AUTO');
    }
    await runs.idle();
    const planned = await h.t.db.database.query<{ agent: string; n: number }>(
      `select agent_name as agent, count(*)::int as n from events where type = 'TASK_STARTED' group by 1`,
    );
    await h.open('analytics');
    const table = page.getByRole('table', { name: 'Agents' });
    await table.waitFor();
    const row = (agent: string) =>
      table.locator('tr').filter({ has: page.getByRole('cell', { name: agent, exact: true }) });
    for (const { agent, n } of planned) {
      // Tasks column: the count of TASK_STARTED in the event log.
      expect(await row(agent).locator('td').nth(2).textContent()).toBe(String(n));
      // Cost column: no model has a price yet.
      expect(await row(agent).locator('td').nth(8).textContent()).toBe('no price set');
    }
    expect(planned.reduce((s, r) => s + r.n, 0)).toBeGreaterThanOrEqual(50);

    // A designer prices the model the runs used (the offline stand-in reports itself as offline-rules).
    await h.open('settings');
    await page.getByRole('button', { name: 'Add a model price' }).click();
    const price = page.getByRole('group', { name: 'Price 1' });
    await price.getByLabel('Model').fill('offline-rules');
    await price.getByLabel('Input per million tokens').fill('1000');
    await price.getByLabel('Output per million tokens').fill('2000');
    await page.getByLabel('Currency').fill('EUR');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await h.open('analytics');
    await table.waitFor();
    const until = new Date(Date.now() + 60_000);
    const costs = await h.t.gql<{ analytics: { agents: { agent: string; cost: number | null }[] } }>(
      'query($s: DateTime!, $u: DateTime!) { analytics(since: $s, until: $u) { agents { agent cost } } }',
      { s: new Date(until.getTime() - 7 * 86_400_000).toISOString(), u: until.toISOString() },
    );
    for (const { agent } of planned) {
      const cost = costs.data!.analytics.agents.find((a) => a.agent === agent)!.cost!;
      expect(cost).toBeGreaterThan(0);
      const shown = new Intl.NumberFormat('en', {
        style: 'currency',
        currency: 'EUR',
        maximumFractionDigits: cost < 1 ? 4 : cost < 100 ? 2 : 0,
      }).format(cost);
      await expect.poll(() => row(agent).locator('td').nth(8).textContent()).toBe(shown);
    }
    await page.getByRole('figure', { name: 'Cost by day' }).locator('.recharts-bar-rectangle').first().waitFor();
    await page
      .getByRole('figure', { name: 'Runs and tasks by day' })
      .locator('.recharts-bar-rectangle')
      .first()
      .waitFor();
    await h.screenshot('analytics');
  });
});
