import { Client, cacheExchange, type ExecutionResult, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type SubscribePayload, type Client as WsClient } from 'graphql-ws';

export interface ServerConnection {
  /** The server's base URL, e.g. http://127.0.0.1:4000 (GraphQL lives at /graphql). */
  url: string;
  apiKey: string | null;
}

/**
 * One urql client per connection: queries and mutations over HTTP, subscriptions over graphql-ws on the
 * same /graphql endpoint. The API key travels as a Bearer token on both.
 */
export function createBatonClient(
  connection: ServerConnection,
  /** Outside a browser (Node tests), the WebSocket class to use, e.g. the `ws` package's. */
  options: { webSocketImpl?: unknown } = {},
): { client: Client; socket: WsClient; dispose: () => void } {
  const httpUrl = `${connection.url}/graphql`;
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  const authorization = connection.apiKey ? `Bearer ${connection.apiKey}` : undefined;
  const ws = createWsClient({
    url: wsUrl,
    lazy: true,
    // Switching views ends one subscription and starts the next: keep the socket for that moment. Closing
    // it at once raced the next view's subscribe under StrictMode, which then never reached the server.
    lazyCloseTimeout: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    connectionParams: authorization ? { authorization } : {},
    ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
  });
  const client = new Client({
    url: httpUrl,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request, operation) {
          const input = { ...request, query: request.query ?? '' };
          const resume = (operation.context as { resume?: SubscriptionResume }).resume;
          return {
            subscribe(sink) {
              if (!resume) return { unsubscribe: ws.subscribe(input, sink) };
              return { unsubscribe: resumingSubscription(ws, input, resume, sink) };
            },
          };
        },
      }),
    ],
    fetchOptions: (): RequestInit => (authorization ? { headers: { authorization } } : {}),
    requestPolicy: 'cache-and-network',
  });
  return { client, socket: ws, dispose: () => void ws.dispose() };
}

/**
 * A subscription that resumes itself across a dropped connection (an operation context's `resume`). graphql-ws
 * retries by re-sending the subscribe message it was first given, so a subscription started live (or after some
 * cursor) would come back live and skip what was committed while it was away. This one, as the socket closes, ends
 * its graphql-ws subscription and starts another with `resume.variables()`: it is taken then, after the last event
 * that arrived. `resume.onConnection` hears the socket go down and come back.
 */
export interface SubscriptionResume {
  variables(): Record<string, unknown>;
  onConnection?(up: boolean): void;
}

function resumingSubscription(
  ws: WsClient,
  input: SubscribePayload,
  resume: SubscriptionResume,
  sink: { next(value: ExecutionResult): void; error(err: unknown): void; complete(): void },
): () => void {
  let ended = false;
  let down = false;
  let current: { unsubscribe: () => void } | undefined;
  const open = () => {
    // A replaced subscription's late words (its end, once unsubscribed) are not this one's.
    const self = {
      unsubscribe: ws.subscribe(
        { ...input, variables: resume.variables() },
        {
          next: (value) => {
            if (current === self) sink.next(value as ExecutionResult);
          },
          error: (err) => {
            if (current !== self) return;
            ended = true;
            sink.error(err);
          },
          complete: () => {
            if (current !== self) return;
            ended = true;
            sink.complete();
          },
        },
      ),
    };
    return self;
  };
  current = open();
  const stopClosed = ws.on('closed', () => {
    if (ended || down) return;
    down = true;
    resume.onConnection?.(false);
    // After every other listener of this close (graphql-ws forgets the dead socket in one of them), so the new
    // subscription waits for the next socket. Taking it at once also keeps the client retrying (a lazy client with
    // no subscription left gives up).
    queueMicrotask(() => {
      if (ended) return;
      const stale = current;
      current = open();
      stale?.unsubscribe();
    });
  });
  const stopConnected = ws.on('connected', () => {
    if (!down) return;
    down = false;
    resume.onConnection?.(true);
  });
  return () => {
    ended = true;
    stopClosed();
    stopConnected();
    current?.unsubscribe();
  };
}
