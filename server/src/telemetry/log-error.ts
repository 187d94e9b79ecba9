import { GraphQLError } from 'graphql';
import { isBatonError } from '../errors.js';

/** Codes of errors that are the caller's doing: logged without a stack, and not as errors. */
const CLIENT_CODES = new Set([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'RATE_LIMITED',
  'RUN_CANCELLED',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
]);

/** The code of an expected client error (a refusal, bad input), or undefined for anything else. */
export function clientErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  while (e instanceof GraphQLError && e.originalError) {
    const code = e.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) return code;
    e = e.originalError;
  }
  if (isBatonError(e)) return CLIENT_CODES.has(e.code) ? e.code : undefined;
  if (e instanceof GraphQLError) {
    const code = e.extensions?.code;
    // GraphQL's own errors (parse, validation, coercion) come without an original and are the caller's.
    if (typeof code === 'string') return CLIENT_CODES.has(code) ? code : undefined;
    return 'BAD_USER_INPUT';
  }
  return undefined;
}

/** A PostgreSQL error (postgres.js or PGlite): a five-character SQLSTATE with the server's fields. */
const isDatabaseError = (e: unknown): e is Error & Record<string, unknown> =>
  e instanceof Error &&
  typeof (e as { code?: unknown }).code === 'string' &&
  /^[0-9A-Z]{5}$/.test((e as unknown as { code: string }).code) &&
  ('severity' in e || 'routine' in e);

/** drizzle's wrapper, whose message repeats the statement's parameters. */
const isQueryWrapper = (e: unknown): e is Error & { query?: unknown; cause?: unknown } =>
  e instanceof Error && 'params' in e && 'query' in e;

const frames = (stack: string | undefined) =>
  stack
    ?.split('\n')
    .filter((l) => /^\s+at /.test(l))
    .join('\n');

/** Names of schema objects a database error may carry: identifiers, never values. */
const DB_IDS = ['table', 'column', 'constraint', 'schema', 'routine', 'dataType'] as const;

/**
 * Serialises an error for the logs: its type, code and ids. SQL parameters and the values a database
 * error quotes (the shopper's text, token hashes, metadata) never appear; a database error is its
 * SQLSTATE, the statement's text and the names of the objects involved. Expected client errors have
 * no stack. Causes are serialised the same way.
 */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) };
  if (depth > 5) return { type: err.name };
  if (isQueryWrapper(err)) {
    const cause = err.cause;
    return {
      type: err.name,
      message: 'A database statement failed',
      ...(typeof err.query === 'string' ? { query: err.query } : {}),
      ...(isDatabaseError(cause) ? { code: cause.code } : {}),
      stack: frames(err.stack),
      ...(cause ? { cause: serializeError(cause, depth + 1) } : {}),
    };
  }
  if (isDatabaseError(err)) {
    const ids = Object.fromEntries(DB_IDS.filter((k) => typeof err[k] === 'string').map((k) => [k, err[k]]));
    return {
      type: err.name,
      message: `Database error ${err.code}`,
      code: err.code,
      ...ids,
      ...(typeof err.query === 'string' ? { query: err.query } : {}),
      stack: frames(err.stack),
    };
  }
  // graphql-js locates an error at its field by wrapping it: the wrapper repeats the original's message and
  // stack (a statement's parameters among them), so it is the field's path and the original, serialised.
  if (err instanceof GraphQLError && err.originalError && err.originalError !== err) {
    const cause = serializeError(err.originalError, depth + 1);
    const code = clientErrorCode(err) ?? cause.code;
    return {
      type: err.name,
      message: cause.message,
      ...(err.path ? { path: err.path.join('.') } : {}),
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      cause,
    };
  }
  const clientCode = clientErrorCode(err);
  const code = clientCode ?? (err as { code?: unknown }).code;
  const out: Record<string, unknown> = {
    type: err.name,
    message: err.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
  };
  if (!clientCode) out.stack = err.stack;
  const cause = err instanceof GraphQLError ? err.originalError : err.cause;
  if (cause && cause !== err) out.cause = serializeError(cause, depth + 1);
  return out;
}
