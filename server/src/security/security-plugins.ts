import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { useJsonArgumentGuard } from './json-argument-guard.js';
import { useListBudget } from './list-budget.js';
import { useListLengthGuard } from './list-length-guard.js';
import { useLoneSurrogateGuard } from './lone-surrogate-guard.js';
import { useMalformedJsonGuard } from './malformed-json.js';
import { useNulCharacterGuard } from './nul-character-guard.js';
import { useRequestBodyLimit } from './request-body-limit.js';
import { useSuggestionGuard } from './suggestion-guard.js';
import { useUnknownFieldGuard } from './unknown-field-guard.js';

/**
 * The yoga plugins that guard the API before any resolver runs: body size, operation depth, cost,
 * aliases, tokens and directives (graphql-armor), lists and JSON values in arguments, NUL characters in text, and introspection off unless enabled.
 * They apply to HTTP, SSE and WebSocket operations alike (the WebSocket path uses the same envelop).
 */
export function securityPlugins(
  config: Pick<Config, 'graphqlLimits' | 'introspection' | 'limits' | 'env'>,
): Plugin<Record<string, unknown>>[] {
  const limits = config.graphqlLimits;
  // Limits are named in errors outside production, so a developer sees which one a query hit.
  const exposeLimits = config.env !== 'production';
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, exposeLimits, ignoreIntrospection: true, flattenFragments: true },
    costLimit: { maxCost: limits.maxCost, exposeLimits, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases, exposeLimits },
    maxTokens: { n: limits.maxTokens, exposeLimits },
    maxDirectives: { n: limits.maxDirectives, exposeLimits },
    blockFieldSuggestion: { enabled: config.env === 'production' },
  });
  const plugins: Plugin<Record<string, unknown>>[] = [
    useRequestBodyLimit(config.limits.maxRequestBodyBytes) as Plugin<Record<string, unknown>>,
    useMalformedJsonGuard() as Plugin<Record<string, unknown>>,
    ...(armor.protect().plugins as Plugin<Record<string, unknown>>[]),
    // First of the argument checks: an unknown field, a long list or a JSON value too large is refused before the
    // others walk it.
    useUnknownFieldGuard() as Plugin<Record<string, unknown>>,
    useListLengthGuard() as Plugin<Record<string, unknown>>,
    useJsonArgumentGuard() as Plugin<Record<string, unknown>>,
    useNulCharacterGuard() as Plugin<Record<string, unknown>>,
    useLoneSurrogateGuard() as Plugin<Record<string, unknown>>,
    useListBudget(limits.maxListItems) as Plugin<Record<string, unknown>>,
  ];
  if (config.env === 'production') plugins.push(useSuggestionGuard() as Plugin<Record<string, unknown>>);
  if (!config.introspection)
    plugins.push(useDisableIntrospection(), {
      // The plugin keys on the fetch Request, which WebSocket operations do not have.
      onValidate({ addValidationRule, context }) {
        if (!(context as { request?: unknown }).request) addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    });
  return plugins;
}
