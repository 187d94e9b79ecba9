import { z } from 'zod';
import { identityClaimSchema, identityLevels, identityPolicies } from '../domain/identity.js';
import type { CustomerScope, ToolCallContext } from './tool-registry.js';

/**
 * Keys of the MCP `_meta` that Baton adds to tool calls and results. The built-in store server
 * trusts the request keys only over the in-process transport; external servers only get the
 * idempotency key and the conversation id, never the customer.
 */
export const toolMetaKeys = {
  customer: 'baton/customer',
  idempotencyKey: 'baton/idempotencyKey',
  conversationId: 'baton/conversationId',
  agentName: 'baton/agentName',
  /** Result: the refusal or failure code (FORBIDDEN, NOT_FOUND, ...). */
  errorCode: 'baton/errorCode',
  /** Result (built-in store only): why the store refused, from a closed set (server/src/store/store-refusals.ts). */
  errorReason: 'baton/errorReason',
  /** Result: set by identity tools when they identify the shopper (`identityPolicy: email`, or admin callers). */
  identifiedCustomerId: 'baton/identifiedCustomerId',
  /** Result: set by identity tools under `identityPolicy: strict`: what the shopper claimed. */
  identityClaim: 'baton/identityClaim',
  /** Tool definition: the store tool's identity policy (minimum level, personal data, writes). */
  identityPolicy: 'baton/identityPolicy',
  /** Result: true when an idempotent write returned its first result again. */
  replayed: 'baton/replayed',
  /** Request (built-in store only): rehearse the write in a transaction that is rolled back, and answer what it would. */
  preview: 'baton/preview',
  /** Result of a rehearsal (built-in store only): what the change would do, in the shopper's words (ChangeSummary). */
  change: 'baton/change',
} as const;

export const customerScopeSchema = z.object({
  customerId: z.string().min(1).optional(),
  verified: z.boolean().default(false),
  admin: z.boolean().optional(),
  level: z.enum(identityLevels).optional(),
  claim: identityClaimSchema.optional(),
  policy: z.enum(identityPolicies).optional(),
});

/** `_meta` for a call to the built-in store server. */
export function storeCallMeta(context: ToolCallContext): Record<string, unknown> {
  return {
    [toolMetaKeys.customer]: context.customer satisfies CustomerScope,
    [toolMetaKeys.idempotencyKey]: context.idempotencyKey,
    [toolMetaKeys.conversationId]: context.conversationId,
    [toolMetaKeys.agentName]: context.agentName,
    ...(context.preview ? { [toolMetaKeys.preview]: true } : {}),
  };
}

/** `_meta` for a call to an external server: no customer identity leaves Baton. */
export function externalCallMeta(context: ToolCallContext): Record<string, unknown> {
  return {
    [toolMetaKeys.idempotencyKey]: context.idempotencyKey,
    [toolMetaKeys.conversationId]: context.conversationId,
  };
}
