import { GraphQLError } from 'graphql';
import {
  canAccessConversation,
  describePrincipal,
  isAdmin,
  isReader,
  isSupport,
  type Principal,
  readsFullData,
} from '../auth/principal.js';
import { fromThisMachine } from '../auth/this-machine.js';
import type { Services } from '../services.js';

export interface AuthInfo {
  principal: Principal;
  isAdmin: boolean;
  isReader: boolean;
  /** Works the desk: admin or support. */
  isSupport: boolean;
  describe: string;
  /** False for integrator keys without the full-data grant: events and messages are redacted. */
  fullData: boolean;
  canAccessConversation(conversationId: string): boolean;
}

/** What resolving a caller uses: the auth mode, the two credential kinds and the address limit. */
export type PrincipalDeps = Pick<Services, 'config' | 'conversations' | 'apiKeys' | 'rateLimits'>;

export interface GraphQLContext {
  services: Services;
  auth: AuthInfo;
  /** Aborted when the request or subscription ends. */
  signal?: AbortSignal;
  /** Aborts `signal` (a WebSocket operation's, which has no request to end it). */
  abort?: () => void;
}

/**
 * A subscription's stream whose `return()` (the client completed the operation, or its socket closed) aborts the
 * operation's signal first. The streams are async generators: a `return()` waits behind the `next()` they are
 * suspended in, which resolves only with their next event, so without the signal a quiet stream kept its bus
 * listener (and buffer) until something else happened in the conversation or the feed.
 */
export function abortOnReturn(result: unknown, abort: (() => void) | undefined): unknown {
  if (!abort || !isAsyncIterator(result)) return result;
  const stream: AsyncIterableIterator<unknown> = {
    next: () => result.next(),
    return: async (value?: unknown) => {
      abort();
      return result.return ? result.return(value) : { value, done: true };
    },
    throw: async (err?: unknown) => {
      abort();
      if (result.throw) return result.throw(err);
      throw err;
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

const isAsyncIterator = (value: unknown): value is AsyncIterableIterator<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  Symbol.asyncIterator in value &&
  typeof (value as { next?: unknown }).next === 'function';

export function authInfo(principal: Principal): AuthInfo {
  return {
    principal,
    isAdmin: isAdmin(principal),
    isReader: isReader(principal),
    isSupport: isSupport(principal),
    describe: describePrincipal(principal),
    fullData: readsFullData(principal),
    canAccessConversation: (id) => canAccessConversation(principal, id),
  };
}

/** Why a request's credentials were turned away: 401, or 429 when its address sent too many such requests. */
export interface PrincipalRefusal {
  error: string;
  status: 401 | 429;
  retryAfter?: number;
}

/**
 * Resolves the caller from a bearer credential: an API key (`bk_…`) or a conversation token (`ct_…`).
 * A bad credential is an error, never a silent downgrade to anonymous. Requests with no or invalid
 * credentials count against their client `address` (when known), so nobody can hammer the key
 * lookup or the public surface without limit.
 */
export async function resolvePrincipal(
  services: PrincipalDeps,
  /** The Authorization header, or a WebSocket's `connectionParams.authorization`: the client's JSON, of any type. */
  authorization: unknown,
  address?: string,
  /** The request's Host and Origin, and whether a proxy relayed it: with AUTH_MODE=off only this machine's pages are the admin. */
  from?: { origin?: string | null; host?: string | null; relayed?: boolean },
): Promise<Principal | PrincipalRefusal> {
  // A number or an object in connectionParams threw here, and graphql-ws closed the socket with the TypeError's text.
  if (authorization !== null && authorization !== undefined && typeof authorization !== 'string')
    return (
      (await limitAddress(services, address)) ?? {
        error: 'The authorization must be a string: "Bearer <API key or conversation token>"',
        status: 401,
      }
    );
  const credential = typeof authorization === 'string' ? authorization.replace(/^Bearer\s+/i, '').trim() : undefined;
  if (!credential) {
    if (services.config.authMode === 'off' && (!from || fromThisMachine(from, address)))
      return { kind: 'anonymous', devAdmin: true };
    return (await limitAddress(services, address)) ?? { kind: 'anonymous', devAdmin: false };
  }
  let resolved: Principal | undefined;
  if (credential.startsWith('ct_')) {
    const conversationId = await services.conversations.verifyToken(credential);
    if (conversationId) resolved = { kind: 'conversation', conversationId };
  } else {
    const key = await services.apiKeys.verify(credential);
    if (key)
      resolved = {
        kind: 'key',
        role: key.role,
        keyId: key.keyId,
        name: key.name,
        fullEventData: key.fullEventData,
        ...(key.runsAtOnce ? { runsAtOnce: key.runsAtOnce } : {}),
      };
  }
  if (resolved) return resolved;
  return (
    (await limitAddress(services, address)) ?? {
      error: credential.startsWith('ct_') ? 'Invalid conversation token' : 'Invalid API key',
      status: 401,
    }
  );
}

async function limitAddress(
  services: PrincipalDeps,
  address: string | undefined,
): Promise<PrincipalRefusal | undefined> {
  if (!address) return undefined;
  const decision = await services.rateLimits.checkAddress(address);
  return decision ? { error: decision.message, status: 429, retryAfter: decision.retryAfter } : undefined;
}

/** The GraphQL error for a refused credential: UNAUTHENTICATED (401) or RATE_LIMITED (429, HTTP only). */
export function principalRefusalError(refusal: PrincipalRefusal, transport: 'http' | 'ws' = 'http'): GraphQLError {
  if (refusal.status === 429)
    return new GraphQLError(refusal.error, {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfter: refusal.retryAfter,
        ...(transport === 'http'
          ? { http: { status: 429, headers: { 'retry-after': String(refusal.retryAfter ?? 1) } } }
          : {}),
      },
    });
  return new GraphQLError(refusal.error, {
    extensions: { code: 'UNAUTHENTICATED', ...(transport === 'http' ? { http: { status: 401 } } : {}) },
  });
}
