import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type CallToolResult, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { ToolError } from '../errors.js';
import { patternFreeValidator } from './argument-check.js';
import { guardedFetch } from './guarded-fetch.js';
import type { McpServerConfig } from './mcp-server-config.js';
import { assertOutboundAllowed, describeConnectFailure } from './outbound-address.js';

export type McpConnectionStatus = 'idle' | 'connecting' | 'connected' | 'error' | 'closed';

export interface McpConnectionOptions {
  connectTimeoutMs: number;
}

/** What a transport reports back to its connection. */
export interface TransportHooks {
  /** A stdio line was over the size cap: the transport stopped reading, and no single request can be failed for it. */
  onTooLarge(error: ResponseTooLargeError): void;
  /**
   * Marks the JSON-RPC error a transport answers a request with when that request's own response was over the cap
   * (tooLargeAnswer): the connection turns it back into a ResponseTooLargeError, which a server cannot forge.
   */
  readonly mark: string;
}

/** Creates a connected transport pair's client side; in-process servers connect their side here. */
export type TransportFactory = (hooks: TransportHooks) => Promise<Transport>;

/** Bytes of one response Baton reads from an external MCP server unless told otherwise (MCP_MAX_RESPONSE_BYTES). */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** An external MCP server answered with more than MCP_MAX_RESPONSE_BYTES: nothing past the cap was read or parsed. */
export class ResponseTooLargeError extends ToolError {
  constructor(server: string, maxBytes: number) {
    super(
      `MCP server "${server}" sent a response larger than ${maxBytes} bytes (MCP_MAX_RESPONSE_BYTES); Baton stopped reading it`,
      { reason: 'MCP_RESPONSE_TOO_LARGE', details: { server, maxBytes } },
    );
  }
}

/**
 * One MCP client connection to a server, connected lazily and reconnected on the next use after
 * the server died. Every request has a timeout, so a dead or stuck server never hangs a caller.
 */
export class McpConnection {
  private client?: Client;
  private connecting?: Promise<Client>;
  private cachedTools: Tool[] = [];
  private statusValue: McpConnectionStatus = 'idle';
  private lastErrorValue?: string;
  private closed = false;
  private listedAt = 0;
  private failedAt = 0;
  /** Why a client was closed by Baton, for the requests that were waiting on it. */
  private readonly closedBecause = new WeakMap<Client, Error>();
  private readonly mark = crypto.randomUUID();

  constructor(
    readonly name: string,
    private readonly makeTransport: TransportFactory,
    private readonly options: McpConnectionOptions,
  ) {}

  get status(): McpConnectionStatus {
    return this.statusValue;
  }
  get lastError(): string | undefined {
    return this.lastErrorValue;
  }
  /** The tools from the last successful listing. */
  get tools(): Tool[] {
    return this.cachedTools;
  }

  private async connect(): Promise<Client> {
    if (this.closed) throw new Error(`MCP server ${this.name} is closed`);
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      this.statusValue = 'connecting';
      const client = new Client(
        { name: 'baton', version: '1.0.0' },
        { capabilities: {}, jsonSchemaValidator: patternFreeValidator },
      );
      const transport = await this.makeTransport({
        mark: this.mark,
        // A stdio line over the cap fails no request by itself: closing the client fails the ones waiting, and they
        // are told why. A JSON body, or a request's SSE message, over the cap fails its own request only.
        onTooLarge: (error) => {
          if (this.closedBecause.has(client)) return;
          this.closedBecause.set(client, error);
          void client.close().catch(() => {});
        },
      });
      client.onclose = () => {
        if (this.client === client) this.client = undefined;
        if (!this.closed) {
          this.statusValue = 'error';
          this.lastErrorValue = `MCP server ${this.name} closed the connection`;
        }
      };
      try {
        await withTimeout(
          client.connect(transport, { timeout: this.options.connectTimeoutMs }),
          this.options.connectTimeoutMs,
          () => `MCP server ${this.name} did not answer within ${this.options.connectTimeoutMs} ms`,
        );
      } catch (err) {
        await client.close().catch(() => {});
        throw this.explain(client, err);
      }
      this.client = client;
      this.statusValue = 'connected';
      this.lastErrorValue = undefined;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    try {
      return await this.connecting;
    } catch (err) {
      this.statusValue = this.closed ? 'closed' : 'error';
      this.lastErrorValue = describeConnectFailure(err);
      this.failedAt = Date.now();
      throw err;
    }
  }

