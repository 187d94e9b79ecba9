import { type DocumentNode, GraphQLError, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { declaredVariables } from './refuse-operations.js';

/**
 * Refuses operations whose string inputs (variables or literals) contain U+0000. PostgreSQL cannot
 * store it in text or jsonb, so without this guard such input fails deep in a write as an internal
 * error; with it, the caller gets BAD_USER_INPUT and nothing runs. Covers HTTP, SSE and WebSocket.
 */
export function useNulCharacterGuard(): Plugin {
  // yoga parses each distinct operation text once and hands the same document to every request that
  // sends it, so a document is walked once, not on every request.
  const checked = new WeakMap<DocumentNode, boolean>();
  const documentHasNul = (document: DocumentNode) => {
    const known = checked.get(document);
    if (known !== undefined) return known;
    const found = documentContainsNul(document);
    checked.set(document, found);
    return found;
  };
  const refuse = (args: { document: DocumentNode; variableValues?: unknown }) =>
    containsNul(declaredVariables(args)) || documentHasNul(args.document);
  const error = () =>
    new GraphQLError('Text may not contain the NUL character (U+0000)', { extensions: { code: 'BAD_USER_INPUT' } });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (refuse(args)) setResultAndStopExecution({ errors: [error()] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (refuse(args)) setResultAndStopExecution({ errors: [error()] });
    },
  };
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1));
}

function documentContainsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  return found;
}
