import type { DocumentNode, GraphQLError, OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { asRequestError } from './rate-limited-graphql-error.js';
import type { RateLimiter, RateLimitHit } from './rate-limiter.js';

/**
 * Root mutation fields whose resolvers count the request limit themselves, in the same statement as
 * their own limits (one round trip on a turn's path instead of two): see RateLimiter.checkMessage.
 */
const COUNTS_ITS_REQUEST = new Set(['sendMessage']);

/**
 * The request limit of one HTTP GraphQL request, not yet counted. Whoever takes it counts it:
 * useAdmission before execution, or a resolver of a field in COUNTS_ITS_REQUEST. Taken once.
 */
export class Admission {
  #hits: RateLimitHit[] | undefined;

  constructor(
    private readonly limiter: Pick<RateLimiter, 'consumeAll'>,
    hits: RateLimitHit[],
  ) {
    this.#hits = hits.length ? hits : undefined;
  }

  get pending(): boolean {
    return this.#hits !== undefined;
  }

  /** Hands the hits over to a caller that counts them; nothing is left to count here. */
  take(): RateLimitHit[] {
    const hits = this.#hits ?? [];
    this.#hits = undefined;
    return hits;
  }

  /** Counts the request now; over the limit, throws the request-level error (HTTP 429). */
  async settle(): Promise<void> {
    const hits = this.take();
    if (hits.length) await asRequestError(this.limiter.consumeAll(hits));
  }
}

/**
 * Counts an HTTP request against its limit before execution (the context only opens the admission),
 * unless every root field of the operation counts it itself. A request that ends without any resolver
 * counting it (an argument error, say) is counted afterwards.
 */
export function useAdmission(): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const admission = (args.contextValue as { admission?: Admission }).admission;
      if (!admission?.pending) return;
      if (!countsItsOwnRequest(args.document, args.operationName)) {
        try {
          await admission.settle();
        } catch (err) {
          setResultAndStopExecution({ errors: [err as GraphQLError] });
        }
        return;
      }
      return {
        onExecuteDone() {
          if (admission.pending) void admission.settle().catch(() => {});
        },
      };
    },
  };
}

function countsItsOwnRequest(document: DocumentNode, operationName?: string | null): boolean {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return (
    operation?.operation === 'mutation' &&
    operation.selectionSet.selections.every((s) => s.kind === 'Field' && COUNTS_ITS_REQUEST.has(s.name.value))
  );
}
