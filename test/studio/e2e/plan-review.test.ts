import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacedModel } from '../../fakes/paced-model.js';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): plan review', (build) => {
  let h: StudioHarness;
  beforeAll(async () => {
    // The offline provider, with a planner that takes a moment: long enough to press Pause while it plans.
    h = await startStudio(build, { models: new PacedModel(5, { plannerDelayMs: 1_500 }) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('reviews an AUTO run’s plan: adds a task, re-wires a dependency, shows the versions and their diff', async () => {
    const { page } = h;
    await h.open('playground');
    await page
      .getByRole('textbox', { name: 'Message', exact: true })
      .fill('I want to return the shoes from order #W2378156, and also what goes well with a blender?');
    await page.getByRole('switch', { name: 'Review plan' }).check();
    await page.getByRole('button', { name: 'Send' }).click();
    const controls = page.getByRole('region', { name: 'Step controls' });
    await controls.getByText('Paused after planning.').waitFor();
    const inspector = page.getByRole('region', { name: 'Run inspector' });
    expect(await inspector.locator('.badge', { hasText: /^auto$/ }).count()).toBe(1);

    const form = page.getByRole('form', { name: 'Edit the plan' });
    await form.getByRole('button', { name: 'Add task' }).click();
    await form.getByLabel('Agent for t3').selectOption('ProductExpertAgent');
    await form.getByLabel('Instruction for t3').fill('Suggest socks that go with the new shoes');
    await form.getByLabel('Status line for t3').fill('Looking for matching socks...');
    await form.getByRole('checkbox', { name: 't3 runs after t1' }).check();
    await form.getByRole('checkbox', { name: 't2 runs after t3' }).check();
    await form.getByLabel('Why (shown with the plan version)').fill('socks before the blender tip');
    await form.getByRole('button', { name: /^Apply edit/ }).click();

    const table = page.getByRole('table').first();
    const row = (id: string) => table.locator('tr').filter({ has: page.getByRole('cell', { name: id, exact: true }) });
    await expect.poll(() => row('t3').textContent()).toContain('ProductExpertAgent');
    expect(await row('t2').textContent()).toContain('after t3');
    const versions = page.getByRole('region', { name: 'Plan versions' });
    await versions.getByText('socks before the blender tip').waitFor();
    const diff = versions.getByRole('table', { name: 'Changes from v1 to v2' });
    await diff.locator('tr.diff-added', { hasText: 't3' }).waitFor();
    expect(await diff.locator('tr', { hasText: 'runs after' }).textContent()).toContain('t3');
    await versions.scrollIntoViewIfNeeded();
    await h.screenshot('plan-review');

    await controls.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('final-reply').waitFor();
    await expect.poll(() => row('t3').textContent()).toContain('completed');
    // The added task started before the task re-wired to wait for it (outputs are released in plan order).
    const run = await h.t.gql<{ runs: { events: { type: string; taskId: string | null }[] }[] }>(
      '{ runs(first: 1) { events { type taskId } } }',
    );
    const started = run.data!.runs[0]!.events.filter((e) => e.type === 'TASK_STARTED').map((e) => e.taskId);
    expect(started.indexOf('t3')).toBeLessThan(started.indexOf('t2'));
  });

  it('pauses an AUTO run while it plans, then continues it', async () => {
    const { page } = h;
    await page.getByRole('switch', { name: 'Review plan' }).uncheck();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('where is my order #W2378156?');
    await page.getByRole('button', { name: 'Send' }).click();
    const inspector = page.getByRole('region', { name: 'Run inspector' });
    await inspector.getByText('Planning…').waitFor();
    await inspector.getByRole('button', { name: 'Pause' }).click();
    const controls = page.getByRole('region', { name: 'Step controls' });
    await controls.getByText('Paused after planning.').waitFor();
    await h.screenshot('paused-auto-run');
    const runs = await h.t.gql<{ runs: { status: string; mode: string }[] }>('{ runs(first: 1) { status mode } }');
    expect(runs.data!.runs[0]).toEqual({ status: 'PAUSED', mode: 'AUTO' });
    await controls.getByRole('button', { name: 'Continue' }).click();
    await inspector.getByText('RUN_COMPLETED').or(page.getByTestId('final-reply').last()).first().waitFor();
    await expect
      .poll(
        async () =>
          (await h.t.gql<{ runs: { status: string }[] }>('{ runs(first: 1) { status } }')).data!.runs[0]!.status,
        // The final reply is on screen a moment before the run's end is stored; CI's dev build once took over 1 s.
        { timeout: 10_000 },
      )
      .toBe('COMPLETED');

    // The conversation, kept as a scenario for experiments: a small action beside its id opens a dialog for the dataset.
    expect(await page.getByRole('form', { name: 'Save to a dataset' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Save as scenario…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as a scenario' });
    const save = dialog.getByRole('form', { name: 'Save to a dataset' });
    await save.getByLabel('Dataset').fill('reviewed');
    await h.screenshot('save-as-scenario');
    await save.getByRole('button', { name: 'Save as scenario', exact: true }).click();
    await save.getByRole('status').getByText('Saved to reviewed').waitFor();
    await save.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const saved = await h.t.gql<{ datasets: { name: string; cases: { kind: string; turns: number }[] }[] }>(
      '{ datasets { name cases { kind turns } } }',
    );
    expect(saved.data!.datasets).toEqual([{ name: 'reviewed', cases: [{ kind: 'scenario', turns: 2 }] }]);
  });
});
