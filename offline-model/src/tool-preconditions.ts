import type { ToolSpec } from './wire.js';

/**
 * The order status a store tool acts on, read from its description the way a model reads it ("Cancel a pending
 * order" → "pending"). The store owns its rules and states them there; the stand-in follows what the tool says
 * rather than keeping a copy. Undefined when the description names none: the store then decides alone.
 */
export function orderStatusFor(tool: ToolSpec | undefined): string | undefined {
  if (!tool) return undefined;
  return /\b(?:a|an|the|of)\s+(pending|processed|shipped|delivered|cancelled)\s+orders?\b/i
    .exec(tool.description)?.[1]
    ?.toLowerCase();
}
