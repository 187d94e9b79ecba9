import { builtinCards } from './agents/builtin-cards.js';
import type { Services } from './services.js';
import { seedStore } from './store/store-seed.js';

/** First-start data: the specialist cards, default settings and (unless disabled) the demo store. Safe on every start. */
export async function seedWorkspace(services: Pick<Services, 'agents' | 'settings' | 'config' | 'db'>): Promise<void> {
  await services.agents.ensure(builtinCards);
  await services.settings.ensureDefaults();
  if (services.config.seedDemoData) await seedStore(services.db, { dataDir: services.config.storeDataDir });
}
