import { type DocumentNode, type GraphQLError, type GraphQLSchema, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** What a check reads of an operation before it runs. */
export interface OperationArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: unknown;
}

/**
 * A plugin that refuses an operation (a query, a mutation or a subscription alike) with the error `check` returns,
 * before anything of it runs.
 */
export function refuseOperations(check: (args: OperationArgs) => GraphQLError | undefined): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

const declaredNames = new WeakMap<DocumentNode, string[]>();

/**
 * The variables the document's operations declare, without the others a request may add: GraphQL ignores those, and
 * a check that walked them walked whatever an attacker sent (40,000 keys of an unused variable).
 */
export function declaredVariables(args: Pick<OperationArgs, 'document' | 'variableValues'>): Record<string, unknown> {
  const variables = (args.variableValues ?? {}) as Record<string, unknown>;
  let names = declaredNames.get(args.document);
  if (!names) {
    names = args.document.definitions.flatMap((d) =>
      d.kind === Kind.OPERATION_DEFINITION ? (d.variableDefinitions ?? []).map((v) => v.variable.name.value) : [],
    );
    declaredNames.set(args.document, names);
  }
  const declared: Record<string, unknown> = {};
  for (const name of names) if (Object.hasOwn(variables, name)) declared[name] = variables[name];
  return declared;
}
