import { GraphQLError } from 'graphql';
import { RateLimitedError } from '../errors.js';

/**
 * A refusal before any resolver ran (the whole request is over its limit): HTTP 429 with Retry-After,
 * and the same RATE_LIMITED code and `retryAfter` seconds a resolver's RateLimitedError carries.
 */
export function rateLimitedGraphQLError(err: RateLimitedError): GraphQLError {
  const retryAfter = Number(err.details.retryAfter);
  return new GraphQLError(err.message, {
    extensions: {
      code: err.code,
      retryAfter,
      http: { status: 429, headers: { 'retry-after': String(retryAfter) } },
    },
  });
}

/** Runs a check; a RateLimitedError becomes the request-level GraphQL error above, anything else passes through. */
export async function asRequestError(check: Promise<void>): Promise<void> {
  try {
    await check;
  } catch (err) {
    throw err instanceof RateLimitedError ? rateLimitedGraphQLError(err) : err;
  }
}
