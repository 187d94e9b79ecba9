import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAndWait } from '../../helpers/test-app.js';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

const routing = fileURLToPath(new URL('../../fixtures/routing.jsonl', import.meta.url));

/**
 * A colleague opens the studio with a support key: the Playground, whose every message that key may not send, says
 * so (a run opened from Runs is shown read-only); Agents, Settings and Experiments are shown read-only, with none of
 * the controls the server would refuse.
 */
describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): a support key', (build) => {
  let h: StudioHarness;
  let admin = '';
  let support = '';
  beforeAll(async () => {
    h = await startStudio(build, {
      env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' },
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    support = (await h.t.app.services.apiKeys.create('Dana', 'support')).key;
    const jsonl = (await readFile(routing, 'utf8')).split('\n').slice(0, 6).join('\n');
    const imported = await h.t.gql(
      'mutation ($jsonl: String!) { importDataset(name: "routing", jsonl: $jsonl) { id } }',
      { jsonl },
      admin,
    );
    expect(imported.errors).toBeUndefined();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /**
   * Opens the studio in a fresh browser context whose storage holds `key`, as Settings → Connection would keep it.
   * `refused` collects every GraphQL error code the server answered the page with.
   */
  async function openWith(key: string, route: string) {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const refused: string[] = [];
    page.on('response', async (res) => {
      if (!res.url().endsWith('/graphql')) return;
      const body = await res.text().catch(() => '');
      for (const m of body.matchAll(/"code":"([A-Z_]+)"/g)) refused.push(m[1]!);
    });
    await page.addInitScript((k) => localStorage.setItem('baton.studio.apiKey', k), key);
    // The dev server compiles the studio on a context's first load: longer than one step's wait.
    await page.goto(`${h.url}/studio/#/${route}`, { timeout: 60_000 });
    return { page, refused };
  }

  const go = (page: Page, route: string) => page.evaluate((r) => (location.hash = `#/${r}`), route);

  it('shows no Playground to a support key, and says why and where to go instead', async () => {
    const { page } = await openWith(support, 'playground');
    await page.getByText('The Playground is not available with a support key').waitFor();
    await page.getByRole('link', { name: 'Desk' }).last().waitFor();
    // Nor is it listed: the navigation leads a support key to the Desk, not to a page that says no.
    const nav = page.getByRole('navigation', { name: 'Studio' });
    await nav.getByRole('link', { name: 'Runs' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Playground' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New conversation' }).count()).toBe(0);
    expect(await page.getByPlaceholder('Message as a shopper…').count()).toBe(0);
    await page.context().close();
  });

  it('keeps the Playground for an admin or integrator key', async () => {
    const storefront = (await h.t.app.services.apiKeys.create('storefront', 'integrator')).key;
    for (const key of [admin, storefront]) {
      const { page } = await openWith(key, 'playground');
      await page.getByRole('button', { name: 'New conversation' }).waitFor();
      await page.getByPlaceholder('Message as a shopper…').waitFor();
      expect(await page.getByText('not available with a support key').count()).toBe(0);
      await page.context().close();
    }
  });

  it('shows a support key the cards, settings and experiments read-only, and nothing the server refuses it', async () => {
    const { page, refused } = await openWith(support, 'agents');
    const cards = page.getByRole('list', { name: 'Agent cards' });
    const returns = cards.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'ReturnsAgent' }) });
    await returns.getByText('enabled', { exact: true }).waitFor();
    expect(await page.getByRole('switch').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New agent' }).count()).toBe(0);

    // A card opens as a read view: what it does, its tools, its prompt; nothing to save, publish or delete.
    await returns.getByRole('link', { name: 'ReturnsAgent' }).click();
    await page.getByText('Read-only: cards are edited with an admin key').waitFor();
    const card = page.getByRole('article', { name: 'Agent card' });
    await card.getByRole('list', { name: 'Tools' }).getByText('store.', { exact: false }).first().waitFor();
    await expect.poll(() => page.getByTestId('system-prompt').textContent()).toContain('You are ReturnsAgent');
    for (const name of ['Publish', 'Save draft', 'Delete', 'Duplicate', 'Discard draft'])
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    expect(await page.getByRole('textbox').count()).toBe(0);
    await h.screenshot('support-key-agent-card', page);
    await page.getByRole('tab', { name: /History/ }).click();
    await page.getByRole('list', { name: 'Versions' }).getByText('v1').waitFor();
    expect(await page.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    await go(page, 'agents/new');
    await page.getByText('Cards are created with an admin key').waitFor();

    // Settings: the workspace's values, disabled, and no save; the admin-only sections are not offered.
    await go(page, 'settings/knowledge');
    const tabs = page.getByRole('tablist', { name: 'Settings' });
    await tabs.getByRole('tab', { name: 'Workspace' }).waitFor();
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['Workspace', 'Connection']);
    const voice = page.getByLabel('Brand voice');
    await expect.poll(() => voice.inputValue()).not.toBe('');
    expect(await voice.isDisabled()).toBe(true);
    await page.getByText('Read-only: the workspace settings are changed with an admin key').waitFor();
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Remove / }).count()).toBe(0);
    await tabs.getByRole('tab', { name: 'Connection' }).click();
    await page.getByRole('button', { name: 'Use key' }).waitFor();

    // Experiments: the datasets and their results, no import or run.
    await go(page, 'experiments');
    await page.getByRole('list', { name: 'Datasets' }).getByText('routing').waitFor();
    await page.getByRole('table', { name: 'Experiments' }).waitFor();
    expect(await page.getByRole('form', { name: 'Import a dataset' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Run experiment' }).count()).toBe(0);
    expect(await page.getByRole('switch', { name: 'Run against drafts' }).count()).toBe(0);

    // The desk is a support key's own page.
    await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Desk' }).click();
    await page.getByRole('heading', { name: 'Desk' }).waitFor();
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it("keeps every edit control in an admin key's studio", async () => {
    const { page, refused } = await openWith(admin, 'agents');
    await page.getByRole('switch', { name: 'ReturnsAgent enabled' }).waitFor();
    await page.getByRole('button', { name: 'New agent' }).waitFor();
    await page.getByRole('link', { name: 'ReturnsAgent' }).click();
    await page.getByRole('button', { name: 'Publish' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).waitFor();
    expect(await page.getByLabel('Description').isEditable()).toBe(true);

    await go(page, 'settings');
    const tabs = page.getByRole('tablist', { name: 'Settings' });
    await tabs.getByRole('tab', { name: 'Knowledge base' }).waitFor();
    expect(await tabs.getByRole('tab').count()).toBe(6);
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    expect(await page.getByLabel('Brand voice').isEditable()).toBe(true);

    await go(page, 'experiments');
    await page.getByRole('form', { name: 'Import a dataset' }).waitFor();
    await page.getByRole('button', { name: 'Run experiment' }).waitFor();
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it("opens a run from Runs read-only for a support key: the conversation and the run's inspector, no composer", async () => {
    const started = await h.t.gql<{ startConversation: { conversation: { id: string } } }>(
      'mutation { startConversation { conversation { id } } }',
      {},
      admin,
    );
    const conversation = started.data!.startConversation.conversation.id;
    await sendAndWait(h.t, conversation, 'what goes well with a blender?', admin);
    const { page, refused } = await openWith(support, 'runs');
    await page.getByRole('link', { name: '“what goes well with a blender?”' }).click();
    await page.getByText('read-only: a support key does not write as the shopper').waitFor();
    await page.getByRole('log', { name: 'Conversation' }).getByText('what goes well with a blender?').waitFor();
    const inspector = page.getByRole('region', { name: 'Run inspector' });
    await inspector.getByText('completed').first().waitFor();
    await inspector.getByRole('tab', { name: /Timeline/ }).click();
    await inspector.getByRole('list', { name: 'Timeline' }).getByText('RUN_COMPLETED').waitFor();
    expect(await page.getByPlaceholder('Message as a shopper…').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New conversation' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Save to a dataset' }).count()).toBe(0);
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('does not list the Desk for an integrator key, which may not work it', async () => {
    const key = (await h.t.app.services.apiKeys.create('reporting', 'integrator')).key;
    const { page } = await openWith(key, 'desk');
    await page.getByText('The Desk is for support colleagues').waitFor();
    const nav = page.getByRole('navigation', { name: 'Studio' });
    await nav.getByRole('link', { name: 'Runs' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Desk' }).count()).toBe(0);
    await page.context().close();
  });
});
