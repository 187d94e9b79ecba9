import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { BusinessHours } from '../../domain/business-hours.js';
import { identityPolicies } from '../../domain/identity.js';
import type { ModelPrice } from '../../domain/model-prices.js';
import { type Brand, defaultBrand, doubleTextingPolicies } from '../../domain/workspace-settings.js';

/** One row (id = 1): the workspace's shared context for every agent. */
export const workspaceSettings = pgTable('workspace_settings', {
  id: integer('id').primaryKey().default(1),
  brandVoice: text('brand_voice').notNull(),
  refusalMessage: text('refusal_message').notNull(),
  apologyMessage: text('apology_message').notNull(),
  businessHours: jsonb('business_hours').$type<BusinessHours>().notNull(),
  humanTransferScenarios: jsonb('human_transfer_scenarios').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  defaultAgent: text('default_agent').notNull(),
  doubleTexting: text('double_texting', { enum: doubleTextingPolicies }).notNull().default('queue'),
  /** Agent assist: draft a suggested reply for the colleague who owns a conversation (costs model calls). */
  agentAssist: boolean('agent_assist').notNull().default(true),
  /** The storefront widget's name, colour and greeting (public). */
  brand: jsonb('brand').$type<Brand>().notNull().default(defaultBrand),
  identityPolicy: text('identity_policy', { enum: identityPolicies }).notNull().default('strict'),
  /** Prices per model (analytics' cost), validated by modelPricesSchema. */
  modelPrices: jsonb('model_prices').$type<ModelPrice[]>().notNull().default(sql`'[]'::jsonb`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type WorkspaceSettingsRow = typeof workspaceSettings.$inferSelect;
