import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ModelSettings } from '../../domain/agent-card.js';

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
