import { GraphQLError } from 'graphql';
import { RateLimitedError } from '../errors.js';

/**
 * A refusal before any resolver ran (the whole request is over its limit), with the same RATE_LIMITED
 * code and `retryAfter` seconds a resolver's RateLimitedError carries. Over HTTP it is a 429 with
 * Retry-After (yoga reads, then strips, the `http` extension); a WebSocket has no status to set.
 */
export function rateLimitedGraphQLError(err: RateLimitedError, transport: 'http' | 'ws' = 'http'): GraphQLError {
  const retryAfter = Number(err.details.retryAfter);
  return new GraphQLError(err.message, {
    extensions: {
      code: err.code,
      retryAfter,
      ...(transport === 'http' ? { http: { status: 429, headers: { 'retry-after': String(retryAfter) } } } : {}),
    },
  });
}

/** Runs a check; a RateLimitedError becomes the request-level GraphQL error above, anything else passes through. */
export async function asRequestError(check: Promise<void>, transport: 'http' | 'ws' = 'http'): Promise<void> {
  try {
    await check;
  } catch (err) {
    throw err instanceof RateLimitedError ? rateLimitedGraphQLError(err, transport) : err;
  }
}
