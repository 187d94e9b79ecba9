import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;
const HAS_SUGGESTION = /Did you mean /;

/** The error without graphql-js' "Did you mean …?" hint, which names schema members the caller did not ask for. */
export function withoutSuggestion(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  // Yoga's error masking reports a coercion error's original, so that one is cleaned too.
  const cleanedOriginal = original instanceof GraphQLError ? withoutSuggestion(original) : original;
  if (!HAS_SUGGESTION.test(error.message) && cleanedOriginal === original) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: cleanedOriginal,
    extensions: error.extensions,
  });
}

type ResultLike = { errors?: readonly GraphQLError[] } & Record<string, unknown>;

const clean = (result: ResultLike): ResultLike | undefined =>
  result.errors?.some((e) => HAS_SUGGESTION.test(e.message))
    ? { ...result, errors: result.errors.map(withoutSuggestion) }
    : undefined;

/**
 * Strips suggestions from every error: validation (enum literals, fields, arguments) and variable
 * coercion (enum values in variables), over HTTP, SSE and WebSocket. graphql-armor's
 * blockFieldSuggestion covers field names only; enum values leaked the schema in production.
 */
export function useSuggestionGuard(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.some((e) => HAS_SUGGESTION.test(e.message)))
          setResult(result.map((e) => (e instanceof GraphQLError ? withoutSuggestion(e) : e)));
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const cleaned = clean(result as unknown as ResultLike);
          if (cleaned) setResult(cleaned as never);
        },
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const cleaned = clean(result as unknown as ResultLike);
          if (cleaned) setResult(cleaned as never);
        },
      };
    },
  };
}
