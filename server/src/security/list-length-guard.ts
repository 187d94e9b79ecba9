import {
  type DocumentNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  type ValueNode,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { refuseOperations } from './refuse-operations.js';

/**
 * The most items any list in an argument may hold (`runs(status:)`, `eventFeed(types:, agentNames:)`,
 * `editPlan(add:)`, a card's `tools`): far more than any of Baton's lists means (a card's tools, a plan's tasks,
 * the statuses there are), and little enough that reading one costs nothing.
 */
export const MAX_LIST_ARGUMENT_ITEMS = 1_000;

/** Input objects within input objects deeper than this are not looked into (no input type of Baton's nests so deep). */
const MAX_INPUT_NESTING = 64;

/**
 * Refuses an operation with a list argument (a literal or a variable, at any depth of an input object) of more than
 * `max` items: VALIDATION_FAILED naming it, before anything runs. A variable of 90,000 statuses (within the body
 * limit) became a statement with 90,000 parameters: seconds of the server's thread building it, then an unexpected
 * error from the database (at most 65,535 parameters). Lists inside a `JSON` value are the JSON guard's business.
 */
export function useListLengthGuard(max = MAX_LIST_ARGUMENT_ITEMS): Plugin {
  const check = (args: { schema: GraphQLSchema; document: DocumentNode; variableValues?: unknown }) => {
    const field = longListArgument(
      args.schema,
      args.document,
      (args.variableValues ?? {}) as Record<string, unknown>,
      max,
    );
    if (!field) return undefined;
    const message = `at most ${max} items`;
    return new GraphQLError(`${field}: ${message}`, {
      extensions: { code: 'VALIDATION_FAILED', field, issues: [{ field, message }] },
    });
  };
  return refuseOperations(check);
}

/** The path (`status`, `input.tools`, `add[2].dependsOn`) of the first list argument longer than `max`. */
export function longListArgument(
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
  if (nesting > MAX_INPUT_NESTING || !mayHoldList(t)) return undefined;
  if (isListType(t)) {
    if (node.kind !== Kind.LIST) return inNode(node, t.ofType, path, variables, max, nesting + 1);
    if (node.values.length > max) return path;
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
  if (value === null || typeof value !== 'object' || nesting > MAX_INPUT_NESTING || !mayHoldList(t)) return undefined;
  if (isListType(t)) {
    if (!Array.isArray(value)) return inValue(value, t.ofType, path, max, nesting + 1);
    if (value.length > max) return path;
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

/** Whether a value of this input type can be or hold a list (memoised per named type). */
const holdsList = new WeakMap<object, boolean>();
function mayHoldList(type: GraphQLInputType): boolean {
  if (isListType(type)) return true;
  const named = getNamedType(type);
  let known = holdsList.get(named);
  if (known === undefined) {
    known = search(named, new Set());
    holdsList.set(named, known);
  }
  return known;
}

function search(named: ReturnType<typeof getNamedType>, seen: Set<object>): boolean {
  if (!isInputObjectType(named) || seen.has(named)) return false;
  seen.add(named);
  return Object.values(named.getFields()).some((f) => {
    let t: GraphQLInputType = f.type;
    if (isNonNullType(t)) t = t.ofType;
    return isListType(t) || search(getNamedType(t), seen);
  });
}
