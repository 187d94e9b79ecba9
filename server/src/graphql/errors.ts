import { GraphQLError } from 'graphql';
import { isBatonError } from '../errors.js';

/**
 * Baton's typed errors reach clients with `extensions.code` (and `field` for validation);
 * everything else is masked, so internals never leak.
 */
export function maskError(
  error: unknown,
  message: string,
  isDev: boolean,
  /** Hears about errors that were masked (the app logs them). */
  logUnexpected: (err: unknown) => void,
): Error {
  // Errors arrive wrapped (located by graphql-js, then again by yoga): find the one that was thrown.
  let original: unknown = error;
  while (original instanceof GraphQLError && original.originalError) original = original.originalError;
  if (isBatonError(original)) {
    return new GraphQLError(original.message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: original.code, ...original.details },
    });
  }
  // Errors GraphQL itself raised (bad query, variable coercion) are the caller's to see.
  if (error instanceof GraphQLError && !error.originalError) return error;
  if (original instanceof GraphQLError) return original;
  logUnexpected(original);
  return new GraphQLError(isDev && original instanceof Error ? `${message}: ${original.message}` : message, {
    nodes: error instanceof GraphQLError ? error.nodes : undefined,
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
