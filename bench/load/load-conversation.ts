import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

const events = (field: 'seq' | 'id') => `subscription($id: ID!) {
  conversationEvents(conversationId: $id) { ${field === 'id' ? 'id' : 'id seq'} runId type createdAt }
}`;
const END_TYPES = new Set(['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED']);
type WireEvent = {
  id: string | null;
  seq?: string | number | null;
  runId: string | null;
  type: string;
  createdAt: string;
};

/**
 * One shopper of the load benchmark: a conversation created on one replica, followed by a live
 * graphql-ws subscription (possibly on another replica), and turns sent one after another, each
 * timed from just before `sendMessage` (or, in the open loop, from its scheduled arrival) until its
 * RUN_COMPLETED arrives on the subscription.
 */
export class LoadConversation {
  id = '';
  readonly turnMs: number[] = [];
  /** Whether received events count in deliveryMs (the open loop's warm-up sets it false). */
  measuring = true;
  /** Receive time minus the event's createdAt, for every stored event. */
  readonly deliveryMs: number[] = [];
  /** Ordering keys (`seq` or `id`, see event-audit.ts) of the stored events received, in arrival order. */
  readonly received: number[] = [];
  readonly errors: string[] = [];
  private client?: Client;
  /** Runs that ended, with how: RUN_COMPLETED, RUN_FAILED or RUN_CANCELLED. */
  private readonly ended = new Map<string, string>();
  private readonly waiting = new Map<string, (how: string) => void>();

  constructor(
    private readonly sendUrl: string,
    private readonly subscribeUrl: string,
    private readonly orderBy: 'seq' | 'id' = 'id',
    /** An API key for every request (--one-key); none without credentials (AUTH_MODE=off). */
    private readonly key?: string,
  ) {}

  /** Creates the conversation and subscribes to its events. */
  async open(): Promise<void> {
    const started = await this.gql<{ startConversation: { conversation: { id: string } } }>(
      'mutation { startConversation { conversation { id } } }',
    );
    this.id = started.startConversation.conversation.id;
    const client = createClient({
      url: `${this.subscribeUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: this.key ? { authorization: `Bearer ${this.key}` } : undefined,
    });
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      const off = client.on('connected', () => {
        off();
        resolve();
      });
      client.on('error', (err) => reject(err instanceof Error ? err : new Error('websocket error')));
    });
    client.subscribe<{ conversationEvents: WireEvent }>(
      { query: events(this.orderBy), variables: { id: this.id } },
      {
        next: (value) => {
          const event = value.data?.conversationEvents;
          if (value.errors) this.errors.push(JSON.stringify(value.errors));
          const key = event?.[this.orderBy];
          if (!event || key == null) return;
          this.received.push(Number(key));
          if (this.measuring) this.deliveryMs.push(Date.now() - Date.parse(event.createdAt));
          if (END_TYPES.has(event.type) && event.runId) {
            this.ended.set(event.runId, event.type);
            this.waiting.get(event.runId)?.(event.type);
          }
        },
        error: (err) => this.errors.push(`subscription: ${err instanceof Error ? err.message : JSON.stringify(err)}`),
        complete: () => {},
      },
    );
  }

  /** Sends `turns` messages, each after the previous reply arrived. */
  async talk(turns: number, timeoutMs: number): Promise<void> {
    for (let i = 0; i < turns; i++) {
      try {
        await this.turn(i + 1, timeoutMs, performance.now());
      } catch (err) {
        this.errors.push(err instanceof Error ? err.message : String(err));
        return;
      }
    }
  }

  /**
   * Sends one message and waits for its run's RUN_COMPLETED; records the time since `startedAt`
   * (a `performance.now()` reading) in `turnMs` and returns it.
   */
  async turn(n: number, timeoutMs: number, startedAt: number): Promise<number> {
    const sent = await this.gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id: this.id, text: `Where is my order #W1? (turn ${n})` },
    );
    await this.replyTo(sent.sendMessage.id, timeoutMs);
    const ms = performance.now() - startedAt;
    this.turnMs.push(ms);
    return ms;
  }

  async close(): Promise<void> {
    await this.client?.dispose();
  }

  /** Resolves on the run's RUN_COMPLETED; rejects when it failed, was cancelled, or did not end in time. */
  private replyTo(runId: string, timeoutMs: number): Promise<void> {
    const settle = (how: string) =>
      how === 'RUN_COMPLETED' ? Promise.resolve() : Promise.reject(new Error(`run ${runId} ended with ${how}`));
    const ended = this.ended.get(runId);
    if (ended) return settle(ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(runId);
        reject(new Error(`no RUN_COMPLETED for run ${runId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(runId, (how) => {
        clearTimeout(timer);
        this.waiting.delete(runId);
        settle(how).then(resolve, reject);
      });
    });
  }

  private async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.sendUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.key ? { authorization: `Bearer ${this.key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    }).catch((err: Error) => {
      // undici says only "fetch failed"; the reason is in its cause.
      const cause = err.cause as { code?: string; message?: string } | undefined;
      throw new Error(`${err.message}: ${cause?.code ?? cause?.message ?? 'no cause'}`);
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${body.errors?.[0]?.message ?? res.status}`);
    return body.data;
  }
}
