/** Why a client call failed: the server's `extensions.code` (e.g. `UNAUTHENTICATED`, `RATE_LIMITED`) or a local one. */
export type BatonErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'RATE_LIMITED'
  | 'NETWORK_ERROR'
  | 'CLOSED'
  | (string & {});

/** An error from Baton or from reaching it. `field` names the input at fault for validation errors. */
export class BatonClientError extends Error {
  override readonly name = 'BatonClientError';
  constructor(
    message: string,
    readonly code: BatonErrorCode,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Errors no retry can fix: the conversation is gone or the credential is refused. */
export const isPermanent = (err: unknown): boolean =>
  err instanceof BatonClientError &&
  ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED'].includes(err.code);

interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: string; field?: string };
}

/** The first GraphQL error of a response as a BatonClientError. */
export function fromGraphQLErrors(errors: readonly GraphQLErrorLike[]): BatonClientError {
  const first = errors[0];
  return new BatonClientError(
    first?.message ?? 'Unknown GraphQL error',
    first?.extensions?.code ?? 'GRAPHQL_ERROR',
    first?.extensions?.field,
  );
}
