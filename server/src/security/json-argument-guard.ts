import { type GraphQLInputType, type GraphQLNamedInputType, isScalarType } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_JSON_DEPTH } from '../graphql/arg-validators.js';
import { type ArgumentCheck, argumentGuard, LOOK_INSIDE, MAX_INPUT_NESTING, mayHold } from './argument-guard.js';

/** What a JSON argument may hold: levels of objects and arrays, keys and array items at all levels, UTF-8 bytes as JSON. */
export interface JsonLimits {
  depth: number;
  keys: number;
  bytes: number;
}

/**
 * Every JSON argument of Baton's is a small map a person or a storefront writes: a conversation's metadata (stored,
 * and read with the conversation on every turn), an MCP server's env and headers (sent with each of its calls).
 */
export const JSON_ARGUMENT_LIMITS: JsonLimits = { depth: MAX_JSON_DEPTH, keys: 1_000, bytes: 16_384 };

/**
 * Refuses an operation any of whose JSON-typed arguments (the `JSON` scalar, wherever it sits in an argument:
 * `registerMcpServer(input: { env, headers })`, `startConversation(input: { metadata })`, …) goes beyond `limits`:
 * VALIDATION_FAILED naming it and the limit, before anything runs. 5,000 levels overflowed the database driver's
 * stack; 40,000 keys of metadata held the server's thread for about a second per call, in the checks that walk every
 * argument and in the insert. Literals and variables alike; HTTP, SSE and WebSocket.
 */
export function useJsonArgumentGuard(limits = JSON_ARGUMENT_LIMITS): Plugin {
  return argumentGuard(tooLargeJson(limits), `nested deeper than ${limits.depth} levels`);
}

const isJson = (type: GraphQLInputType) => isScalarType(type) && type.name === 'JSON';
const holdsJson = new WeakMap<GraphQLNamedInputType, boolean>();

/** Refuses a JSON value beyond `limits`, and input objects nested too deep to look through for one. */
export const tooLargeJson =
  (limits: JsonLimits): ArgumentCheck =>
  (value, type, path, nesting) => {
    if (isJson(type)) {
      const message = jsonBeyond(value, limits);
      return message === undefined ? undefined : { path, message };
    }
    if (value === null || typeof value !== 'object' || !mayHold(type, isJson, holdsJson)) return undefined;
    return nesting > MAX_INPUT_NESTING ? path : LOOK_INSIDE;
  };

/**
 * Which of `limits` a JSON value breaks, as a message, or undefined. Keys and depth are counted first, without
 * recursion, stopping at the first one too many; only a value within them is serialized to count its bytes.
 */
export function jsonBeyond(value: unknown, limits: JsonLimits): string | undefined {
  let keys = 0;
  const stack: [object, number][] = value !== null && typeof value === 'object' ? [[value, 1]] : [];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, depth] = next;
    if (depth > limits.depth) return `nested deeper than ${limits.depth} levels`;
    const tooMany = `more than ${limits.keys} keys and array items`;
    if (Array.isArray(v)) {
      keys += v.length;
      if (keys > limits.keys) return tooMany;
      for (const child of v) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
      continue;
    }
    // for-in, not Object.values: it stops at the key one too many instead of copying all 40,000 first.
    for (const key in v) {
      if (++keys > limits.keys) return tooMany;
      const child = (v as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return Buffer.byteLength(JSON.stringify(value) ?? '') > limits.bytes
    ? `longer than ${limits.bytes} bytes as JSON`
    : undefined;
}
