import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type AgentCardDraftRow, agentCardDrafts } from '../db/schema/agents.js';
import type { AgentCardInput } from '../domain/agent-card.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** A card's draft: its working copy, which only staff runs and experiments use. */
export type CardDraft = AgentCardDraftRow;

/**
 * The SQL of card drafts, written once: AgentDrafts saves and discards through it, and AgentRegistry
 * removes a draft in the transaction that publishes it (and renames it with its card).
 */
export const cardDrafts = {
  list(db: Db | Tx): Promise<CardDraft[]> {
    return db.select().from(agentCardDrafts).orderBy(asc(agentCardDrafts.name));
  },

  async get(db: Db | Tx, name: string): Promise<CardDraft | undefined> {
    const [row] = await db.select().from(agentCardDrafts).where(eq(agentCardDrafts.name, name));
    return row;
  },

  /** Stores a new draft; a draft of that name or card stored meanwhile fails as a unique violation. */
  async insert(
    db: Db,
    values: { name: string; agentId: string | null; card: AgentCardInput; baseVersion: number | null; author: string },
  ): Promise<CardDraft> {
    const [row] = await db.insert(agentCardDrafts).values(values).returning();
    return row!;
  },

  /** Saves a draft's fields and bumps its revision; undefined when `revision` is given and is no longer current. */
  async update(
    db: Db,
    id: string,
    revision: number | undefined,
    values: { card: AgentCardInput; author: string },
  ): Promise<CardDraft | undefined> {
    const [row] = await db
      .update(agentCardDrafts)
      .set({ ...values, revision: sql`${agentCardDrafts.revision} + 1`, updatedAt: new Date() })
      .where(
        revision === undefined
          ? eq(agentCardDrafts.id, id)
          : and(eq(agentCardDrafts.id, id), eq(agentCardDrafts.revision, revision)),
      )
      .returning();
    return row;
  },

  /** Deletes a draft (discarded or published); undefined when none, or `revision` is no longer current. */
  async remove(db: Db | Tx, name: string, revision?: number): Promise<CardDraft | undefined> {
    const [row] = await db
      .delete(agentCardDrafts)
      .where(
        revision === undefined
          ? eq(agentCardDrafts.name, name)
          : and(eq(agentCardDrafts.name, name), eq(agentCardDrafts.revision, revision)),
      )
      .returning();
    return row;
  },

  /** A published card was renamed: its draft follows. */
  async rename(tx: Tx, agentId: string, name: string): Promise<void> {
    await tx
      .update(agentCardDrafts)
      .set({ name, card: sql`jsonb_set(${agentCardDrafts.card}, '{name}', to_jsonb(${name}::text))` })
      .where(eq(agentCardDrafts.agentId, agentId));
  },
};
