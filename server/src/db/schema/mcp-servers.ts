import { sql } from 'drizzle-orm';
import { boolean, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { identityLevels } from '../../domain/identity.js';

export const mcpTransports = ['stdio', 'http'] as const;

/** External MCP servers registered through the API. The built-in `store` server is not stored here. */
export const mcpServers = pgTable('mcp_servers', {
  id: uuid('id').primaryKey().defaultRandom(),
  // unique: tools are qualified by server name (`name.tool`).
  name: text('name').notNull().unique(),
  transport: text('transport', { enum: mcpTransports }).notNull(),
  command: text('command'),
  args: jsonb('args').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  env: jsonb('env').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
  url: text('url'),
  headers: jsonb('headers').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
  enabled: boolean('enabled').notNull().default(true),
  /** The identity level its tools need (an admin's mark); external tools need `verified` unless marked lower. */
  identityLevel: text('identity_level', { enum: identityLevels }).notNull().default('verified'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
export type McpServerRow = typeof mcpServers.$inferSelect;
