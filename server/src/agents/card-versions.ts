import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type AgentCardVersionRow, agentCardVersions } from '../db/schema/agents.js';
import type { AgentCard, AgentCardInput } from '../domain/agent-card.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The version authors that mean Baton wrote the card: the first seed, and each upgrade since. */
export const builtinAuthors = ['seed', 'upgrade'] as const;

/** A saved state of a card. */
export interface CardVersion {
  agentId: string;
  version: number;
  card: AgentCardInput;
  author: string;
  note: string | null;
  createdAt: Date;
}

/** The fields a version stores: the card without its id, flags and timestamps. */
export function cardInput(card: AgentCard): AgentCardInput {
  const { id: _i, builtin: _b, version: _v, createdAt: _c, updatedAt: _u, ...input } = card;
  return input;
}

/**
 * The history of agent cards: AgentRegistry records a version in the transaction of every save. A card
 * saved before versions existed gets its former state recorded (author `before history`) at its first
 * save, so the first diff has something to compare with.
 */
export const cardVersions = {
  async record(tx: Tx | Db, card: AgentCard, author: string, note?: string): Promise<void> {
    await tx
      .insert(agentCardVersions)
      .values({ agentId: card.id, version: card.version, card: cardInput(card), author, note: note ?? null })
      .onConflictDoNothing();
  },

  async list(db: Db, agentId: string): Promise<CardVersion[]> {
    const rows = await db
      .select()
      .from(agentCardVersions)
      .where(eq(agentCardVersions.agentId, agentId))
      .orderBy(desc(agentCardVersions.version));
    return rows.map(toVersion);
  },

  /** The content Baton last wrote to a card (its newest version by `seed` or `upgrade`). */
  async lastBuiltin(db: Tx | Db, agentId: string): Promise<AgentCardInput | undefined> {
    const [row] = await db
      .select({ card: agentCardVersions.card })
      .from(agentCardVersions)
      .where(and(eq(agentCardVersions.agentId, agentId), inArray(agentCardVersions.author, [...builtinAuthors])))
      .orderBy(desc(agentCardVersions.version))
      .limit(1);
    return row?.card;
  },

  async get(db: Db, agentId: string, version: number): Promise<CardVersion | undefined> {
    const [row] = await db
      .select()
      .from(agentCardVersions)
      .where(and(eq(agentCardVersions.agentId, agentId), eq(agentCardVersions.version, version)));
    return row ? toVersion(row) : undefined;
  },
};

function toVersion(row: AgentCardVersionRow): CardVersion {
  return {
    agentId: row.agentId,
    version: row.version,
    card: row.card,
    author: row.author,
    note: row.note,
    createdAt: row.createdAt,
  };
}

export type CardField = keyof AgentCardInput;
export const cardFields: CardField[] = [
  'name',
  'description',
  'skills',
  'instructions',
  'tools',
  'handoffs',
  'enabled',
  'model',
  'maxSteps',
];

/** A field as text for a diff: lists one item a line, model settings one `key: value` a line. */
export function fieldText(card: AgentCardInput, field: CardField): string {
  const value = card[field];
  if (Array.isArray(value)) return value.join('\n');
  if (field === 'model') {
    const m = card.model;
    return (['provider', 'model', 'temperature', 'timeoutMs'] as const)
      .filter((k) => m[k] !== undefined)
      .map((k) => `${k}: ${m[k]}`)
      .join('\n');
  }
  return String(value);
}

/** The fields that differ between two versions of a card, as text. */
export function diffCards(a: AgentCardInput, b: AgentCardInput): { field: CardField; before: string; after: string }[] {
  return cardFields
    .map((field) => ({ field, before: fieldText(a, field), after: fieldText(b, field) }))
    .filter((d) => d.before !== d.after);
}