  /**
   * Whether `tools` is recent enough to skip asking the server: listed within `maxAgeMs` while
   * connected, or failed within `maxAgeMs` (so a dead server is not retried on every listing).
   */
  isFresh(maxAgeMs: number): boolean {
    const now = Date.now();
    if (this.statusValue === 'connected') return now - this.listedAt < maxAgeMs;
    return this.statusValue === 'error' && now - this.failedAt < maxAgeMs;
  }

  /** Lists the server's tools (and caches them); throws when the server cannot be reached. */
  async listTools(timeoutMs: number): Promise<Tool[]> {
    const client = await this.connect();
    const tools: Tool[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (err) {
      throw this.explain(client, err);
    }
    this.cachedTools = tools;
    this.listedAt = Date.now();
    return tools;
  }

  async callTool(
    tool: string,
    args: Record<string, unknown>,
    meta: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<CallToolResult> {
    const client = await this.connect();
    try {
      const result = await client.callTool({ name: tool, arguments: args, _meta: meta }, undefined, {
        timeout: options.timeoutMs,
        signal: options.signal,
      });
      return result as CallToolResult;
    } catch (err) {
      throw this.explain(client, err);
    }
  }

  /** A request's failure, or the reason Baton dropped its connection (a response over the cap) when there is one. */
  private explain(client: Client, err: unknown): unknown {
    if (err instanceof ResponseTooLargeError) return err;
    const data = err instanceof McpError ? (err.data as { mark?: unknown; maxBytes?: unknown } | undefined) : undefined;
    if (data?.mark === this.mark && typeof data.maxBytes === 'number')
      return new ResponseTooLargeError(this.name, data.maxBytes);
    const because = this.closedBecause.get(client);
    if (because) {
      this.lastErrorValue = because.message;
      return because;
    }
    return err;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.statusValue = 'closed';
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.close().catch(() => {});
  }
}

/**
 * The transport for a registered external server (an HTTP URL is checked again at each connect: DNS can change).
 * No response is read past `maxResponseBytes`: an HTTP body or SSE message through cappedFetch, a stdio line through
 * the SDK's own read buffer, which closes the transport when a line outgrows it.
 */
export function externalTransport(
  config: McpServerConfig,
  allowHosts: readonly string[] = [],
  maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
): TransportFactory {
  return async (hooks) => {
    if (config.transport === 'stdio') {
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...getDefaultEnvironment(), ...config.env },
        stderr: 'ignore',
        maxBufferSize: maxResponseBytes,
      });
      // The SDK reports its read buffer's overflow as an error, then closes the transport.
      const tooLarge = (err: Error) => /ReadBuffer exceeded maximum size/.test(err.message);
      return reportingErrors(transport, (err) => {
        if (tooLarge(err)) hooks.onTooLarge(new ResponseTooLargeError(config.name, maxResponseBytes));
      });
    }
    await assertOutboundAllowed(config.url, allowHosts, 'url');
    return new StreamableHTTPClientTransport(new URL(config.url), {
      requestInit: { headers: config.headers },
      fetch: cappedFetch(
        guardedFetch(allowHosts),
        maxResponseBytes,
        () => new ResponseTooLargeError(config.name, maxResponseBytes),
        hooks.mark,
      ),
    });
  };
}

/** Calls `observe` with each error the transport reports, before whoever the client set as its onerror. */
function reportingErrors<T extends Transport>(transport: T, observe: (err: Error) => void): T {
  let handler: ((err: Error) => void) | undefined;
  Object.defineProperty(transport, 'onerror', {
    configurable: true,
    // Bound to the handler of the moment: the SDK's own handler calls the one it found before setting it.
    get: () => {
      const current = handler;
      return (err: Error) => {
        observe(err);
        current?.(err);
      };
    },
    set: (h: ((err: Error) => void) | undefined) => {
      handler = h;
    },
  });
  return transport;
}

/**
 * A fetch whose responses are read at most `maxBytes` each (status line and headers aside): a Content-Length over it
 * fails the request before the body is read; a body that grows past it (no length, chunked) errors with a
 * ResponseTooLargeError when a chunk crosses the cap, and its connection is dropped, so nothing beyond is read,
 * buffered or parsed. An SSE stream (text/event-stream) is capped per message, each event counted from the blank line
 * before it: a long-lived stream of many small messages is fine. When one message outgrows the cap, the stream ends
 * there; a POST's stream (one JSON-RPC request) then answers that request with a JSON-RPC error carrying `mark`
 * (tooLargeAnswer), so it alone fails while the other calls on the connection go on: the MCP SDK passes a stream's
 * failure to no request, and closing the connection to fail it failed them all. `tooLarge` makes the error.
 */
