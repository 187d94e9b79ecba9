import type { Usage } from './events.js';

type ModelTokens = NonNullable<Usage['byModel']>[string];

/** A fresh accumulator for the usage of several model calls. */
export const emptyUsage = (): Usage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

function addTokens(total: Usage, model: string, tokens: ModelTokens) {
  const byModel = total.byModel ?? {};
  const m = byModel[model] ?? { promptTokens: 0, completionTokens: 0 };
  byModel[model] = {
    promptTokens: m.promptTokens + tokens.promptTokens,
    completionTokens: m.completionTokens + tokens.completionTokens,
  };
  total.byModel = byModel;
}

/** Adds one model call's usage to `total`, under the model that served it. */
export function addModelUsage(total: Usage, model: string, usage: Usage): void {
  total.promptTokens += usage.promptTokens;
  total.completionTokens += usage.completionTokens;
  total.totalTokens += usage.totalTokens;
  addTokens(total, model, usage);
}

/** Adds an accumulated usage (several calls, maybe several models) to `total`. */
export function mergeUsage(total: Usage, part: Usage): void {
  total.promptTokens += part.promptTokens;
  total.completionTokens += part.completionTokens;
  total.totalTokens += part.totalTokens;
  for (const [model, tokens] of Object.entries(part.byModel ?? {})) addTokens(total, model, tokens);
}
