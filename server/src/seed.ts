import { builtinCards } from './agents/builtin-cards.js';
import type { Services } from './services.js';

/** First-start data: the seven specialist cards and default settings. Safe to run on every start. */
export async function seedWorkspace(services: Services): Promise<void> {
  await services.agents.ensure(builtinCards);
  await services.settings.ensureDefaults();
}
