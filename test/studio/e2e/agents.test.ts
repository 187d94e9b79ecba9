import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

const warranty = {
  name: 'WarrantyClaimAgent',
  description: 'Files warranty claims for products that broke or stopped working within the warranty period.',
  skills: [
    'warranty claims for broken products',
    'product broke or stopped working after a few months',
    'claim warranty, repair or replacement under warranty',
  ],
  instructions: 'Ask for the order and what broke, then open a support ticket for the warranty claim.',
};

describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): agents, playground, settings', (build) => {
  let h: StudioHarness;
  beforeAll(async () => {
    h = await startStudio(build);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows a validation error from the server beside its field', async () => {
    const { page } = h;
    await h.open('agents/new');
    await page.getByLabel('Name', { exact: true }).fill('Warranty Claim');
    await page.getByLabel('Description').fill('Claims');
    await page.getByRole('button', { name: 'Create agent' }).click();

    const nameField = page.locator('.field', { has: page.getByLabel('Name', { exact: true }) });
    await expect.poll(() => nameField.getByRole('alert').textContent()).toContain('letters, digits and _');
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // Only the offending field is marked.
    expect(await page.getByLabel('Description').getAttribute('aria-invalid')).toBeNull();
    // Nothing was created.
    const agents = await h.t.gql<{ agents: { name: string }[] }>('{ agents { name } }');
    expect(agents.data?.agents.map((a) => a.name)).not.toContain('Warranty Claim');
  });

  it('asks before discarding unsaved edits on navigation', async () => {
    const { page } = h;
    await page.getByRole('link', { name: 'Playground' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Warranty Claim');
    expect(page.url()).toContain('#/agents/new');
  });

  it('creates WarrantyClaimAgent in the editor, and the planner routes the blender question to it', async () => {
    const { page } = h;
    await page.getByLabel('Name', { exact: true }).fill(warranty.name);
    await page.getByLabel('Description').fill(warranty.description);
    for (const skill of warranty.skills) {
      await page.getByLabel('Add to Skills').fill(skill);
      await page.getByLabel('Add to Skills').press('Enter');
    }
    await page.getByLabel('Instructions').fill(warranty.instructions);
    // Tools come from the live `tools` query, grouped by MCP server.
    await page.getByLabel('Filter tools').fill('ticket');
    await page.getByRole('checkbox', { name: /^create_ticket/ }).check();
    await page.getByRole('button', { name: 'Create agent' }).click();

    await page.waitForURL(/#\/agents\/edit\/WarrantyClaimAgent$/);
    const prompt = page.getByTestId('system-prompt');
    await expect.poll(() => prompt.textContent()).toContain('WarrantyClaimAgent');
    await page.getByText('store__create_ticket').waitFor();
    const saved = await h.t.gql<{ agent: { skills: string[]; tools: string[]; enabled: boolean } }>(
      '{ agent(name: "WarrantyClaimAgent") { skills tools enabled } }',
    );
    expect(saved.data?.agent).toEqual({ skills: warranty.skills, tools: ['store.create_ticket'], enabled: true });
    await page.getByLabel('Filter tools').fill('');
    await page.getByLabel('Filter tools').blur();
    await page.locator('#agent-form').evaluate((form) => form.scrollTo({ top: 0 }));
    await h.screenshot('agent-editor');

    await page.getByRole('link', { name: 'Agents', exact: true }).first().click();
    await page.getByRole('link', { name: 'WarrantyClaimAgent' }).waitFor();
    await h.screenshot('agents');

    await page.getByRole('link', { name: 'Playground' }).click();
    await page
      .getByRole('textbox', { name: 'Message', exact: true })
      .fill('my blender broke after 3 months, can I claim warranty?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('final-reply').waitFor();
    // The plan in the inspector routes the task to the new card: no code change.
    const plan = page.getByRole('table');
    await expect.poll(() => plan.textContent()).toContain('WarrantyClaimAgent');
    const runs = await h.t.gql<{ conversations: { edges: { node: { runs: { tasks: { agent: string }[] }[] } }[] } }>(
      '{ conversations(first: 1) { edges { node { runs { tasks { agent } } } } } }',
    );
    expect(runs.data?.conversations.edges[0]?.node.runs[0]?.tasks.map((t) => t.agent)).toContain('WarrantyClaimAgent');
    await h.screenshot('playground');
  });

  it('edits the enabled switch from the cards', async () => {
    const { page } = h;
    await h.open('agents');
    const toggle = page.getByRole('switch', { name: 'WarrantyClaimAgent enabled' });
    // The switch shows the server's state, so it flips only once the mutation returns: click, then wait.
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await expect
      .poll(
        async () =>
          (await h.t.gql<{ agent: { enabled: boolean } }>('{ agent(name: "WarrantyClaimAgent") { enabled } }')).data
            ?.agent.enabled,
      )
      .toBe(false);
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await expect
      .poll(
        async () =>
          (await h.t.gql<{ agent: { enabled: boolean } }>('{ agent(name: "WarrantyClaimAgent") { enabled } }')).data
            ?.agent.enabled,
      )
      .toBe(true);
  });

  it('saves workspace settings', async () => {
    const { page } = h;
    await h.open('settings');
    const voice = page.getByLabel('Brand voice');
    await voice.fill('Friendly and brief. Plain words.');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const s = await h.t.gql<{ settings: { brandVoice: string } }>('{ settings { brandVoice } }');
    expect(s.data?.settings.brandVoice).toBe('Friendly and brief. Plain words.');
    await h.screenshot('settings');
  });

  it('adds a knowledge article that search then finds, and lists the MCP servers with their tools', async () => {
    const { page } = h;
    await page.getByRole('tab', { name: 'Knowledge base' }).click();
    await page.getByRole('button', { name: 'New article' }).click();
    const form = page.getByRole('form', { name: 'New article' });
    await form.getByLabel('Title').fill('Blender warranty');
    await form.getByLabel('Slug').fill('blender-warranty');
    await form.getByLabel('Tags').fill('blender, warranty');
    await form.getByLabel('Body').fill('Blenders carry a two-year warranty covering the motor.');
    await form.getByRole('button', { name: 'Create article' }).click();
    await page.getByRole('list', { name: 'Articles' }).getByText('Blender warranty').waitFor();
    await page.getByLabel('Try a question').fill('blender motor warranty');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.probe li', { hasText: 'Blender warranty' }).waitFor();
    await page.getByText('1 article', { exact: true }).waitFor();
    await h.screenshot('knowledge-base');

    await page.getByRole('tab', { name: 'MCP servers' }).click();
    const store = page.getByRole('list', { name: 'MCP servers' }).locator('li.mcp-server', { hasText: 'store' });
    await store.getByText('built-in').waitFor();
    await store.getByText(/\d+ tools/).click();
    await store.getByText('create_ticket', { exact: true }).waitFor();
  });

  it('draws the hand-off graph with whole names and counts in the singular for one', async () => {
    const { page } = h;
    await h.open('agents');
    await page.getByRole('tab', { name: 'Hand-off graph' }).click();
    const node = page.getByRole('button', { name: 'Open GeneralSupportAgent' });
    expect(await node.locator('.graph-node-sub').textContent()).toBe('1 tool · 1 hand-off');
    // Every title fits inside its box.
    const fits = await page.locator('.graph-node').evaluateAll((nodes) =>
      nodes.map((g) => {
        const title = g.querySelector('.graph-node-title') as SVGTextElement;
        const box = g.querySelector('rect') as SVGRectElement;
        return title.getComputedTextLength() + 12 <= box.width.baseVal.value;
      }),
    );
    expect(fits.length).toBeGreaterThan(5);
    expect(fits.every(Boolean)).toBe(true);
    expect(await page.getByRole('button', { name: 'Open OrderManagementAgent' }).textContent()).toContain(
      'OrderManagementAgent',
    );
    await h.screenshot('handoff-graph');
  });
});
