import { type ArgumentNode, type DocumentNode, GraphQLError, Kind, type ValueNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { declaredVariables, refuseOperations } from './refuse-operations.js';

/**
 * Refuses operations whose text inputs hold a lone UTF-16 surrogate (half of a pair, which no valid
 * Unicode text contains): PostgreSQL refuses such text in jsonb, so without this guard it fails deep
 * in a write as an internal error. The caller gets VALIDATION_FAILED naming the argument, e.g.
 * `text` or `input.metadata.note`; nothing runs. Covers HTTP, SSE and WebSocket.
 */
export function useLoneSurrogateGuard(): Plugin {
  // Whether a document's own literals are well formed, per parsed document (yoga reuses one per text).
  const literalsWellFormed = new WeakMap<DocumentNode, boolean>();
  const check = (args: { document: DocumentNode; variableValues?: unknown }) => {
    const variables = declaredVariables(args);
    let clean = literalsWellFormed.get(args.document);
    if (clean === undefined) {
      clean = illFormedArgument(args.document, {}) === undefined;
      literalsWellFormed.set(args.document, clean);
    }
    // The usual case, nothing ill formed anywhere, needs no walk of the document: that walk only names the argument.
    if (clean && !holdsIllFormedText(variables, 0)) return undefined;
    const field = illFormedArgument(args.document, variables);
    return field
      ? new GraphQLError(`${field}: text must be valid Unicode (it holds a lone UTF-16 surrogate)`, {
          extensions: { code: 'VALIDATION_FAILED', field, issues: [{ field, message: 'lone UTF-16 surrogate' }] },
        })
      : undefined;
  };
  return refuseOperations(check);
}

/** `String.prototype.isWellFormed`, which Node 20 has but TypeScript's lib may not declare. */
const wellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** The path of the first argument (literal or through a variable) holding ill-formed text. */
export function illFormedArgument(document: DocumentNode, variables: Record<string, unknown>): string | undefined {
  let found: string | undefined;
  const visitArgs = (args: readonly ArgumentNode[] | undefined) => {
    for (const arg of args ?? []) {
      found ??= inNode(arg.value, arg.name.value, variables);
    }
  };
  visit(document, {
    Field(node) {
      visitArgs(node.arguments);
    },
    Directive(node) {
      visitArgs(node.arguments);
    },
  });
  // Variables that no argument uses are still stored nowhere, but a bad one is refused all the same.
  found ??= inValue(variables, '', 0);
  return found;
}

function inNode(node: ValueNode, path: string, variables: Record<string, unknown>): string | undefined {
  switch (node.kind) {
    case Kind.STRING:
      return wellFormed(node.value) ? undefined : path;
    case Kind.VARIABLE:
      return inValue(variables[node.name.value], path, 0);
    case Kind.LIST:
      for (const [i, v] of node.values.entries()) {
        const found = inNode(v, `${path}[${i}]`, variables);
        if (found) return found;
      }
      return undefined;
    case Kind.OBJECT:
      for (const f of node.fields) {
        const found = inNode(f.value, `${path}.${f.name.value}`, variables);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

function inValue(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return wellFormed(value) ? undefined : path || 'variables';
  if (depth > 64 || value === null || typeof value !== 'object') return undefined;
  const join = (k: string | number) => (typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = inValue(v, join(i), depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!wellFormed(k)) return join(k.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
    const found = inValue(v, join(k), depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Whether any string (or key) in a variables value is ill formed: the check without naming where. */
function holdsIllFormedText(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return !wellFormed(value);
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => holdsIllFormedText(v, depth + 1));
  for (const k in value) {
    if (!wellFormed(k) || holdsIllFormedText((value as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}
