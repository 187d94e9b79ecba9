import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { declinedBuiltinUpdates } from '../db/schema/builtin-updates.js';
import type { AgentCardInput } from '../domain/agent-card.js';
import { ConflictError } from '../errors.js';
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

/**
 * Refuses to apply or decline an offer other than the one the designer reviewed (`reviewed`, the `offer` that
 * builtinUpdates listed): during a rolling upgrade, replicas of two releases offer different contents for one card.
 */
export function checkReviewedOffer(reviewed: string | undefined, offered: string, name: string): void {
  if (reviewed !== undefined && reviewed !== offered)
    throw new ConflictError(
      `The update on offer for ${name} is not the one you reviewed (a replica of another Baton release answered); review it again`,
      { details: { field: 'offer', offer: offered } },
    );
}

/** Who declined a built-in update ("Keep mine"), and when. */
export interface BuiltinDecline {
  by: string;
  at: Date;
}

export type DeclineKind = 'card' | 'article';

/**
 * The offers of `kind` the shop declined, by name, that still stand: a decline holds for the content it was
 * made against (`hashOf(name)`, this release's built-in content), so a release that changes it again offers anew.
 */
export async function standingDeclines(
  db: DbOrTx,
  kind: DeclineKind,
  hashOf: (name: string) => string | undefined,
): Promise<Map<string, BuiltinDecline>> {
  const rows = await db.select().from(declinedBuiltinUpdates).where(eq(declinedBuiltinUpdates.kind, kind));
  return new Map(
    rows.filter((r) => hashOf(r.name) === r.contentHash).map((r) => [r.name, { by: r.declinedBy, at: r.declinedAt }]),
  );
}

/** Records that the shop keeps its own card or article against the built-in content `contentHash` (replacing an older decline). */
export async function recordDecline(
  db: DbOrTx,
  kind: DeclineKind,
  name: string,
  contentHash: string,
  by: string,
): Promise<BuiltinDecline> {
  const [row] = await db
    .insert(declinedBuiltinUpdates)
    .values({ kind, name, contentHash, declinedBy: by })
    .onConflictDoUpdate({
      target: [declinedBuiltinUpdates.kind, declinedBuiltinUpdates.name],
      set: { contentHash, declinedBy: by, declinedAt: sql`now()` },
    })
    .returning();
  return { by: row!.declinedBy, at: row!.declinedAt };
}

/** Forgets a decline: the update was applied after all. */
export async function forgetDecline(db: DbOrTx, kind: DeclineKind, name: string): Promise<void> {
  await db
    .delete(declinedBuiltinUpdates)
    .where(and(eq(declinedBuiltinUpdates.kind, kind), eq(declinedBuiltinUpdates.name, name)));
}
