import {
  canAccessConversation,
  describePrincipal,
  isAdmin,
  isReader,
  isSupport,
  type Principal,
} from '../auth/principal.js';
import type { Admission } from '../security/admission.js';
import type { Services } from '../services.js';

export interface AuthInfo {
  principal: Principal;
  isAdmin: boolean;
  isReader: boolean;
  /** Works the desk: admin or support. */
  isSupport: boolean;
  describe: string;
  canAccessConversation(conversationId: string): boolean;
}

export interface GraphQLContext {
  services: Services;
  auth: AuthInfo;
  /** Aborted when the request or subscription ends. */
  signal?: AbortSignal;
  /** HTTP requests: the request limit, counted before execution or by the resolver (see useAdmission). */
  admission?: Admission;
}

export function authInfo(principal: Principal): AuthInfo {
  return {
    principal,
    isAdmin: isAdmin(principal),
    isReader: isReader(principal),
    isSupport: isSupport(principal),
    describe: describePrincipal(principal),
    canAccessConversation: (id) => canAccessConversation(principal, id),
  };
}

/**
 * Resolves the caller from a bearer credential: an API key (`bk_…`) or a conversation token (`ct_…`).
 * A bad credential is an error, never a silent downgrade to anonymous.
 */
export async function resolvePrincipal(
  services: Services,
  authorization: string | null | undefined,
): Promise<Principal | { error: string }> {
  const credential = authorization?.replace(/^Bearer\s+/i, '').trim();
  if (!credential) return { kind: 'anonymous', devAdmin: services.config.authMode === 'off' };
  if (credential.startsWith('ct_')) {
    const conversationId = await services.conversations.verifyToken(credential);
    return conversationId ? { kind: 'conversation', conversationId } : { error: 'Invalid conversation token' };
  }
  const key = await services.apiKeys.verify(credential);
  return key ? { kind: 'key', role: key.role, keyId: key.keyId, name: key.name } : { error: 'Invalid API key' };
}
