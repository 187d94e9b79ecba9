import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.js';

/**
 * Open subscriptions a credential may hold on one replica. A subscription replays what it resumes from (a
 * conversation's events, the whole feed after a cursor) and then holds that stream: a thousand of them on one shopper's
 * token held this replica's event loop for 20 s and its memory grew by 0.8 GB.
 */
export const SUBSCRIPTION_LIMITS = {
  /** A shopper's conversation token: its conversation in a few tabs, its runs. */
  conversationToken: 10,
  /** An API key: an integrator may follow every live conversation it serves. */
  apiKey: 5_000,
  /** Per credential and conversation (or run): the same stream opened again and again buys nothing. */
  sameStream: 10,
  /** Per credential: eventFeed replays the cluster's history from its cursor; an integrator needs one or two. */
  eventFeed: 5,
  /** Per credential: the desk's queue, one per open studio window. */
  deskQueue: 20,
} as const;

type Limits = { -readonly [K in keyof typeof SUBSCRIPTION_LIMITS]: number };

/** The root field of the operation, and the conversation or run it names (a literal or a variable). */
function rootOf(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>) {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  const field = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  if (operation?.operation !== 'subscription' || field?.kind !== Kind.FIELD) return undefined;
  const literal = (node: ValueNode | undefined): string | undefined =>
    node?.kind === Kind.VARIABLE
      ? String(variables[node.name.value] ?? '')
      : node?.kind === Kind.STRING || node?.kind === Kind.INT
        ? node.value
        : undefined;
  const arg = (name: string) => literal(field.arguments?.find((a) => a.name.value === name)?.value);
  return { field: field.name.value, stream: arg('conversationId') ?? arg('runId') };
}

const credentialOf = (p: Principal): { id: string; limit: keyof Limits } | undefined =>
  p.kind === 'conversation'
    ? { id: `conversation:${p.conversationId}`, limit: 'conversationToken' }
    : p.kind === 'key'
      ? { id: `key:${p.keyId}`, limit: 'apiKey' }
      : undefined;

/**
 * Counts each credential's open subscriptions on this replica (over WebSocket and SSE alike) and refuses one past a
 * limit with RATE_LIMITED (`reason: TOO_MANY_SUBSCRIPTIONS`) before anything is replayed; a subscription's slots are
 * given back when it ends, however it ends. Without credentials (AUTH_MODE=off, this machine) nothing is counted.
 */
export function useSubscriptionLimits(
  limits: Limits = { ...SUBSCRIPTION_LIMITS },
): Plugin<{ auth?: { principal: Principal } }> {
  const open = new Map<string, number>();
  const release = (keys: readonly string[]) => {
    for (const key of keys) {
      const n = (open.get(key) ?? 1) - 1;
      if (n > 0) open.set(key, n);
      else open.delete(key);
    }
  };
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const principal = args.contextValue?.auth?.principal;
      const credential = principal && credentialOf(principal);
      const root = credential && rootOf(args.document, args.operationName, args.variableValues ?? {});
      if (!credential || !root) return;
      const counted: [string, number][] = [[credential.id, limits[credential.limit]]];
      if (root.field === 'eventFeed' || root.field === 'deskQueue')
        counted.push([`${credential.id} ${root.field}`, limits[root.field]]);
      if (root.stream) counted.push([`${credential.id} ${root.field} ${root.stream}`, limits.sameStream]);
      const full = counted.find(([key, limit]) => (open.get(key) ?? 0) >= limit);
      if (full) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Too many open subscriptions for this credential (at most ${full[1]} ${full[0] === credential.id ? 'in all' : `of ${root.field}${root.stream ? ' on one stream' : ''}`}): close one first`,
              { extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS', limit: full[1] } },
            ),
          ],
        });
        return;
      }
      const keys = counted.map(([key]) => key);
      for (const key of keys) open.set(key, (open.get(key) ?? 0) + 1);
      let released = false;
      const once = () => {
        if (released) return;
        released = true;
        release(keys);
      };
      return {
        onSubscribeResult({ result }) {
          // An error result (refused, not found) holds no stream.
          if (!(result && typeof result === 'object' && Symbol.asyncIterator in result)) {
            once();
            return;
          }
          return { onEnd: once };
        },
        onSubscribeError: once,
      };
    },
  };
}
