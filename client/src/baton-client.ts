import { Conversation, type ConversationDeps, type TransportKind } from './conversation.js';
import { type FetchLike, httpRequest } from './http-request.js';
import { BrandQuery, StartConversation } from './operations.js';
import { defaultStorage, SessionStore, type StorageLike } from './session-store.js';
import { createSseTransport } from './sse-transport.js';
import { createWsTransport } from './ws-transport.js';

export interface BatonClientOptions {
  /** The Baton server's base URL, e.g. `https://support.example.com` (GraphQL lives at `/graphql`). */
  url: string;
  /**
   * An API key for `startConversation` where the server requires one (`AUTH_MODE=keys`). Never ship a key to a
   * browser: there, let the shop's backend start the conversation and pass its token to {@link BatonClient.resume}.
   */
  apiKey?: string;
  /** `auto` (default): graphql-ws, falling back to SSE when a WebSocket cannot connect. */
  transport?: 'auto' | TransportKind;
  /** A WebSocket class where there is no global one (Node 20: the `ws` package). Without one, `auto` uses SSE. */
  webSocketImpl?: unknown;
  /** A fetch implementation; defaults to the global one. */
  fetch?: FetchLike;
  /** Where the tab's conversation is kept; defaults to sessionStorage, `null` keeps nothing. */
  storage?: StorageLike | null;
  /** Reconnection backoff: doubles from `initialDelayMs` (default 250) up to `maxDelayMs` (default 10 000), jittered. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
}

export interface StartConversationInput {
  /** A signed storefront token (JWT, `sub` = customer id): the conversation acts for that verified customer. */
  customerToken?: string;
  title?: string;
  metadata?: Record<string, unknown>;
}

/** What the shop's backend hands the browser when it starts the conversation itself. */
export interface ConversationSession {
  conversationId: string;
  token: string;
  customerId?: string | null;
  /** Deliver only events after this cursor (an event `id` you received earlier); default: the whole history. */
  after?: string | null;
}

/** How the workspace presents itself in a storefront chat (its brand settings). Public: read without credentials. */
export interface Brand {
  /** Shown in the chat's title and the launcher's label. */
  name: string;
  /** A hex colour such as `#1f4f99`: launcher, header, the shopper's bubbles, buttons. */
  color: string;
  /** The first line of an empty chat. */
  greeting: string;
}

/** Entry point: start, resume or restore conversations on one Baton server. */
export interface BatonClient {
  /** Starts a new conversation (and remembers it for this tab). */
  startConversation(input?: StartConversationInput): Promise<Conversation>;
  /** Follows a conversation whose token you already hold (from your backend, or stored earlier). */
  resume(session: ConversationSession): Conversation;
  /**
   * The tab's conversation: the stored one when it belongs to the same shopper, otherwise a new one.
   * Passing a customer token for a shopper who just signed in hands the chat over to a verified conversation.
   */
  conversation(input?: StartConversationInput): Promise<Conversation>;
  /** Forgets the tab's stored conversation (e.g. on sign-out). */
  forget(): void;
  /** The workspace's brand (name, colour, greeting), set in the studio's settings; needs no credentials. */
  brand(): Promise<Brand>;
}

/** Creates a client for one Baton server. Works in browsers and in Node 20+. */
export function createBatonClient(options: BatonClientOptions): BatonClient {
  const base = options.url.replace(/\/+$/, '');
  const httpUrl = `${base}/graphql`;
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  const fetchFn = options.fetch ?? (globalThis.fetch?.bind(globalThis) as FetchLike | undefined);
  if (!fetchFn) throw new Error('No fetch: pass options.fetch');
  const store = new SessionStore(
    options.storage === null ? undefined : (options.storage ?? defaultStorage()),
    `baton:conversation:${base}`,
  );
  const hasWebSocket = options.webSocketImpl !== undefined || typeof globalThis.WebSocket === 'function';
  const mode = options.transport ?? 'auto';
  const transports: ConversationDeps['transports'] =
    mode === 'auto' ? (hasWebSocket ? { first: 'ws', fallback: 'sse' } : { first: 'sse' }) : { first: mode };
  const deps: ConversationDeps = {
    request: (operation, variables, authorization) =>
      httpRequest(fetchFn, httpUrl, operation, variables, authorization),
    transport: (kind, authorization) =>
      kind === 'ws'
        ? createWsTransport({ url: wsUrl, authorization, webSocketImpl: options.webSocketImpl })
        : createSseTransport({ url: httpUrl, authorization, fetchFn }),
    transports,
    reconnect: {
      initialDelayMs: options.reconnect?.initialDelayMs ?? 250,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 10_000,
    },
  };
  const apiKey = options.apiKey ? `Bearer ${options.apiKey}` : undefined;

  const client: BatonClient = {
    async startConversation(input = {}) {
      const { startConversation } = await httpRequest(
        fetchFn,
        httpUrl,
        StartConversation,
        { input: { customerToken: input.customerToken, title: input.title, metadata: input.metadata } },
        apiKey,
      );
      const session = {
        conversationId: startConversation.conversation.id,
        token: startConversation.token,
        customerId: startConversation.conversation.customerId ?? null,
      };
      store.save(session);
      return new Conversation(
        { id: session.conversationId, token: session.token, customerId: session.customerId, fresh: true },
        deps,
      );
    },
    resume(session) {
      const customerId = session.customerId ?? null;
      store.save({ conversationId: session.conversationId, token: session.token, customerId });
      return new Conversation(
        { id: session.conversationId, token: session.token, customerId, fresh: false, after: session.after ?? null },
        deps,
      );
    },
    async conversation(input = {}) {
      const stored = store.load();
      // A stored anonymous chat is not continued as a verified one, nor a verified one after sign-out, nor one
      // shopper's verified chat as another's (a shared device: the token's subject is the customer id).
      const sameShopper =
        stored &&
        (input.customerToken
          ? stored.customerId !== null && stored.customerId === tokenSubject(input.customerToken)
          : stored.customerId === null);
      if (stored && sameShopper) return client.resume(stored);
      return client.startConversation(input);
    },
    forget: () => store.clear(),
    brand: async () => (await httpRequest(fetchFn, httpUrl, BrandQuery, {})).brand,
  };
  return client;
}

/**
 * The customer a storefront token names (its `sub`), read without checking the signature: only to tell whose
 * stored conversation this is; the server verifies the token itself. Undefined when it cannot be read.
 */
function tokenSubject(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub.trim() : undefined;
  } catch {
    return undefined;
  }
}
