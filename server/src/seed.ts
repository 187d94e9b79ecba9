import { builtinCards } from './agents/builtin-cards.js';
import type { Services } from './services.js';
import { upgradeKnowledgeArticles } from './store/knowledge-upgrade.js';
import { seedStore } from './store/store-seed.js';

/**
 * Start-up data, on every start: the built-in cards (added, or upgraded where the shop never edited
 * them), default settings, and (unless disabled) the demo store and its knowledge articles, likewise
 * upgraded. What the shop edited is left as it is; its new built-in content is offered
 * (AgentRegistry.builtinUpdates, knowledgeUpdates) and named once in the log.
 */
export async function seedWorkspace(
  services: Pick<Services, 'agents' | 'settings' | 'config' | 'db' | 'logger'>,
): Promise<void> {
  const cards = await services.agents.ensure(builtinCards);
  await services.settings.ensureDefaults();
  let articles = { upgraded: [] as string[], offered: [] as string[] };
  if (services.config.seedDemoData) {
    const { seeded } = await seedStore(services.db, { dataDir: services.config.storeDataDir });
    if (!seeded) {
      const result = await upgradeKnowledgeArticles(services.db);
      articles = { upgraded: result.upgraded, offered: result.offered.map((o) => o.slug) };
    }
  }
  if (cards.upgraded.length || articles.upgraded.length)
    services.logger.info(
      { cards: cards.upgraded, articles: articles.upgraded },
      'built-in cards and articles the shop never edited were upgraded to this release',
    );
  if (cards.offered.length || articles.offered.length)
    services.logger.warn(
      { cards: cards.offered, articles: articles.offered },
      "built-in updates are on offer for cards and articles the shop edited: query builtinUpdates, then applyBuiltinUpdate, or declineBuiltinUpdate to keep the shop's (the studio: Review, then Apply or Keep mine)",
    );
}
