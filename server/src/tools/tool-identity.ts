import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { type IdentityLevel, type ToolIdentityPolicy, toolIdentityPolicySchema } from '../domain/identity.js';
import { toolMetaKeys } from './tool-call-meta.js';

/**
 * A tool's identity policy. The built-in store declares its own (in the tool's `_meta`, trusted over
 * the in-process transport only). An external server's tools need the level an admin marked the
 * server with (`verified` unless marked lower), and are assumed to read personal data.
 */
export function toolIdentityPolicy(tool: Tool, external?: { identityLevel: IdentityLevel }): ToolIdentityPolicy {
  const writes = !(tool.annotations?.readOnlyHint ?? false);
  if (external) return { minimumLevel: external.identityLevel, readsPersonalData: true, writes };
  const declared = toolIdentityPolicySchema.safeParse(tool._meta?.[toolMetaKeys.identityPolicy]);
  return declared.success ? declared.data : { minimumLevel: 'verified', readsPersonalData: true, writes };
}
