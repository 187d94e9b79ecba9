import { eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { cardVersions } from '../../server/src/agents/card-versions.js';
import { ChatState } from '../../server/src/chat/chat-state.js';
import { PlannerAgent } from '../../server/src/chat/planner-agent.js';
import { type Database, openDatabase } from '../../server/src/db/client.js';
import { agentCards, agentCardVersions } from '../../server/src/db/schema/agents.js';
import type { AgentCard } from '../../server/src/domain/agent-card.js';
import { defaultSettings } from '../../server/src/domain/workspace-settings.js';
import { createOfflineModelProvider } from '../../server/src/models/create-model-provider.js';
import { seedWorkspace } from '../../server/src/seed.js';
import { knowledgeArticleSeeds } from '../../server/src/store/knowledge-articles.js';
import { declineKnowledgeUpdate, upgradeKnowledgeArticles } from '../../server/src/store/knowledge-upgrade.js';
import { knowledgeArticles } from '../../server/src/store/schema/index.js';
import { currentCard as current, earlierCards, registry } from '../fakes/earlier-release.js';
import { builtinCards as firstReleaseCards } from '../fixtures/builtin-cards-2026-11-23.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** Starts the current release on a database: what buildApp does at start. */
const start = (
  database: Database,
  agents = registry(database),
  logger = { info: vi.fn(), warn: vi.fn() },
  seedDemoData = false,
) =>
  seedWorkspace({
    agents,
    db: database.db,
    settings: { ensureDefaults: async () => {} } as never,
    config: { seedDemoData } as never,
    logger: logger as never,
  });

describe('upgrading Baton: built-in cards and articles the shop never edited get the new content', () => {
  const dbs: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(dbs.splice(0).map((d) => d.dispose()));
  });

  /** A workspace an earlier release seeded, where the shop edited ReturnsAgent and wrote its own card. */
  async function earlierInstall() {
    const db = await createTestDatabase();
    dbs.push(db);
    const agents = registry(db.database);
    await agents.ensure(earlierCards);
    await agents.update('ReturnsAgent', { instructions: 'Our own returns rules.' }, 1, { author: 'ops' });
    await agents.create({ name: 'GiftWrapAgent', description: 'Gift wrapping', skills: ['gift wrap'] }, 'ops');
    return db;
  }

  it('upgrades the unedited card as a version by upgrade, leaves the edited and the custom card, and offers the edited one', async () => {
    const db = await earlierInstall();
    const onChange = vi.fn();
    const agents = registry(db.database, onChange);
    const logger = { info: vi.fn(), warn: vi.fn() };
    await start(db.database, agents, logger);

    const orders = await agents.require('OrderManagementAgent');
    expect(orders.skills).toEqual(current('OrderManagementAgent').skills);
    expect(orders.version).toBe(2);
    const [latest] = await cardVersions.list(db.database.db, orders.id);
    expect(latest).toMatchObject({ version: 2, author: 'upgrade', note: 'Baton built-in update: skills' });
    // Every replica drops its cached cards.
    expect(onChange).toHaveBeenCalled();

    const returns = await agents.require('ReturnsAgent');
    expect(returns.instructions).toBe('Our own returns rules.');
    expect(returns.handoffs).toEqual([]);
    expect(returns.version).toBe(2);
    const offers = await agents.builtinUpdates(builtinCards);
    expect(offers.map((o) => o.card.name)).toEqual(['ReturnsAgent']);
    // The operator is told once at start which cards have an update on offer.
    expect(logger.warn).toHaveBeenCalledOnce();
    expect(logger.warn.mock.calls[0]![0]).toEqual({ cards: ['ReturnsAgent'], articles: [] });

    const own = await agents.require('GiftWrapAgent');
    expect([own.version, own.skills]).toEqual([1, ['gift wrap']]);
    // The cards that had nothing new are untouched.
    expect((await agents.require('UpsellAgent')).version).toBe(1);
  });

  it('is idempotent: a second start changes nothing', async () => {
    const db = await earlierInstall();
    await start(db.database);
    const agents = registry(db.database);
    const before = (await agents.list()).map((c) => [c.name, c.version]);
    const onChange = vi.fn();
    await start(db.database, registry(db.database, onChange));
    expect((await registry(db.database).list()).map((c) => [c.name, c.version])).toEqual(before);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('keeps a disabled built-in card disabled when it upgrades it', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    const agents = registry(db.database);
    await agents.ensure(earlierCards);
    await agents.setEnabled('OrderManagementAgent', false, 'ops');
    await start(db.database);
    const orders = await registry(db.database).require('OrderManagementAgent');
    expect([orders.enabled, orders.skills]).toEqual([false, current('OrderManagementAgent').skills]);
  });

  it('two replicas starting at once upgrade the card once', async () => {
    const db = await earlierInstall();
    // A second connection pool on PostgreSQL, as a second replica has; PGlite has one connection.
    const other: Database = db.url ? await openDatabase({ databaseUrl: db.url, maxConnections: 2 }) : db.database;
    try {
      await Promise.all([start(db.database), start(other)]);
    } finally {
      if (other !== db.database) await other.close();
    }
    const orders = await registry(db.database).require('OrderManagementAgent');
    const versions = await cardVersions.list(db.database.db, orders.id);
    expect(versions.map((v) => [v.version, v.author])).toEqual([
      [2, 'upgrade'],
      [1, 'seed'],
    ]);
  });

  it("upgrades the demo store's unedited articles and names the edited ones in the log", async () => {
    const db = await createTestDatabase({ seeded: true });
    dbs.push(db);
    const articles = db.database.db;
    const older = { title: 'Shipping', body: 'An earlier release said less.', tags: ['shipping'] };
    await articles
      .update(knowledgeArticles)
      .set({ ...older, seeded: older })
      .where(inArray(knowledgeArticles.slug, ['shipping-times', 'warranty']));
    await articles
      .update(knowledgeArticles)
      .set({ body: 'Our own warranty terms.' })
      .where(eq(knowledgeArticles.slug, 'warranty'));
    const logger = { info: vi.fn(), warn: vi.fn() };
    await start(db.database, registry(db.database), logger, true);
    expect(logger.info.mock.calls[0]![0]).toMatchObject({ articles: ['shipping-times'] });
    expect(logger.warn.mock.calls[0]![0]).toMatchObject({ articles: ['warranty'] });
    const [shipping] = await articles
      .select({ body: knowledgeArticles.body })
      .from(knowledgeArticles)
      .where(eq(knowledgeArticles.slug, 'shipping-times'));
    expect(shipping!.body).toBe(knowledgeArticleSeeds.find((a) => a.slug === 'shipping-times')!.body);
  });

  it('upgrades the cards of an install from before card versions that still have what its release seeded', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    await registry(db.database).ensure(firstReleaseCards);
    // That release recorded no versions, and an edit made then recorded none either.
    await db.database.db.delete(agentCardVersions);
    await db.database.db
      .update(agentCards)
      .set({ instructions: 'Our own hand-over rules.' })
      .where(eq(agentCards.name, 'HumanTransferAgent'));
    const result = await registry(db.database).ensure(builtinCards);
    expect(result.upgraded.sort()).toEqual(['OrderManagementAgent', 'ReturnsAgent']);
    expect(result.offered).toEqual(['HumanTransferAgent']);
    const agents = registry(db.database);
    expect((await agents.require('ReturnsAgent')).handoffs).toEqual(current('ReturnsAgent').handoffs);
    expect((await agents.require('HumanTransferAgent')).instructions).toBe('Our own hand-over rules.');
    // A card this release did not change is recorded as Baton's, so the next release can upgrade it.
    const upsell = await agents.require('UpsellAgent');
    expect((await cardVersions.list(db.database.db, upsell.id)).map((v) => [v.version, v.author])).toEqual([
      [1, 'seed'],
    ]);
  });

  it('after the upgrade, the planner routes a question the new skill covers to its card', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    await registry(db.database).ensure(firstReleaseCards);
    await db.database.db.delete(agentCardVersions);
    const question = 'what email do you have on file for me?';
    // The first release's OrderManagementAgent had no skill for the account's details.
    expect(await plannedAgents(await registry(db.database).enabled(), question)).toEqual(['GeneralSupportAgent']);
    await start(db.database);
    expect(await plannedAgents(await registry(db.database).enabled(), question)).toEqual(['OrderManagementAgent']);
  });

  it("does not name a declined offer in the log at later starts, and names the next release's content of it", async () => {
    const db = await createTestDatabase({ seeded: true });
    dbs.push(db);
    const agents = registry(db.database);
    await agents.ensure(earlierCards);
    await agents.update('ReturnsAgent', { instructions: 'Our own returns rules.' }, 1, { author: 'ops' });
    const older = { title: 'Warranty', body: 'An earlier release said less.', tags: ['warranty'] };
    await db.database.db
      .update(knowledgeArticles)
      .set({ ...older, body: 'Our own warranty terms.', seeded: older })
      .where(eq(knowledgeArticles.slug, 'warranty'));
    const first = { info: vi.fn(), warn: vi.fn() };
    await start(db.database, agents, first, true);
    expect(first.warn.mock.calls[0]![0]).toEqual({ cards: ['ReturnsAgent'], articles: ['warranty'] });

    await agents.declineBuiltinUpdate('ReturnsAgent', builtinCards, 'designer', 2);
    await declineKnowledgeUpdate(db.database.db, 'warranty', 'designer');
    const next = { info: vi.fn(), warn: vi.fn() };
    await start(db.database, registry(db.database), next, true);
    expect(next.warn).not.toHaveBeenCalled();
    expect((await registry(db.database).require('ReturnsAgent')).instructions).toBe('Our own returns rules.');

    // The next release changes both again: its content is offered, and named.
    const laterCards = builtinCards.map((c) =>
      c.name === 'ReturnsAgent' ? { ...c, description: `${c.description} Exchanges too.` } : c,
    );
    const laterArticles = knowledgeArticleSeeds.map((a) =>
      a.slug === 'warranty' ? { ...a, title: `${a.title} and repairs` } : a,
    );
    expect((await registry(db.database).ensure(laterCards)).offered).toEqual(['ReturnsAgent']);
    expect((await upgradeKnowledgeArticles(db.database.db, laterArticles)).offered.map((o) => o.slug)).toEqual([
      'warranty',
    ]);
  });

  it('does not bring back a built-in card the shop deleted, at any later start, nor after its own card of that name goes', async () => {
    const db = await earlierInstall();
    const agents = registry(db.database);
    await start(db.database, agents);
    await agents.delete('UpsellAgent', 'GeneralSupportAgent', 'ops');
    await agents.delete('GiftWrapAgent', 'GeneralSupportAgent', 'ops');
    await start(db.database, agents);
    await start(db.database, registry(db.database));
    const names = (await registry(db.database).list()).map((c) => c.name);
    expect(names).not.toContain('UpsellAgent');
    // Deleting the shop's own card leaves nothing behind, as before.
    expect(names).not.toContain('GiftWrapAgent');
    // A card created with the name again is the shop's own: a start leaves it as it is.
    await agents.create({ name: 'UpsellAgent', description: 'Our own suggestions', skills: ['bundles'] }, 'ops');
    await start(db.database, agents);
    const own = await registry(db.database).require('UpsellAgent');
    expect([own.description, own.builtin]).toEqual(['Our own suggestions', false]);
    // Deleted too, nothing of that name comes back.
    await agents.delete('UpsellAgent', 'GeneralSupportAgent', 'ops');
    await start(db.database, agents);
    expect((await registry(db.database).list()).map((c) => c.name)).not.toContain('UpsellAgent');
  });
});

/** The agents the planner (offline stand-in) gives a first message's tasks, over these cards. */
async function plannedAgents(agents: AgentCard[], text: string): Promise<string[]> {
  const now = new Date();
  const state = ChatState.fromHistory({
    conversationId: 'c',
    runId: 'r',
    settings: defaultSettings,
    agents,
    history: [
      { id: 1, seq: 1, type: 'MESSAGE', conversationId: 'c', runId: 'r', data: { role: 'user', text }, createdAt: now },
    ],
  });
  const { plan } = await new PlannerAgent({ models: createOfflineModelProvider() }).plan(state);
  return plan.tasks.map((t) => t.agent);
}
