import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Collected<T> {
  items: T[];
  /** Resolves once `n` items arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
  error?: unknown;
}

type Transport = 'sse' | 'ws';

/** Subscribes over SSE (graphql-sse) or WebSocket (graphql-ws) and collects `pick(data)` results. */
export function subscribe<T>(
  transport: Transport,
  baseUrl: string,
  query: string,
  variables: Record<string, unknown>,
  pick: (data: Record<string, unknown>) => T,
  token?: string,
): Collected<T> {
  const items: T[] = [];
  let waiters: (() => boolean)[] = [];
  const wake = () => {
    waiters = waiters.filter((w) => !w());
  };
  const collected: Collected<T> = {
    items,
    waitFor(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (items.length >= n) {
            resolve(items.slice());
            return true;
          }
          if (collected.error) {
            reject(collected.error);
            return true;
          }
          return false;
        };
        if (check()) return;
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${n} items, got ${items.length}`)),
          timeoutMs,
        );
        waiters.push(() => {
          if (!check()) return false;
          clearTimeout(timer);
          return true;
        });
      });
    },
    stop: () => {},
  };
  const sink = {
    next: (value: { data?: unknown; errors?: unknown }) => {
      if (value.errors) collected.error = value.errors;
      else if (value.data) items.push(pick(value.data as Record<string, unknown>));
      wake();
    },
    error: (err: unknown) => {
      collected.error = err;
      wake();
    },
    complete: () => {},
  };
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  if (transport === 'sse') {
    const client = createSseClient({ url: `${baseUrl}/graphql`, headers, retryAttempts: 0 });
    const unsubscribe = client.subscribe({ query, variables }, sink as never);
    collected.stop = () => {
      unsubscribe();
      client.dispose();
    };
  } else {
    const client = createWsClient({
      url: `${baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
      retryAttempts: 0,
    });
    const unsubscribe = client.subscribe({ query, variables }, sink as never);
    collected.stop = () => {
      unsubscribe();
      void client.dispose();
    };
  }
  return collected;
}
