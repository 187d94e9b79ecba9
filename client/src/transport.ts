/** What a subscription transport delivers: GraphQL execution results, then an error or the end. */
export interface ResultSink {
  next(result: { data?: unknown; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }): void;
  error(err: unknown): void;
  complete(): void;
}

export interface SubscribeRequest {
  query: string;
  variables: Record<string, unknown>;
}

/** One way of running a subscription (graphql-ws or graphql-sse). */
export interface SubscriptionTransport {
  readonly kind: 'ws' | 'sse';
  /**
   * Starts the subscription; `onOpen` is called once the connection is up. Returns the function that stops it.
   * Transports never retry on their own: the conversation resubscribes from its own cursor, so a retry
   * cannot replay what was already delivered.
   */
  subscribe(request: SubscribeRequest, sink: ResultSink, onOpen: () => void): () => void;
  dispose(): void;
}
