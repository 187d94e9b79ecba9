import type { Config } from '../config.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { ModelProvider } from './model-provider.js';
import { OfflineProvider } from './offline-provider.js';
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
  return new OfflineProvider();
}
