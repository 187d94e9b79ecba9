import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { AgentCardInput, ModelSettings } from '../../domain/agent-card.js';

export const agentCards = pgTable('agent_cards', {
  id: uuid('id').primaryKey().defaultRandom(),
  // unique: the registry is looked up by name (planner, hand-offs, GraphQL agent(name)).
  name: text('name').notNull().unique(),
  description: text('description').notNull(),
  skills: jsonb('skills').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  instructions: text('instructions').notNull().default(''),
  tools: jsonb('tools').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  handoffs: jsonb('handoffs').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  enabled: boolean('enabled').notNull().default(true),
  model: jsonb('model').$type<ModelSettings>().notNull().default(sql`'{}'::jsonb`),
  maxSteps: integer('max_steps').notNull().default(6),
  builtin: boolean('builtin').notNull().default(false),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type AgentCardRow = typeof agentCards.$inferSelect;

/**
 * Built-in cards the shop deleted. The seed, which runs at every start and brings the built-in cards up to the
 * release, does not create them again; a card the shop creates with the name is its own (not upgraded).
 */
export const removedBuiltinCards = pgTable('removed_builtin_cards', {
  name: text('name').primaryKey(),
  removedBy: text('removed_by').notNull(),
  removedAt: timestamp('removed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every saved state of a card: one row per version, written in the transaction that saved it. */
export const agentCardVersions = pgTable(
  'agent_card_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agentCards.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** The card's fields as saved (AgentCardInput). */
    card: jsonb('card').$type<AgentCardInput>().notNull(),
    /** Who saved it: an API key's name, `seed`, or the studio without auth. */
    author: text('author').notNull(),
    /** Why, when the saver said (a rollback says which version it restored). */
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Agent.versions (newest first) and Agent.versionDiff(from, to): a card's versions by number.
    uniqueIndex('agent_card_versions_agent_version_idx').on(t.agentId, t.version),
  ],
);
export type AgentCardVersionRow = typeof agentCardVersions.$inferSelect;

/**
 * A card's draft: the designer's working copy, which live traffic never sees. At most one per card
 * (`agent_id`), or a card that exists only as a draft (`agent_id` null) until it is published.
 */
export const agentCardDrafts = pgTable('agent_card_drafts', {
  id: uuid('id').primaryKey().defaultRandom(),
  // unique: drafts are looked up by card name (Agent.draft, runs against named drafts).
  name: text('name').notNull().unique(),
  // unique: one draft per published card; null for a card that exists only as a draft.
  agentId: uuid('agent_id')
    .unique()
    .references(() => agentCards.id, { onDelete: 'cascade' }),
  /** The draft's fields (AgentCardInput). */
  card: jsonb('card').$type<AgentCardInput>().notNull(),
  /** Bumped at every save: saving or publishing with an older revision is a CONFLICT. */
  revision: integer('revision').notNull().default(1),
  /** The published version the draft was started from (null: a new card). */
  baseVersion: integer('base_version'),
  author: text('author').notNull(),
  note: text('note'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type AgentCardDraftRow = typeof agentCardDrafts.$inferSelect;
