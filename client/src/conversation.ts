import type { BatonClient } from './baton-client.js';
import { BatonClientError, fromGraphQLErrors, isPermanent } from './errors.js';
import { type AnyEvent, asEvent, type RawEvent, runEndTypes } from './events.js';
import type { Operation } from './graphql.js';
import { ConversationEvents, ConversationRuns, SendMessage, WithdrawHumanRequest } from './operations.js';
import type { SubscriptionTransport } from './transport.js';

/** Where the live connection stands. `reconnecting` is a dropped connection being restored from the cursor. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type TransportKind = 'ws' | 'sse';

/** How the conversation reaches the server; built by the client. */
export interface ConversationDeps {
  request<R, V>(operation: Operation<R, V>, variables: V, authorization: string): Promise<R>;
  /** A new transport of this kind, authorised with the conversation token. */
  transport(kind: TransportKind, authorization: string): SubscriptionTransport;
  /** The first transport to try; `fallback` is used when it never connects. */
  transports: { first: TransportKind; fallback?: TransportKind };
  reconnect: { initialDelayMs: number; maxDelayMs: number };
}

export interface ConversationInit {
  id: string;
  token: string;
  customerId: string | null;
  /** True when this client just started the conversation: nothing can have happened in it yet. */
  fresh: boolean;
  /** Start after this cursor instead of replaying the whole history. */
  after?: string | null;
}

/**
 * What `send` did: the run it started, or `held` when a support colleague owns the conversation (or
 * one was asked for): the message is stored and delivered to them, and no bot run starts.
 */
export type SentMessage = { held: false; runId: string; status: string } | { held: true };

/** Receives each event of a conversation. */
export type ConversationListener = (event: AnyEvent) => void;

/**
 * One conversation: `send` messages and follow its events, live, with automatic reconnection.
 *
 * After a dropped connection it resubscribes after the last stored event it delivered, so stored events are
 * delivered exactly once, in order. MESSAGE_DELTA (streamed text) is never stored, so deltas sent while the
 * connection was down cannot be replayed: for a run that was in progress across a drop (or when an existing
 * conversation is resumed mid-run) the client withholds its deltas, and the task's MESSAGE carries the whole
 * text. Concatenated deltas of a task are therefore always a prefix of its MESSAGE text, never a gapped one.
 */
export class Conversation {
  readonly id: string;
  /** The conversation token: it reaches this conversation only. */
  readonly token: string;
  /** The verified customer the conversation acts for, if any. */
  readonly customerId: string | null;

  private cursor: string | null = null;
  private readonly seen = new Set<string>();
  private readonly listeners = new Set<ConversationListener>();
  private readonly stateListeners = new Set<(state: ConnectionState, error?: BatonClientError) => void>();
  private readonly activeRuns = new Set<string>();
  private readonly withheldRuns = new Set<string>();
  private held: AnyEvent[] | null = null;
  /** Set when the runs in progress could not be read: then every run seen is treated as interrupted. */
  private withholdUnknownRuns = false;
  private kind: TransportKind;
  private everOpened = false;
  private attempt = 0;
  private fresh: boolean;
  private transport?: SubscriptionTransport;
  private unsubscribe?: () => void;
  private timer?: ReturnType<typeof setTimeout>;
  private currentState: ConnectionState = 'connecting';
  private failure?: BatonClientError;

  /** @internal Conversations come from {@link BatonClient} (`startConversation`, `resume`, `conversation`). */
  constructor(
    init: ConversationInit,
    private readonly deps: ConversationDeps,
  ) {
    this.id = init.id;
    this.token = init.token;
    this.customerId = init.customerId;
    this.fresh = init.fresh;
    this.cursor = init.after ?? null;
    this.kind = deps.transports.first;
    this.connect();
  }

  /** The connection's state now. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** The transport in use: `ws` (graphql-ws) or `sse` (graphql-sse). */
  get transportKind(): TransportKind {
    return this.kind;
  }

  /** The opaque cursor of the last stored event delivered; a reconnect resumes after it. */
  get lastEventId(): string | null {
    return this.cursor;
  }

  /** Sends the shopper's text; the run it starts streams on this conversation's events. */
  async send(text: string): Promise<SentMessage> {
    if (this.currentState === 'closed') throw new BatonClientError('The conversation is closed', 'CLOSED');
    const { sendMessage } = await this.deps.request(
      SendMessage,
      { conversationId: this.id, text },
      `Bearer ${this.token}`,
    );
    return sendMessage ? { held: false, runId: sendMessage.id, status: sendMessage.status } : { held: true };
  }

  /**
   * Takes back the shopper's request for a person while no colleague has claimed it: the bot answers again and
   * the conversation's events carry HUMAN_REQUEST_WITHDRAWN and the desk's confirmation. Resolves to who owns the
   * conversation now (`BOT`, also when no request was waiting); rejects with `CONFLICT` once a colleague took it.
   */
  async withdrawHumanRequest(): Promise<{ state: string }> {
    if (this.currentState === 'closed') throw new BatonClientError('The conversation is closed', 'CLOSED');
    const { withdrawHumanRequest } = await this.deps.request(
      WithdrawHumanRequest,
      { conversationId: this.id },
      `Bearer ${this.token}`,
    );
    return { state: withdrawHumanRequest.state };
  }

