import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): card versions and conflicts', (build) => {
  let h: StudioHarness;
  beforeAll(async () => {
    h = await startStudio(build);
  });
  afterAll(async () => {
    await h?.close();
  });

  const instructions = () => h.page.getByLabel('Instructions', { exact: true });
  const saveWith = async (text: string) => {
    const version = await currentVersion();
    await instructions().fill(text);
    await h.page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(currentVersion).toBe(version + 1);
    // The editor reopens on the saved version.
    await expect.poll(() => instructions().inputValue()).toBe(text);
  };
  const currentVersion = async () =>
    (await h.t.gql<{ agent: { version: number } }>('{ agent(name: "UpsellAgent") { version } }')).data!.agent.version;

  it('saves three versions of a card, diffs two of them, and rolls back', async () => {
    const { page } = h;
    await h.open('agents/edit/UpsellAgent');
    const seeded = await instructions().inputValue();
    await saveWith('Suggest one accessory.');
    await saveWith('Suggest one accessory.\nMention the price.');
    await saveWith('Suggest two accessories.\nMention the price.');
    expect(await currentVersion()).toBe(4);

    await page.getByRole('tab', { name: /History/ }).click();
    const list = page.getByRole('list', { name: 'Versions' });
    await expect.poll(() => list.locator('li').count()).toBe(4);
    expect(await list.locator('li').last().textContent()).toContain('by seed');
    await page.getByLabel('From version').selectOption('v2');
    await page.getByLabel('To version').selectOption('v4');
    const diff = page.getByRole('region', { name: 'Changes from v2 to v4' });
    const instructionsDiff = diff.getByLabel('instructions diff');
    await instructionsDiff.locator('del', { hasText: 'Suggest one accessory.' }).waitFor();
    await instructionsDiff.locator('ins', { hasText: 'Suggest two accessories.' }).waitFor();
    await instructionsDiff.locator('ins', { hasText: 'Mention the price.' }).waitFor();
    // The prompt preview is diffed too: the prompt the agent gets changed the same way.
    await diff.getByLabel('prompt preview diff').locator('ins', { hasText: 'Suggest two accessories.' }).waitFor();
    await h.screenshot('agent-history');

    await list.getByRole('button', { name: 'Roll back to v1' }).click();
    await expect.poll(currentVersion).toBe(5);
    await expect.poll(() => instructions().inputValue()).toBe(seeded);
    await page.getByRole('tab', { name: /History/ }).click();
    await expect.poll(() => list.locator('li').first().textContent()).toContain('rolled back to v1');
  });

  it('resolves an edit conflict by reloading the version someone else saved', async () => {
    const { page } = h;
    await h.open('agents/edit/UpsellAgent');
    await instructions().fill('My edit, made in the studio.');
    // Meanwhile a colleague saves the card through the API.
    const theirs = await h.t.gql(
      'mutation { updateAgent(name: "UpsellAgent", input: { description: "Their description" }) { version } }',
    );
    expect(theirs.errors).toBeUndefined();
    const theirVersion = await currentVersion();
    await page.getByRole('button', { name: 'Publish' }).click();
    const panel = page.getByRole('alert', { name: 'Edit conflict' });
    await panel.getByText(`now v${theirVersion}`).waitFor();
    await h.screenshot('agent-conflict');
    // Nothing of mine was saved over theirs.
    expect(await currentVersion()).toBe(theirVersion);

    await panel.getByRole('button', { name: 'Reload their version' }).click();
    await expect.poll(() => page.getByLabel('Description', { exact: true }).inputValue()).toBe('Their description');
    expect(await instructions().inputValue()).not.toBe('My edit, made in the studio.');
    expect(await panel.count()).toBe(0);
    // The editor now starts from their version: a save goes through.
    await saveWith('After the reload.');
    expect(await currentVersion()).toBe(theirVersion + 1);
  });
});
