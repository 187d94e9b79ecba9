import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeArticles } from '../../../server/src/store/schema/index.js';
import { currentCard, earlierCards, registry } from '../../fakes/earlier-release.js';
import { createTestDatabase } from '../../helpers/test-database.js';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): built-in updates', (build) => {
  let h: StudioHarness;
  beforeAll(async () => {
    // An earlier release's install where the designers edited ReturnsAgent; this release starts on it.
    // An earlier release seeded the warranty article, which the shop edited; it also deleted the privacy one.
    const db = await createTestDatabase({ seeded: true });
    const agents = registry(db.database);
    await agents.ensure(earlierCards);
    await agents.update('ReturnsAgent', { instructions: 'Our own returns rules.' }, 1, { author: 'ops' });
    await db.database.db
      .update(knowledgeArticles)
      .set({
        body: 'Our own warranty terms.',
        seeded: { title: 'Warranty', body: 'An earlier release said less.', tags: [] },
      })
      .where(eq(knowledgeArticles.slug, 'warranty'));
    await db.database.db.delete(knowledgeArticles).where(eq(knowledgeArticles.slug, 'privacy'));
    h = await startStudio(build, { db, env: { SEED_DEMO_DATA: 'true' } });
  });
  afterAll(async () => {
    await h?.close();
    await h?.t.db.dispose();
  });

  it('shows the update on offer for the card the designers edited, with its changes; keeps theirs, then applies it after all', async () => {
    const { page } = h;
    await h.open('agents');
    const panel = page.getByRole('region', { name: 'Built-in updates', exact: true });
    const list = panel.getByRole('list', { name: 'Built-in cards with an update' });
    await expect.poll(() => list.textContent()).toContain('ReturnsAgent: instructions, handoffs');
    await panel.getByRole('button', { name: 'Review' }).click();
    const changes = panel.getByLabel('Changes to ReturnsAgent');
    await changes.locator('del', { hasText: 'Our own returns rules.' }).waitFor();
    await changes.locator('ins', { hasText: 'HumanTransferAgent' }).waitFor();
    await h.screenshot('agents-builtin-updates');

    // "Keep mine" asks first, saying what it means; Cancel keeps the offer.
    await panel.getByRole('button', { name: 'Keep mine' }).click();
    const confirm = page.getByRole('dialog', { name: 'Keep your ReturnsAgent?' });
    expect(await confirm.textContent()).toContain('stops offering its version, to you and everyone else');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => confirm.count()).toBe(0);
    await panel.getByRole('button', { name: 'Keep mine' }).click();
    await confirm.getByRole('button', { name: 'Keep mine' }).click();

    // The offer is gone, for everyone (the API no longer lists it), without a reload; it is found under Declined offers.
    await expect.poll(() => panel.count()).toBe(0);
    const offers = await h.t.gql<{ builtinUpdates: { kind: string }[] }>('{ builtinUpdates { kind name } }');
    expect(offers.data!.builtinUpdates.filter((u) => u.kind === 'AGENT')).toEqual([]);
    expect((await h.t.app.services.agents.require('ReturnsAgent')).instructions).toBe('Our own returns rules.');
    const declined = page.getByRole('region', { name: 'Declined built-in updates' });
    await declined.getByText('Declined offers (1)').click();
    const declinedList = declined.getByRole('list', { name: 'Declined built-in card updates' });
    await expect.poll(() => declinedList.textContent()).toContain('declined by studio (no auth)');
    await declined.getByRole('button', { name: 'Review' }).click();
    await declined.getByLabel('Changes to ReturnsAgent').locator('ins', { hasText: 'HumanTransferAgent' }).waitFor();

    await declined.getByRole('button', { name: 'Apply update to ReturnsAgent' }).click();
    await expect.poll(() => declined.count()).toBe(0);
    const card = (
      await h.t.gql<{ agent: { handoffs: string[]; versions: { author: string }[] } }>(
        '{ agent(name: "ReturnsAgent") { handoffs versions { author } } }',
      )
    ).data!.agent;
    expect(card.handoffs).toEqual(currentCard('ReturnsAgent').handoffs);
    expect(card.versions[0]!.author).toBe('upgrade');
  });

  it('shows the seeded articles on offer in the knowledge base, and adds the one the shop deleted', async () => {
    const { page } = h;
    await h.open('settings/knowledge');
    const panel = page.getByRole('region', { name: 'Built-in updates', exact: true });
    const list = panel.getByRole('list', { name: 'Seeded articles with an update' });
    await expect.poll(() => list.textContent()).toContain('warranty: body');
    expect(await list.textContent()).toContain('privacy (new): title, body, tags');
    await h.screenshot('knowledge-builtin-updates');
    await panel.getByRole('button', { name: 'Add privacy' }).click();
    await page.getByRole('list', { name: 'Articles' }).getByText('Privacy and your personal data').waitFor();
    await expect.poll(() => list.textContent()).not.toContain('privacy');
    // The edited article stays the shop's until they apply its update, or keep theirs.
    expect(await list.textContent()).toContain('warranty: body');
    await panel.getByRole('button', { name: 'Review' }).click();
    await panel.getByRole('button', { name: 'Keep mine' }).click();
    await page.getByRole('dialog', { name: 'Keep your warranty?' }).getByRole('button', { name: 'Keep mine' }).click();
    await expect.poll(() => panel.count()).toBe(0);
    const declined = page.getByRole('region', { name: 'Declined built-in updates' });
    await declined.getByText('Declined offers (1)').waitFor();
    const [row] = await h.t.db.database.db
      .select({ body: knowledgeArticles.body })
      .from(knowledgeArticles)
      .where(eq(knowledgeArticles.slug, 'warranty'));
    expect(row!.body).toBe('Our own warranty terms.');
  });
});
