import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { patternFreeValidator } from './argument-check.js';
import { guardedFetch } from './guarded-fetch.js';
import type { McpServerConfig } from './mcp-server-config.js';
import { assertOutboundAllowed, describeConnectFailure } from './outbound-address.js';

export type McpConnectionStatus = 'idle' | 'connecting' | 'connected' | 'error' | 'closed';

export interface McpConnectionOptions {
  connectTimeoutMs: number;
}

/** Creates a connected transport pair's client side; in-process servers connect their side here. */
export type TransportFactory = () => Promise<Transport>;

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
      const transport = await this.makeTransport();
      const client = new Client(
        { name: 'baton', version: '1.0.0' },
        { capabilities: {}, jsonSchemaValidator: patternFreeValidator },
      );
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
        throw err;
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
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
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
    const result = await client.callTool({ name: tool, arguments: args, _meta: meta }, undefined, {
      timeout: options.timeoutMs,
      signal: options.signal,
    });
    return result as CallToolResult;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.statusValue = 'closed';
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.close().catch(() => {});
  }
}

/** The transport for a registered external server (an HTTP URL is checked again at each connect: DNS can change). */
export function externalTransport(config: McpServerConfig, allowHosts: readonly string[] = []): TransportFactory {
  return async () => {
    if (config.transport === 'stdio') {
      return new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...getDefaultEnvironment(), ...config.env },
        stderr: 'ignore',
      });
    }
    await assertOutboundAllowed(config.url, allowHosts, 'url');
    return new StreamableHTTPClientTransport(new URL(config.url), {
      requestInit: { headers: config.headers },
      fetch: guardedFetch(allowHosts),
    });
  };
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
