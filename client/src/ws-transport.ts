import { createClient } from 'graphql-ws';
import type { ResultSink, SubscribeRequest, SubscriptionTransport } from './transport.js';

export interface WsTransportOptions {
  /** ws(s)://…/graphql */
  url: string;
  authorization?: string;
  /** A WebSocket class where there is no global one (Node 20: `import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
}

/** graphql-ws over one lazily opened socket. */
export function createWsTransport(options: WsTransportOptions): SubscriptionTransport {
  let onOpen: (() => void) | undefined;
  const client = createClient({
    url: options.url,
    lazy: true,
    retryAttempts: 0,
    webSocketImpl: options.webSocketImpl,
    connectionParams: options.authorization ? { authorization: options.authorization } : {},
    on: { connected: () => onOpen?.() },
  });
  return {
    kind: 'ws',
    subscribe(request: SubscribeRequest, sink: ResultSink, opened: () => void) {
      onOpen = opened;
      return client.subscribe(request, sink as never);
    },
    dispose: () => void client.dispose(),
  };
}
