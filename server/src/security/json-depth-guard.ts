import {
  type DocumentNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLNamedInputType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  TypeInfo,
  type ValueNode,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../graphql/arg-validators.js';
import { refuseOperations } from './refuse-operations.js';

/** Input objects within input objects deeper than this are refused too (no input type of Baton's nests so deep). */
const MAX_INPUT_NESTING = 64;

/**
 * Refuses an operation any of whose JSON-typed arguments (the `JSON` scalar, wherever it sits in an
 * argument: `registerMcpServer(input: { env, headers })`, `startConversation(input: { metadata })`, …)
 * nests objects and arrays more than `max` levels deep: VALIDATION_FAILED naming it, before anything
 * runs. A value that deep is stored and later walked (redaction, the database driver), and 5,000 levels
 * overflowed the driver's stack. Literals and variables alike; HTTP, SSE and WebSocket.
 */
export function useJsonDepthGuard(max = MAX_JSON_DEPTH): Plugin {
  const check = (args: { schema: GraphQLSchema; document: DocumentNode; variableValues?: unknown }) => {
    const field = deepJsonArgument(
      args.schema,
      args.document,
      (args.variableValues ?? {}) as Record<string, unknown>,
      max,
    );
    if (!field) return undefined;
    const message = `nested deeper than ${max} levels`;
    return new GraphQLError(`${field}: ${message}`, {
      extensions: { code: 'VALIDATION_FAILED', field, issues: [{ field, message }] },
    });
  };
  return refuseOperations(check);
}

/** The path (`input.env`, `input.items[2].data`) of the first JSON-typed argument value nested deeper than `max`. */
export function deepJsonArgument(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  max: number,
): string | undefined {
  const typeInfo = new TypeInfo(schema);
  let found: string | undefined;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const type = typeInfo.getInputType();
        if (!found && type) found = inNode(node.value, type, node.name.value, variables, max, 0);
        return false;
      },
    }),
  );
  return found;
}

const isJson = (type: GraphQLInputType) => isScalarType(type) && type.name === 'JSON';

function inNode(
  node: ValueNode,
  type: GraphQLInputType,
  path: string,
  variables: Record<string, unknown>,
  max: number,
  nesting: number,
): string | undefined {
  if (node.kind === Kind.VARIABLE) return inValue(variables[node.name.value], type, path, max, nesting);
  const t = isNonNullType(type) ? type.ofType : type;
  if (isJson(t)) return jsonDepthExceeds(valueFromASTUntyped(node, variables), max) ? path : undefined;
  if (!mayHoldJson(t)) return undefined;
  if (nesting > MAX_INPUT_NESTING) return path;
  if (isListType(t)) {
    if (node.kind !== Kind.LIST) return inNode(node, t.ofType, path, variables, max, nesting + 1);
    for (const [i, item] of node.values.entries()) {
      const hit = inNode(item, t.ofType, `${path}[${i}]`, variables, max, nesting + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isInputObjectType(t) && node.kind === Kind.OBJECT) {
    const fields = t.getFields();
    for (const f of node.fields) {
      const def = fields[f.name.value];
      const hit = def && inNode(f.value, def.type, `${path}.${f.name.value}`, variables, max, nesting + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

function inValue(
  value: unknown,
  type: GraphQLInputType,
  path: string,
  max: number,
  nesting: number,
): string | undefined {
  const t = isNonNullType(type) ? type.ofType : type;
  if (isJson(t)) return jsonDepthExceeds(value, max) ? path : undefined;
  if (value === null || typeof value !== 'object' || !mayHoldJson(t)) return undefined;
  if (nesting > MAX_INPUT_NESTING) return path;
  if (isListType(t)) {
    if (!Array.isArray(value)) return inValue(value, t.ofType, path, max, nesting + 1);
    for (const [i, item] of value.entries()) {
      const hit = inValue(item, t.ofType, `${path}[${i}]`, max, nesting + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isInputObjectType(t) && !Array.isArray(value)) {
    for (const [name, def] of Object.entries(t.getFields())) {
      const hit = inValue((value as Record<string, unknown>)[name], def.type, `${path}.${name}`, max, nesting + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Whether a value of this input type can hold JSON anywhere (memoised per type). */
const holdsJson = new WeakMap<object, boolean>();
function mayHoldJson(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  let known = holdsJson.get(named);
  if (known === undefined) {
    known = search(named, new Set());
    holdsJson.set(named, known);
  }
  return known;
}

function search(named: GraphQLNamedInputType, seen: Set<GraphQLNamedInputType>): boolean {
  if (isJson(named)) return true;
  if (!isInputObjectType(named) || seen.has(named)) return false;
  seen.add(named);
  return Object.values(named.getFields()).some((f) => search(getNamedType(f.type), seen));
}
