import { builtinCards } from './agents/builtin-cards.js';
import type { Services } from './services.js';
import { seedStore } from './store/store-seed.js';

/**
 * Start-up data, on every start: the built-in cards (added, or upgraded where the shop never edited
 * them), default settings and (unless disabled) the demo store. A built-in card the shop edited is left
 * as it is; its new built-in content is offered (AgentRegistry.builtinUpdates) and named once in the log.
 */
export async function seedWorkspace(
  services: Pick<Services, 'agents' | 'settings' | 'config' | 'db' | 'logger'>,
): Promise<void> {
  const cards = await services.agents.ensure(builtinCards);
  await services.settings.ensureDefaults();
  if (services.config.seedDemoData) await seedStore(services.db, { dataDir: services.config.storeDataDir });
  if (cards.upgraded.length)
    services.logger.info(
      { cards: cards.upgraded },
      'built-in cards the shop never edited were upgraded to this release',
    );
  if (cards.offered.length)
    services.logger.warn(
      { cards: cards.offered, articles: [] },
      'built-in updates are on offer for cards the shop edited',
    );
}
