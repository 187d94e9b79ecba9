import { createHash } from 'node:crypto';
import type { AgentCardInput } from '../domain/agent-card.js';
import { type CardField, cardFields, diffCards, fieldText } from './card-versions.js';

/**
 * What a start does with a built-in card:
 * - `current`: it already has this release's built-in content;
 * - `upgrade`: the shop never edited it (it is what Baton last wrote), so it gets the new content;
 * - `offer`: the shop edited it (or its origin is unknown) and the built-in content changed since: offered, not forced;
 * - `edited`: the shop edited it and the built-in content has not changed since.
 */
export type BuiltinCardStatus = 'current' | 'upgrade' | 'offer' | 'edited';

/**
 * `base` is the content Baton last wrote to the card (its newest version by `seed` or `upgrade`), undefined
 * when the card predates card versions. Whether a card is enabled is the shop's switch, not content: a
 * disabled built-in card is still upgraded, and stays disabled.
 */
export function builtinCardStatus(
  current: AgentCardInput,
  base: AgentCardInput | undefined,
  builtin: AgentCardInput,
): BuiltinCardStatus {
  if (sameContent(current, builtin)) return 'current';
  if (base && sameContent(current, base)) return 'upgrade';
  if (base && sameContent(base, builtin)) return 'edited';
  return 'offer';
}

/** The fields a built-in update changes, `enabled` left out (it is the shop's). */
export function builtinChanges(from: AgentCardInput, to: AgentCardInput): CardField[] {
  return diffCards(from, to)
    .map((d) => d.field)
    .filter((f) => f !== 'enabled');
}

/** The version note of an upgrade: which fields the new built-in content changed. */
export function upgradeNote(from: AgentCardInput, to: AgentCardInput): string {
  return `Baton built-in update: ${builtinChanges(from, to).join(', ')}`;
}

function sameContent(a: AgentCardInput, b: AgentCardInput): boolean {
  return builtinChanges(a, b).length === 0;
}

/** A card's content as a short hash (`enabled` left out): how formerBuiltinCards names what a release seeded. */
export function builtinContentHash(card: AgentCardInput): string {
  const content = cardFields.filter((f) => f !== 'enabled').map((f) => fieldText(card, f));
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}
