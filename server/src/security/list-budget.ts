import {
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { refuseOperations } from './refuse-operations.js';

/** The page a list field returns when no size argument is given (its resolver's default). */
const DEFAULT_PAGE: Readonly<Record<string, number>> = {
  events: 500,
  conversations: 20,
  runs: 50,
  tickets: 50,
  searchKnowledge: 3,
};
const SIZE_ARGS = new Set(['first', 'last', 'limit']);

/**
 * Refuses an operation whose list fields could return more than `maxItems` rows in all: page sizes
 * multiply down nested lists and add up across aliases, whether given as literals or variables. Each
 * resolver caps its own page too (page-size.ts); this bounds what one operation can ask for at once.
 */
export function useListBudget(maxItems: number): Plugin {
  const check = (args: { document: DocumentNode; operationName?: string | null; variableValues?: unknown }) => {
    const items = listItems(args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>);
    return items > maxItems
      ? new GraphQLError(
          `This operation could return ${items} list items; the limit is ${maxItems}. Ask for smaller pages.`,
          {
            extensions: { code: 'VALIDATION_FAILED', field: 'first' },
          },
        )
      : undefined;
  };
  return refuseOperations(check);
}

/** The most list items the operation can return (page sizes multiplied down, added across). */
export function listItems(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): number {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return 0;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
    if (depth > 64) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const page = pageOf(sel.name.value, sel.arguments ?? [], variables);
        const inner = sel.selectionSet ? walk(sel.selectionSet, depth + 1, seen) : 0;
        total += page === undefined ? inner : page + page * inner;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += walk(sel.selectionSet, depth + 1, seen);
      } else {
        const fragment = fragments.get(sel.name.value);
        if (fragment && !seen.has(fragment.name.value))
          total += walk(fragment.selectionSet, depth + 1, new Set([...seen, fragment.name.value]));
      }
    }
    return total;
  };
  return walk(operation.selectionSet, 0, new Set());
}

function pageOf(field: string, args: readonly ArgumentNode[], variables: Record<string, unknown>): number | undefined {
  const sizes = args.filter((a) => SIZE_ARGS.has(a.name.value)).map((a) => numberOf(a.value, variables));
  const given = sizes.filter((n): n is number => n !== undefined);
  if (given.length) return Math.max(...given);
  return DEFAULT_PAGE[field];
}

function numberOf(value: ValueNode, variables: Record<string, unknown>): number | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }
  return undefined;
}
