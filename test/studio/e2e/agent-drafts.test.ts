import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

const GIFT = 'Do you offer gift wrapping?';

interface CardState {
  version: number;
  skills: string[];
  hasDraft: boolean;
  draft: { revision: number; skills: string[] } | null;
}

describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): card drafts', (build) => {
  let h: StudioHarness;
  beforeAll(async () => {
    h = await startStudio(build);
  });
  afterAll(async () => {
    await h?.close();
  });

  const card = async () =>
    (
      await h.t.gql<{ agent: CardState }>(
        '{ agent(name: "ProductExpertAgent") { version skills hasDraft draft { revision skills } } }',
      )
    ).data!.agent;
  /** Starts a playground conversation (against the drafts when the switch is on), sends GIFT, and returns the plan's text. */
  const converse = async (againstDrafts: boolean) => {
    const { page } = h;
    await h.open('playground');
    const drafts = page.getByRole('switch', { name: 'Run against drafts' });
    await drafts.waitFor();
    if (againstDrafts) {
      await expect.poll(() => drafts.isEnabled()).toBe(true);
      await drafts.check();
      expect(await page.getByRole('checkbox', { name: 'ProductExpertAgent' }).isChecked()).toBe(true);
    } else await drafts.uncheck();
    const before = page.url();
    await page.getByRole('button', { name: 'New conversation' }).click();
    await expect.poll(() => page.url()).not.toBe(before);
    await page.waitForURL(/#\/playground\/[0-9a-f-]{36}/);
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(GIFT);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('final-reply').waitFor();
    const plan = page.getByRole('table').first();
    await expect.poll(() => plan.textContent()).toMatch(/Agent/);
    return (await plan.textContent()) ?? '';
  };

  it('saves an edit as a draft that only a playground run against drafts uses, then publishes it live', async () => {
    const { page } = h;
    const published = await card();
    expect(published.hasDraft).toBe(false);
    await h.open('agents/edit/ProductExpertAgent');
    await page.getByText(`Published v${published.version}`).waitFor();
    await page.getByLabel('Add to Skills').fill('gift wrapping');
    await page.getByLabel('Add to Skills').press('Enter');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    // The draft is saved; the published card, which live traffic uses, is not touched.
    await expect.poll(async () => (await card()).draft?.skills).toContain('gift wrapping');
    expect(await card()).toMatchObject({ version: published.version, skills: published.skills, hasDraft: true });
    await page.locator('h1').getByText('Draft', { exact: true }).waitFor();
    await page
      .getByText(`Draft revision 1 of v${published.version}; live traffic uses v${published.version}.`)
      .waitFor();
    await page.getByRole('tab', { name: /History/ }).click();
    const entry = page.getByRole('listitem', { name: 'Draft' });
    await entry.getByText('changes skills').waitFor();
    await h.screenshot('agent-draft');

    // A playground conversation against the draft routes the question to the drafted card…
    const drafted = await converse(true);
    expect(drafted).toContain('ProductExpertAgent');
    await page.getByRole('note', { name: 'Runs against drafts' }).getByText('ProductExpertAgent').waitFor();
    await page.getByRole('note', { name: 'Run used drafts' }).getByText('drafts: ProductExpertAgent').waitFor();
    await h.screenshot('playground-drafts');
    // …while a normal conversation does not see it.
    const live = await converse(false);
    expect(live).not.toContain('ProductExpertAgent');
    expect(await page.getByRole('note', { name: 'Run used drafts' }).count()).toBe(0);

    // Published, it is live for everyone.
    await h.open('agents/edit/ProductExpertAgent');
    await page.locator('h1').getByText('Draft', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText(`Published v${published.version + 1}`).waitFor();
    await expect.poll(async () => (await card()).version).toBe(published.version + 1);
    expect(await card()).toMatchObject({ hasDraft: false, draft: null });
    expect((await card()).skills).toContain('gift wrapping');
    expect(await converse(false)).toContain('ProductExpertAgent');
  });

  it('discards a draft in one action, leaving the published card', async () => {
    const { page } = h;
    const published = await card();
    await h.open('agents/edit/ProductExpertAgent');
    await page.getByLabel('Instructions', { exact: true }).fill('A draft I will drop.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(async () => (await card()).hasDraft).toBe(true);
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft discarded' }).waitFor();
    await page.getByText(`Published v${published.version}`).waitFor();
    expect(await page.getByLabel('Instructions', { exact: true }).inputValue()).not.toBe('A draft I will drop.');
    expect(await card()).toMatchObject({ version: published.version, hasDraft: false });
  });

  it('asks before a draft replaces a version published after it started', async () => {
    const { page } = h;
    const start = await card();
    await h.open('agents/edit/ProductExpertAgent');
    await page.getByLabel('Instructions', { exact: true }).fill('Drafted instructions.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(async () => (await card()).hasDraft).toBe(true);
    // Someone publishes a change directly; the editor learns of it when it loads the card again.
    const other = await h.t.gql(
      'mutation { updateAgent(name: "ProductExpertAgent", input: { description: "Published meanwhile" }) { version } }',
    );
    expect(other.errors).toBeUndefined();
    await page.reload();
    await page.getByText(`live traffic uses v${start.version + 1}, published since this draft started`).waitFor();
    // Declined: nothing is published.
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(async () => (await card()).hasDraft).toBe(true);
    expect((await card()).version).toBe(start.version + 1);
    // Accepted: the draft replaces the newer version, as its designer chose.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText(`Published v${start.version + 2}`).waitFor();
    expect(asked).toMatch(/undoes its changes/);
    expect(await card()).toMatchObject({ version: start.version + 2, hasDraft: false });
  });

  it('runs an experiment against a draft, and lists which cards each experiment used', async () => {
    const { page } = h;
    const created = await h.t.gql(
      'mutation { saveAgentDraft(name: "UpsellAgent", input: { enabled: false }) { revision } }',
    );
    expect(created.errors).toBeUndefined();
    const dataset = await h.t.gql<{ importDataset: { id: string } }>(
      'mutation($j: String!) { importDataset(name: "upsell", jsonl: $j) { id } }',
      { j: JSON.stringify({ utterance: 'what goes well with a blender?', agents: ['UpsellAgent'] }) },
    );
    const id = dataset.data!.importDataset.id;
    await h.open(`experiments/${id}`);
    const form = page.getByRole('form', { name: 'Run an experiment' });
    await form.getByRole('button', { name: 'Run experiment' }).click();
    const table = page.getByRole('table', { name: 'Experiments' });
    await table.getByText('published cards').waitFor();
    await page.getByRole('switch', { name: 'Run against drafts' }).check();
    await page.getByRole('checkbox', { name: 'UpsellAgent' }).waitFor();
    await form.getByRole('button', { name: 'Run experiment' }).click();
    await table.getByText('drafts: UpsellAgent r1').waitFor();
    const runs = await h.t.gql<{ dataset: { experiments: { passRate: number; drafts: { name: string }[] }[] } }>(
      'query($id: ID!) { dataset(id: $id) { experiments { passRate drafts { name } } } }',
      { id },
    );
    await expect
      .poll(async () =>
        (
          await h.t.gql<{ dataset: { experiments: { status: string }[] } }>(
            'query($id: ID!) { dataset(id: $id) { experiments { status } } }',
            { id },
          )
        ).data!.dataset.experiments.every((e) => e.status === 'COMPLETED'),
      )
      .toBe(true);
    expect(runs.data!.dataset.experiments.map((e) => e.drafts.map((d) => d.name))).toEqual([[], ['UpsellAgent']]);
    await h.screenshot('experiments-drafts');
    await h.t.gql('mutation { discardAgentDraft(name: "UpsellAgent") { revision } }');
  });
});