  /** Calls `listener` with every event; returns the function that stops it. */
  on(listener: ConversationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` on every change of the connection's state (with the error when it closes for good). */
  onStateChange(listener: (state: ConnectionState, error?: BatonClientError) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * The events as an async iterator, from now on. It ends when the conversation is closed, and throws when the
   * conversation fails for good (refused token, deleted conversation).
   */
  events(): AsyncIterableIterator<AnyEvent> {
    const queue: AnyEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const offEvent = this.on((e) => {
      queue.push(e);
      wake?.();
    });
    const offState = this.onStateChange((state) => {
      if (state === 'closed') {
        done = true;
        wake?.();
      }
    });
    const finish = () => {
      done = true;
      offEvent();
      offState();
    };
    const iterator: AsyncIterableIterator<AnyEvent> = {
      next: async () => {
        while (!queue.length && !done && this.currentState !== 'closed') await new Promise<void>((r) => (wake = r));
        wake = undefined;
        const value = queue.shift();
        if (value) return { value, done: false };
        finish();
        if (this.failure) throw this.failure;
        return { value: undefined, done: true };
      },
      return: async () => {
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Stops following the conversation; iterators end. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.teardown();
    this.setState('closed');
  }

  private connect(): void {
    this.teardown();
    const kind = this.kind;
    const transport = this.deps.transport(kind, `Bearer ${this.token}`);
    this.transport = transport;
    let opened = false;
    let ended = false;
    const end = (err: BatonClientError) => {
      if (ended || this.transport !== transport) return;
      ended = true;
      this.onDropped(err, opened);
    };
    this.unsubscribe = transport.subscribe(
      { query: ConversationEvents.query, variables: { conversationId: this.id, after: this.cursor } },
      {
        next: (result) => {
          if (result.errors?.length) return end(fromGraphQLErrors(result.errors as never));
          const event = (result.data as { conversationEvents?: RawEvent } | undefined)?.conversationEvents;
          if (event) this.receive(asEvent(event));
        },
        error: (err) =>
          end(
            err instanceof BatonClientError
              ? err
              : Array.isArray(err)
                ? fromGraphQLErrors(err)
                : new BatonClientError('The connection to Baton dropped', 'NETWORK_ERROR', undefined, { cause: err }),
          ),
        complete: () => end(new BatonClientError('The server ended the subscription', 'NETWORK_ERROR')),
      },
      () => {
        if (opened || this.transport !== transport) return;
        opened = true;
        this.everOpened = true;
        this.attempt = 0;
        this.setState('open');
        void this.checkRunsInProgress(transport);
      },
    );
  }

  /**
   * Runs that were executing while nobody listened may have streamed deltas this client never got: their
   * deltas are withheld. A brand-new conversation has none; events arriving meanwhile are held, in order.
   */
  private async checkRunsInProgress(transport: SubscriptionTransport): Promise<void> {
    for (const runId of this.activeRuns) this.withheldRuns.add(runId);
    if (this.fresh) {
      this.fresh = false;
      return;
    }
    this.held ??= [];
    try {
      const { conversation } = await this.deps.request(ConversationRuns, { id: this.id }, `Bearer ${this.token}`);
      for (const run of conversation.runs) if (run.status === 'RUNNING') this.withheldRuns.add(run.id);
    } catch {
      // Without the answer, every run not yet ended is treated as interrupted: deltas are a preview only.
      for (const runId of this.activeRuns) this.withheldRuns.add(runId);
      this.withholdUnknownRuns = true;
    } finally {
      if (this.transport === transport) {
        const held = this.held ?? [];
        this.held = null;
        for (const event of held) this.emit(event);
      }
    }
  }

  private receive(event: AnyEvent): void {
    if (event.id !== null) {
      if (this.seen.has(event.id)) return;
      this.seen.add(event.id);
      this.cursor = event.id;
    }
    if (this.held) this.held.push(event);
    else this.emit(event);
  }

  private emit(event: AnyEvent): void {
    const runId = event.runId;
    if (runId && event.type === 'RUN_STARTED') {
      this.activeRuns.add(runId);
      if (this.withholdUnknownRuns) this.withheldRuns.add(runId);
    }
    if (event.type === 'MESSAGE_DELTA' && runId && this.withheldRuns.has(runId)) return;
    if (runId && runEndTypes.has(event.type)) {
      this.activeRuns.delete(runId);
      this.withheldRuns.delete(runId);
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  private onDropped(err: BatonClientError, opened: boolean): void {
    this.teardown();
    if (this.currentState === 'closed') return;
    if (isPermanent(err)) {
      this.failure = err;
      this.setState('closed', err);
      return;
    }
    // Every run still going lost its deltas for the time the connection was down.
    for (const runId of this.activeRuns) this.withheldRuns.add(runId);
    this.held = null;
    const fallback = this.deps.transports.fallback;
    if (!opened && !this.everOpened && fallback && this.kind !== fallback) {
      // The first transport never connected (no WebSocket, or a proxy that refuses upgrades): fall back now.
      this.kind = fallback;
      this.setState('connecting');
      this.connect();
      return;
    }
    this.setState(this.everOpened ? 'reconnecting' : 'connecting');
    const { initialDelayMs, maxDelayMs } = this.deps.reconnect;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt = Math.min(this.attempt + 1, 16);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private teardown(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const unsubscribe = this.unsubscribe;
    const transport = this.transport;
    this.unsubscribe = undefined;
    this.transport = undefined;
    unsubscribe?.();
    transport?.dispose();
  }

  private setState(state: ConnectionState, error?: BatonClientError): void {
    if (state === this.currentState && !error) return;
    this.currentState = state;
    for (const listener of [...this.stateListeners]) listener(state, error);
  }
}
