import { z } from 'zod';

/** Agent names double as tool names (`handoff_to_<name>`), so they stay identifier-like. */
export const agentNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(64, 'name is at most 64 characters')
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'name starts with a letter and uses only letters, digits and _');

/** Qualified MCP tool name: `server.tool`. */
export const toolNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*\.[A-Za-z0-9_-]+$/, 'tools are named server.tool, e.g. store.get_order_details');

export const modelSettingsSchema = z.object({
  provider: z.enum(['offline', 'openai']).optional(),
  model: z.string().min(1).max(120).optional(),
  temperature: z.number().min(0).max(2).optional(),
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
});
export type ModelSettings = z.infer<typeof modelSettingsSchema>;

/** Builds the card schema; the instruction limit comes from config. */
export function agentCardInputSchema(limits: { maxInstructionLength: number }) {
  return z.object({
    name: agentNameSchema,
    description: z.string().trim().min(1, 'description is required').max(2_000),
    skills: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
    instructions: z
      .string()
      .max(limits.maxInstructionLength, `instructions are at most ${limits.maxInstructionLength} characters`)
      .default(''),
    tools: z.array(toolNameSchema).max(100).default([]),
    handoffs: z.array(agentNameSchema).max(50).default([]),
    enabled: z.boolean().default(true),
    model: modelSettingsSchema.default({}),
    maxSteps: z.number().int().min(1).max(50).default(6),
  });
}
export type AgentCardInput = z.output<ReturnType<typeof agentCardInputSchema>>;

/** An agent card as the rest of the system sees it. */
export interface AgentCard extends AgentCardInput {
  id: string;
  builtin: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
