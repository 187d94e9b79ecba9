import { OFFLINE_MODEL, OfflineModelError } from '@baton/offline-model';
import type { Config } from '../config.js';
import { ModelError } from '../errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { ModelProvider } from './model-provider.js';
import { OfflineThread } from './offline-thread.js';
import { OpenAIProvider } from './openai-provider.js';

/** `openai` when configured (key or base URL), otherwise the rule-based offline stand-in. */
export function createModelProvider(config: Config): ModelProvider {
  if (config.model.provider === 'openai')
    return new OpenAIProvider({
      apiKey: config.model.apiKey,
      baseURL: config.model.baseURL,
      defaultModel: config.model.defaultModel,
      timeoutMs: config.model.timeoutMs,
      maxRetries: config.model.maxRetries,
      // Stop hammering an endpoint that keeps failing; one probe after the cool-down.
      breaker: new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000 }),
    });
  return createOfflineModelProvider();
}

/**
 * The offline stand-in (package `@baton/offline-model`) as a ModelProvider. It gets the same requests
 * as any model and reads them as one would, on its own thread (OfflineThread), as a model runs
 * elsewhere; its own errors become ModelErrors like any provider's.
 */
export function createOfflineModelProvider(): ModelProvider {
  const stand = OfflineThread.shared();
  return {
    name: 'offline',
    ruleBased: true,
    complete: async (request) => {
      try {
        return await stand.complete(request, { givesWay: request.givesWay });
      } catch (err) {
        if (err instanceof OfflineModelError) throw new ModelError(err.message, { cause: err.cause ?? err });
        throw err;
      }
    },
  };
}

/** Starts the offline stand-in's thread (the server does at boot when it uses the stand-in). */
export function startOfflineModel(): Promise<void> {
  return OfflineThread.shared().start();
}

/** The model name the offline stand-in reports: clients show it, so nobody takes the rules for a language model. */
export { OFFLINE_MODEL };
