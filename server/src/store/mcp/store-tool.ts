import type { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import type { ToolIdentityPolicy } from '../../domain/identity.js';
import type { StoreCallContext } from '../store-call-context.js';

/** One tool of the built-in store MCP server: its zod input, whether it writes, and what it does. */
export interface StoreTool<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  description: string;
  input: S;
  /** Reads never change the store; writes run once per idempotency key, in a transaction. */
  readOnly: boolean;
  /** Identity tools: their output's `user_id` identifies the shopper, or (strict) they record a claim. */
  identifies?: boolean;
  /** What the shopper's identity must be before the call (writes follow from `readOnly`). */
  identity: Omit<ToolIdentityPolicy, 'writes'>;
  run(db: DbOrTx, args: z.infer<z.ZodObject<S>>, ctx: StoreCallContext): Promise<unknown>;
}

/** The tool's full identity policy, as the tool executor enforces it and docs/security.md lists it. */
export const storeToolPolicy = (tool: StoreTool): ToolIdentityPolicy => ({ ...tool.identity, writes: !tool.readOnly });

/** Keeps the input type of `run` tied to the tool's zod shape. */
export const storeTool = <S extends z.ZodRawShape>(tool: StoreTool<S>): StoreTool => tool as unknown as StoreTool;
