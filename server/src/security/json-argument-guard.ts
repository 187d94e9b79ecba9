import { type GraphQLInputType, type GraphQLNamedInputType, isScalarType } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../graphql/arg-validators.js';
import { type ArgumentCheck, argumentGuard, LOOK_INSIDE, MAX_INPUT_NESTING, mayHold } from './argument-guard.js';

/**
 * Refuses an operation any of whose JSON-typed arguments (the `JSON` scalar, wherever it sits in an
 * argument: `registerMcpServer(input: { env, headers })`, `startConversation(input: { metadata })`, …)
 * nests objects and arrays more than `max` levels deep: VALIDATION_FAILED naming it, before anything
 * runs. A value that deep is stored and later walked (redaction, the database driver), and 5,000 levels
 * overflowed the driver's stack. Literals and variables alike; HTTP, SSE and WebSocket.
 */
export function useJsonDepthGuard(max = MAX_JSON_DEPTH): Plugin {
  return argumentGuard(tooDeepJson(max), `nested deeper than ${max} levels`);
}

const isJson = (type: GraphQLInputType) => isScalarType(type) && type.name === 'JSON';
const holdsJson = new WeakMap<GraphQLNamedInputType, boolean>();

/** Refuses a JSON value nested deeper than `max`, and input objects nested too deep to look through for one. */
export const tooDeepJson =
  (max: number): ArgumentCheck =>
  (value, type, path, nesting) => {
    if (isJson(type)) return jsonDepthExceeds(value, max) ? path : undefined;
    if (value === null || typeof value !== 'object' || !mayHold(type, isJson, holdsJson)) return undefined;
    return nesting > MAX_INPUT_NESTING ? path : LOOK_INSIDE;
  };
