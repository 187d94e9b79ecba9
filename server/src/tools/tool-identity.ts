import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { type IdentityLevel, type ToolIdentityPolicy, toolIdentityPolicySchema } from '../domain/identity.js';
import { toolMetaKeys } from './tool-call-meta.js';

/**
 * A tool's identity policy. The built-in store declares its own (in the tool's `_meta`, trusted over
 * the in-process transport only). An external server's tools need the level an admin marked the
 * server with (`verified` unless marked lower), are assumed to read personal data, and wait for the
 * shopper's yes when they write unless they are annotated as not destructive.
 */
export function toolIdentityPolicy(tool: Tool, external?: { identityLevel: IdentityLevel }): ToolIdentityPolicy {
  const writes = !(tool.annotations?.readOnlyHint ?? false);
  // MCP's destructiveHint defaults to true for a tool that writes: only a server that says its writes
  // destroy nothing (a lead, a subscription) is called without the shopper's yes.
  const needsConsent = writes && (tool.annotations?.destructiveHint ?? true);
  if (external) return { minimumLevel: external.identityLevel, readsPersonalData: true, writes, needsConsent };
  const declared = toolIdentityPolicySchema.safeParse(tool._meta?.[toolMetaKeys.identityPolicy]);
  return declared.success ? declared.data : { minimumLevel: 'verified', readsPersonalData: true, writes, needsConsent };
}
