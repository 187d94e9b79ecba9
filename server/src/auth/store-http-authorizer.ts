import type { IncomingMessage } from 'node:http';
import { RateLimitedError } from '../errors.js';
import { type PrincipalDeps, resolvePrincipal } from '../graphql/context.js';
import type { StoreHttpCaller } from '../store/mcp/store-mcp-http-handler.js';
import { relayed } from './this-machine.js';

/**
 * Authenticates a `/mcp/store` request like a GraphQL one (same credentials, same request limit) and
 * names the principal: idempotency keys and the conversation a write is filed under follow from it.
 */
export async function authorizeStoreHttp(
  services: PrincipalDeps,
  req: IncomingMessage,
  /** The client's address (clientAddressOf: the peer's, or the one a trusted proxy forwarded). */
  address: string,
): Promise<StoreHttpCaller> {
  const principal = await resolvePrincipal(services, req.headers.authorization, address, {
    origin: req.headers.origin,
    host: req.headers.host,
    relayed: relayed((name) => name in req.headers),
  });
  if ('error' in principal) return { error: principal.error, status: principal.status ?? 401 };
  if (principal.kind === 'anonymous')
    return principal.devAdmin
      ? { role: 'admin', principalId: 'dev-admin' }
      : { error: 'An API key is required', status: 401 };
  const limited = await services.rateLimits.checkRequest(principal).catch((err: unknown) => {
    if (err instanceof RateLimitedError) return { error: err.message, status: 429 };
    throw err;
  });
  if (limited) return limited;
  return principal.kind === 'key'
    ? { role: principal.role, principalId: `key:${principal.keyId}` }
    : {
        role: 'conversation',
        principalId: `conversation:${principal.conversationId}`,
        conversationId: principal.conversationId,
      };
}
