import { z } from 'zod';
import { identityLevels } from '../domain/identity.js';

/** The store MCP server, and Baton's own identity tools (server/src/identity/identity-tools.ts). */
export const BUILTIN_SERVER_NAMES = ['store', 'identity'] as const;

const name = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'use 1-40 lower-case letters, digits, "-" or "_", starting with a letter')
  .refine(
    (n) => !(BUILTIN_SERVER_NAMES as readonly string[]).includes(n),
    'this name is reserved for a built-in server',
  );

/** The level an external server's tools need: `verified` unless an admin marks the server lower. */
const identityLevel = z.enum(identityLevels).default('verified');

/** An external MCP server to register: a stdio command, or a Streamable HTTP URL. */
export const mcpServerInputSchema = z.discriminatedUnion('transport', [
  z.object({
    name,
    transport: z.literal('stdio'),
    command: z.string().trim().min(1, 'the command to start the server is required'),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    enabled: z.boolean().default(true),
    identityLevel,
  }),
  z.object({
    name,
    transport: z.literal('http'),
    url: z
      .string()
      .trim()
      .url()
      .refine((u) => /^https?:$/.test(new URL(u).protocol), 'use an http(s) URL'),
    headers: z.record(z.string(), z.string()).default({}),
    enabled: z.boolean().default(true),
    identityLevel,
  }),
]);
export type McpServerInput = z.input<typeof mcpServerInputSchema>;
export type McpServerConfig = z.infer<typeof mcpServerInputSchema>;
