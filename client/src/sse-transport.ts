import { createClient } from 'graphql-sse';
import type { ResultSink, SubscribeRequest, SubscriptionTransport } from './transport.js';

export interface SseTransportOptions {
  /** http(s)://…/graphql */
  url: string;
  authorization?: string;
  fetchFn?: unknown;
}

/** graphql-sse in distinct-connections mode: one text/event-stream request per subscription. */
export function createSseTransport(options: SseTransportOptions): SubscriptionTransport {
  const client = createClient({
    url: options.url,
    retryAttempts: 0,
    fetchFn: options.fetchFn,
    headers: options.authorization ? { authorization: options.authorization } : {},
  });
  return {
    kind: 'sse',
    subscribe(request: SubscribeRequest, sink: ResultSink, onOpen: () => void) {
      return client.subscribe(request, sink as never, { connected: () => onOpen() });
    },
    dispose: () => client.dispose(),
  };
}
