import { GraphQLError } from 'graphql';
import { isBatonError } from '../errors.js';
import { serializeError } from '../telemetry/log-error.js';

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
    return new GraphQLError(clipped(original.message), {
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
  return new GraphQLError(isDev ? `${message}: ${developerHint(original)}` : message, {
    nodes: error instanceof GraphQLError ? error.nodes : undefined,
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/**
 * Typed errors often name what was asked for ("No run <id>"): an id of 50,000 characters would come back whole in
 * every answer, so a message is cut at MESSAGE_MAX characters.
 */
const MESSAGE_MAX = 1_000;
const clipped = (message: string): string =>
  message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}… (cut at ${MESSAGE_MAX} characters)` : message;

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

/** Identifiers a database error names: schema objects, never values. */
const DB_IDS = ['table', 'column', 'constraint'] as const;

/**
 * What a developer sees of an unexpected error outside production: its type, its code (a database
 * error's SQLSTATE), the statement's text with its placeholders, the objects a database error names,
 * and where it was thrown. Never the error's own message: drizzle's repeats the statement's
 * parameters, PostgreSQL's quotes the values it refused, and any other error may carry whatever its
 * thrower put there (a shopper's text, a row). The log has the rest, redacted.
 */
function developerHint(err: unknown): string {
  const s = serializeError(err);
  const db = (s.cause as Record<string, unknown> | undefined) ?? s;
  const code = s.code ?? db.code;
  const ids = DB_IDS.filter((k) => typeof db[k] === 'string').map((k) => `${k} ${db[k]}`);
  const query = typeof s.query === 'string' ? s.query : typeof db.query === 'string' ? db.query : undefined;
  const at = thrownAt(err);
  const parts = [
    `${String(s.type)}${typeof code === 'string' || typeof code === 'number' ? ` ${code}` : ''}`,
    ...ids,
    ...(query ? [`in \`${query.length > 300 ? `${query.slice(0, 300)}…` : query}\``] : []),
    ...(at ? [`at ${at}`] : []),
  ];
  return `${parts.join(', ')} (the full error is in the server log)`;
}

/** The first frame of the error's stack in Baton's own code (not a dependency's, not Node's), relative to cwd. */
function thrownAt(err: unknown): string | undefined {
  if (!(err instanceof Error) || !err.stack) return undefined;
  // The stack opens with the message, which may span lines of its own (and look like frames).
  const header = `${err.name}: ${err.message}`;
  const frames = err.stack.startsWith(header) ? err.stack.slice(header.length) : '';
  for (const line of frames.split('\n')) {
    if (line.length > 1_000) continue;
    const m = /^\s+at (?:[^(]*\()?((?:file:\/\/)?\/[^()\s]+):\d+\)?$/.exec(line);
    if (m && !m[1]!.includes('node_modules')) return m[1]!.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
  }
  return undefined;
}
