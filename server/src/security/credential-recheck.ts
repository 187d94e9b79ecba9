import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.js';

/** What the recheck needs of the key service: a fresh answer from the database. */
export interface KeyStatus {
  isActive(keyId: string): Promise<boolean>;
}

/**
 * Ends a subscription opened with an API key once that key is revoked: every `everyMs` the key is
 * looked up again in the database (which every replica shares), and a revoked key's stream gets one
 * UNAUTHENTICATED error and completes, over SSE and WebSocket alike. Conversation tokens cannot be
 * revoked and are not rechecked.
 */
export function useCredentialRecheck(keys: () => KeyStatus, everyMs: number): Plugin {
  return {
    onSubscribe({ args }) {
      const principal = (args.contextValue as { auth?: { principal?: Principal } }).auth?.principal;
      if (principal?.kind !== 'key') return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) return;
          setResult(
            endWhenRevoked(result as AsyncIterable<unknown>, () => keys().isActive(principal.keyId), everyMs) as never,
          );
        },
      };
    },
  };
}

const revokedPayload = () => ({
  errors: [
    new GraphQLError('This API key was revoked: the subscription has ended', {
      extensions: { code: 'UNAUTHENTICATED' },
    }),
  ],
});

/** The source's items until `isActive` says no (checked every `everyMs`); then one error payload, then done. */
export function endWhenRevoked<T>(
  source: AsyncIterable<T>,
  isActive: () => Promise<boolean>,
  everyMs: number,
): AsyncIterableIterator<T | ReturnType<typeof revokedPayload>> {
  const inner = source[Symbol.asyncIterator]();
  let state: 'open' | 'revoked' | 'done' = 'open';
  /** Whether the source was closed (or ended by itself): closed once, whoever ends the stream. */
  let closed = false;
  let wake: (() => void) | undefined;
  const revoked = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const stop = () => {
    clearInterval(timer);
    if (closed) return;
    closed = true;
    void inner.return?.();
  };
  const timer = setInterval(() => {
    void isActive()
      // A failed lookup (database briefly away) keeps the stream: the next tick asks again.
      .catch(() => true)
      .then((active) => {
        if (active || state !== 'open') return;
        state = 'revoked';
        stop();
        wake?.();
      });
  }, everyMs);
  timer.unref?.();
  const finish = (): IteratorResult<never> => {
    state = 'done';
    stop();
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<T | ReturnType<typeof revokedPayload>> = {
    async next() {
      if (state === 'done') return { value: undefined, done: true };
      if (state === 'revoked') {
        state = 'done';
        return { value: revokedPayload(), done: false };
      }
      const outcome = await Promise.race([inner.next(), revoked.then(() => 'revoked' as const)]);
      if (outcome === 'revoked' || (state as string) === 'revoked') {
        state = 'done';
        return { value: revokedPayload(), done: false };
      }
      if (outcome.done) {
        closed = true;
        return finish();
      }
      return outcome;
    },
    async return() {
      return finish();
    },
    async throw(err) {
      finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
