import type { ModelCallHints } from '../model-provider.js';

type ComposeHints = Extract<ModelCallHints, { kind: 'compose' }>;

/** Joins the task outputs in plan order, dropping empty parts and exact repeats. */
export function composeReply(hints: ComposeHints): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const p of hints.parts) {
    const text = p.text.trim();
    if (!text || seen.has(text)) continue;
    seen.add(text);
    parts.push(text);
  }
  return parts.join('\n\n');
}
