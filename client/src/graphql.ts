import type { initGraphQLTada, ResultOf, VariablesOf } from 'gql.tada';
import type { introspection, introspection_types } from './graphql-env.d.ts';

type Tada = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; JSON: unknown; ID: string };
  disableMasking: true;
}>;
declare const tada: Tada;
// Only its type is used (an instantiation expression below): it is never called, so `tada` needs no value.
const documentOf = <const Q extends string>(query: Q) => tada(query);
type DocumentOf<Q extends string> = ReturnType<typeof documentOf<Q>>;

/** A GraphQL operation's text, carrying its result and variable types as gql.tada infers them from the schema. */
export interface Operation<Result, Variables> {
  readonly query: string;
  /** Type-only: never set at run time. */
  readonly __types?: (variables: Variables) => Result;
}

export type OperationResult<O> = O extends Operation<infer R, infer _V> ? R : never;
export type OperationVariables<O> = O extends Operation<infer _R, infer V> ? V : never;

/**
 * Types an operation from schema/schema.graphql at compile time and keeps only its text at run time:
 * gql.tada's runtime would parse every document in the shopper's browser for nothing.
 */
export function operation<const Q extends string>(
  query: Q,
): Operation<ResultOf<DocumentOf<Q>>, VariablesOf<DocumentOf<Q>>> {
  return { query };
}

/** A schema enum's values, e.g. `EnumOf<'EventType'>`. */
export type EnumOf<Name extends keyof introspection_types> = introspection_types[Name] extends { enumValues: infer V }
  ? V
  : never;
