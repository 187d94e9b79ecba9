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
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { refuseOperations } from './refuse-operations.js';

/** Input objects within input objects deeper than this: no input type of Baton's nests so deep. */
export const MAX_INPUT_NESTING = 64;

/** A look inside the value: what `ArgumentCheck` answers to go on into a list's items or an input object's fields. */
export const LOOK_INSIDE = Symbol('look inside');

/** A place a guard refuses with a message of its own (which of its limits the value broke). */
export interface Refusal {
  path: string;
  message: string;
}

/**
 * One guard's test of an argument's value at one place: `type` is that place's input type (never non-null), `path`
 * names it (`status`, `add[2].dependsOn`), `nesting` counts the lists and input objects around it. The path (or a
 * Refusal) when the value is refused, LOOK_INSIDE to go on into it, undefined when nothing inside it concerns the guard.
 */
export type ArgumentCheck = (
  value: unknown,
  type: GraphQLInputType,
  path: string,
  nesting: number,
) => string | Refusal | typeof LOOK_INSIDE | undefined;

/**
 * A plugin that refuses an operation, before anything of it runs, whose arguments (literals and variables alike, at
 * any depth of an input) `check` refuses somewhere: VALIDATION_FAILED naming the place, with `message` unless the
 * check gave its own.
 */
export function argumentGuard(check: ArgumentCheck, message: string): Plugin {
  return refuseOperations((args) => {
    const refused = refusedArgument(
      args.schema,
      args.document,
      (args.variableValues ?? {}) as Record<string, unknown>,
      check,
    );
    if (refused === undefined) return undefined;
    const { path: field, message: why } = typeof refused === 'string' ? { path: refused, message } : refused;
    return new GraphQLError(`${field}: ${why}`, {
      extensions: { code: 'VALIDATION_FAILED', field, issues: [{ field, message: why }] },
    });
  });
}

/** The first place in the document's arguments that `check` refuses. */
export function refusedArgument(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  check: ArgumentCheck,
): string | Refusal | undefined {
  const typeInfo = new TypeInfo(schema);
  let found: string | Refusal | undefined;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const type = typeInfo.getInputType();
        // A literal reads as the value a variable would carry (variables inside it resolved), so one walk does both.
        if (!found && type) found = walk(valueFromASTUntyped(node.value, variables), type, node.name.value, check, 0);
        return false;
      },
    }),
  );
  return found;
}

function walk(
  value: unknown,
  type: GraphQLInputType,
  path: string,
  check: ArgumentCheck,
  nesting: number,
): string | Refusal | undefined {
  const t = isNonNullType(type) ? type.ofType : type;
  const verdict = check(value, t, path, nesting);
  if (verdict !== LOOK_INSIDE) return verdict;
  if (isListType(t)) {
    // A single value where a list is expected is coerced to a list of one.
    if (!Array.isArray(value)) return walk(value, t.ofType, path, check, nesting + 1);
    for (const [i, item] of value.entries()) {
      const hit = walk(item, t.ofType, `${path}[${i}]`, check, nesting + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isInputObjectType(t) && value !== null && typeof value === 'object' && !Array.isArray(value))
    for (const [name, def] of Object.entries(t.getFields())) {
      const hit = walk((value as Record<string, unknown>)[name], def.type, `${path}.${name}`, check, nesting + 1);
      if (hit) return hit;
    }
  return undefined;
}

/**
 * Whether a value of `type` can hold, anywhere inside, a place where `holds` is true of the type: memoised per named
 * type in `memo`, so a guard looks into an input only where it could find something.
 */
export function mayHold(
  type: GraphQLInputType,
  holds: (type: GraphQLInputType) => boolean,
  memo: WeakMap<GraphQLNamedInputType, boolean>,
): boolean {
  if (holds(type)) return true;
  const named = getNamedType(type);
  let known = memo.get(named);
  if (known === undefined) {
    known = search(named, holds, new Set());
    memo.set(named, known);
  }
  return known;
}

function search(
  named: GraphQLNamedInputType,
  holds: (type: GraphQLInputType) => boolean,
  seen: Set<GraphQLNamedInputType>,
): boolean {
  if (holds(named)) return true;
  if (!isInputObjectType(named) || seen.has(named)) return false;
  seen.add(named);
  return Object.values(named.getFields()).some((f) => {
    const t = isNonNullType(f.type) ? f.type.ofType : f.type;
    return holds(t) || search(getNamedType(t), holds, seen);
  });
}
