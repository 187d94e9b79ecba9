import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

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
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
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