export function cappedFetch(
  inner: typeof fetch,
  maxBytes: number,
  tooLarge: () => ResponseTooLargeError,
  mark: string,
): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await inner(input, init);
    if (!response.body || [101, 204, 205, 304].includes(response.status)) return response;
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body.cancel().catch(() => {});
      throw tooLarge();
    }
    const stream = /^\s*text\/event-stream/i.test(response.headers.get('content-type') ?? '');
    const requestId = stream ? jsonRpcRequestId(init?.body) : undefined;
    // Where in a chunk the cap is crossed (-1: not in this one): per SSE message, or over the whole body.
    let read = 0;
    const crossing = stream
      ? sseMessageCap(maxBytes)
      : (chunk: Uint8Array) => {
          read += chunk.byteLength;
          return read > maxBytes ? chunk.byteLength - 1 : -1;
        };
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = await reader.read().catch((err: unknown) => {
          controller.error(err);
          return undefined;
        });
        if (!chunk) return;
        if (chunk.done) {
          controller.close();
          return;
        }
        const at = crossing(chunk.value);
        if (at < 0) {
          controller.enqueue(chunk.value);
          return;
        }
        const error = tooLarge();
        await reader.cancel(error).catch(() => {});
        if (!stream) {
          // A body fails its request.
          controller.error(error);
          return;
        }
        // The messages before it are delivered; the one over the cap is ended unread, and the stream with it. A
        // request's stream answers its request. A stream no request waits on (the standalone GET stream) just ends:
        // the SDK opens it again, resuming after the last event id it saw, which is the dropped message's own when it
        // had one, so a resumable server does not send it again (and again).
        controller.enqueue(chunk.value.subarray(0, at + 1));
        controller.enqueue(requestId !== undefined ? tooLargeAnswer(requestId, error, mark, maxBytes) : DROPPED);
        controller.close();
      },
      cancel: (reason) => reader.cancel(reason),
    });
    const capped = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(capped, 'url', { value: response.url });
    Object.defineProperty(capped, 'redirected', { value: response.redirected });
    return capped;
  }) as typeof fetch;
}

/** The id of the JSON-RPC request a POST carries (the MCP SDK sends one message per POST, as JSON text). */
function jsonRpcRequestId(body: unknown): string | number | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = JSON.parse(body) as { method?: unknown; id?: unknown };
    return typeof message.method === 'string' && (typeof message.id === 'string' || typeof message.id === 'number')
      ? message.id
      : undefined;
  } catch {
    return undefined;
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts the bytes of the SSE message being read, started again after each blank line (an event's end: LF, CR or
 * CRLF twice; line ends themselves are not counted). Each call answers where in the chunk the message being read
 * grew past `maxBytes` (always a byte inside a line), or -1.
 */
function sseMessageCap(maxBytes: number): (chunk: Uint8Array) => number {
  let bytes = 0;
  let lineEmpty = true;
  let afterCr = false;
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === LF && afterCr) {
        afterCr = false;
        continue;
      }
      if (b === LF || b === CR) {
        if (lineEmpty) bytes = 0;
        lineEmpty = true;
        afterCr = b === CR;
        continue;
      }
      afterCr = false;
      lineEmpty = false;
      if (++bytes > maxBytes) return i;
    }
    return -1;
  };
}

/** Ends the line read so far and makes the message over the cap an event the MCP SDK ignores (not of type `message`). */
const DROPPED = new TextEncoder().encode('\nevent: baton-dropped\n\n');

/**
 * What the stream says in place of a message over the cap: the line read so far is ended and the message made an
 * event the MCP SDK ignores (not of type `message`), then the request is answered with a JSON-RPC error carrying
 * `mark`.
 */
function tooLargeAnswer(id: string | number, error: ResponseTooLargeError, mark: string, maxBytes: number): Uint8Array {
  const answer = { jsonrpc: '2.0', id, error: { code: -32_000, message: error.message, data: { mark, maxBytes } } };
  const message = new TextEncoder().encode(`event: message\ndata: ${JSON.stringify(answer)}\n\n`);
  const bytes = new Uint8Array(DROPPED.length + message.length);
  bytes.set(DROPPED);
  bytes.set(message, DROPPED.length);
  return bytes;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
