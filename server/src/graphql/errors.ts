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
  // Errors GraphQL itself raised (bad query, variable coercion) are the caller's to see; the ones that
  // come without a code (variable coercion) get BAD_USER_INPUT, so every error a client sees has one.
  if (error instanceof GraphQLError && !error.originalError) return withInputCode(error);
  if (original instanceof GraphQLError) return withInputCode(original);
  logUnexpected(original);
  return new GraphQLError(isDev && original instanceof Error ? `${message}: ${original.message}` : message, {
    nodes: error instanceof GraphQLError ? error.nodes : undefined,
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

const withInputCode = (error: GraphQLError): GraphQLError =>
  error.extensions.code
    ? error
    : new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
      });
