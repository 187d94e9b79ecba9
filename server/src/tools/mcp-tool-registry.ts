import type { IncomingMessage, ServerResponse } from 'node:http';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type CallToolResult, ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type McpServerRow, mcpServers } from '../db/schema/mcp-servers.js';
import { changeSummarySchema } from '../domain/change-summary.js';
import { identityClaimSchema } from '../domain/identity.js';
import { ConflictError, issuesFromStandard, NotFoundError, ToolError, ValidationError } from '../errors.js';
import {
  createStoreMcpHttpHandler,
  type StoreHttpCaller,
  type StoreMcpHttpHandlerOptions,
} from '../store/mcp/store-mcp-http-handler.js';
import { createStoreMcpServer, STORE_SERVER_NAME } from '../store/mcp/store-mcp-server.js';
import { externalTransport, McpConnection, type McpConnectionStatus, ResponseTooLargeError } from './mcp-connection.js';
import { type McpServerConfig, type McpServerInput, mcpServerInputSchema } from './mcp-server-config.js';
import { assertOutboundAllowed, describeConnectFailure } from './outbound-address.js';
import { externalCallMeta, storeCallMeta, toolMetaKeys } from './tool-call-meta.js';
import { toolIdentityPolicy } from './tool-identity.js';
import {
  type ManagedToolRegistry,
  qualifyToolName,
  splitToolName,
  type ToolCallContext,
  type ToolDefinition,
  type ToolResult,
} from './tool-registry.js';

export interface McpToolRegistryOptions {
  db: Db;
  /** Longest a tool call may take before it comes back as a TIMEOUT error. */
  callTimeoutMs?: number;
  /** Longest connecting to (or listing the tools of) a server may take. */
  connectTimeoutMs?: number;
  /** How stale the registered-server list may get before `list()` re-reads it (other replicas register too). */
  refreshIntervalMs?: number;
  /** Resolves callers of `/mcp/store`; see createStoreMcpHttpHandler. */
  authorizeHttp?: (req: IncomingMessage) => Promise<StoreHttpCaller> | StoreHttpCaller;
  /** Hosts or addresses outbound MCP URLs may use although they are link-local or metadata addresses. */
  outboundAllowHosts?: readonly string[];
  /** Bytes read of one response of an external server before the call fails (MCP_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Body and field limits of `/mcp/store` (MAX_REQUEST_BODY_BYTES, MAX_MESSAGE_LENGTH). */
  httpLimits?: StoreMcpHttpHandlerOptions['limits'];
}

export interface McpServerStatus {
  name: string;
  transport: 'in-process' | 'stdio' | 'http';
  builtIn: boolean;
  enabled: boolean;
  status: McpConnectionStatus;
  error?: string;
  tools: ToolDefinition[];
  /** stdio servers: how they are started. Environment values are never exposed, only their names. */
  command?: string;
  args?: string[];
  envKeys?: string[];
  /** HTTP servers: where they are. Header values are never exposed, only their names. */
  url?: string;
  headerNames?: string[];
  createdAt?: Date;
}

/** The public description of a registered server's configuration (no secrets). */
export function describeServerRow(row: McpServerRow) {
  return row.transport === 'stdio'
    ? { command: row.command ?? '', args: row.args, envKeys: Object.keys(row.env), createdAt: row.createdAt }
    : { url: row.url ?? '', headerNames: Object.keys(row.headers), createdAt: row.createdAt };
}

interface Entry {
  connection: McpConnection;
  /** The stored row, for external servers; compared on refresh to notice edits. */
  row?: McpServerRow;
}

const configKey = (row: McpServerRow) =>
  JSON.stringify([row.transport, row.command, row.args, row.env, row.url, row.headers, row.enabled, row.identityLevel]);

function rowToConfig(row: McpServerRow): McpServerConfig {
  return row.transport === 'stdio'
    ? {
        name: row.name,
        transport: 'stdio',
        command: row.command ?? '',
        args: row.args,
        env: row.env,
        enabled: row.enabled,
        identityLevel: row.identityLevel,
      }
    : {
        name: row.name,
        transport: 'http',
        url: row.url ?? '',
        headers: row.headers,
        enabled: row.enabled,
        identityLevel: row.identityLevel,
      };
}

function toDefinition(server: string, tool: Tool, row?: Pick<McpServerRow, 'identityLevel'>): ToolDefinition {
  return {
    name: qualifyToolName(server, tool.name),
    server,
    tool: tool.name,
    description: tool.description ?? '',
    inputSchema: tool.inputSchema as Record<string, unknown>,
    readOnly: tool.annotations?.readOnlyHint ?? false,
    identity: toolIdentityPolicy(tool, row),
    ...(!row && !(tool.annotations?.readOnlyHint ?? false) ? { previewable: true } : {}),
  };
}

function resultText(result: CallToolResult): string {
  return result.content
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

/**
 * The ToolRegistry behind every agent: the built-in `store` MCP server, connected in process with a
 * real MCP client, plus every enabled external server in `mcp_servers` (stdio or Streamable HTTP).
 * Tools are named `server.tool`. Failures, dead servers and timeouts come back as `ok: false`.
 */
export class McpToolRegistry implements ManagedToolRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly callTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly refreshIntervalMs: number;
  private lastRefresh = 0;
  private refreshing?: Promise<void>;

  private constructor(private readonly options: McpToolRegistryOptions) {
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 5_000;
  }

  /** Connects the store server and loads the registered external servers (they connect lazily). */
  static async create(options: McpToolRegistryOptions): Promise<McpToolRegistry> {
    const registry = new McpToolRegistry(options);
    const store = new McpConnection(
      STORE_SERVER_NAME,
      async () => {
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await createStoreMcpServer({ db: options.db, scope: { kind: 'meta' } }).connect(serverSide);
        return clientSide;
      },
      { connectTimeoutMs: registry.connectTimeoutMs },
    );
    registry.entries.set(STORE_SERVER_NAME, { connection: store });
    await store.listTools(registry.connectTimeoutMs);
    await registry.refresh();
    return registry;
  }

  /** Re-reads `mcp_servers`: connects new servers, drops removed or disabled ones, reconnects edited ones. */
  async refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const rows = await this.options.db.select().from(mcpServers);
      const wanted = new Map(rows.filter((r) => r.enabled).map((r) => [r.name, r]));
      for (const [name, entry] of this.entries) {
        if (name === STORE_SERVER_NAME) continue;
        const row = wanted.get(name);
        if (!row || !entry.row || configKey(row) !== configKey(entry.row)) {
          this.entries.delete(name);
          await entry.connection.close();
        }
      }
      for (const [name, row] of wanted) {
        if (!this.entries.has(name)) this.entries.set(name, { connection: this.externalConnection(row), row });
      }
      this.lastRefresh = Date.now();
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private externalConnection(row: McpServerRow): McpConnection {
    return new McpConnection(
      row.name,
      externalTransport(rowToConfig(row), this.options.outboundAllowHosts, this.options.maxResponseBytes),
      { connectTimeoutMs: this.connectTimeoutMs },
    );
  }

  private async refreshIfStale(): Promise<void> {
    if (Date.now() - this.lastRefresh >= this.refreshIntervalMs) await this.refresh();
  }

  /** Tools of every server; a server that cannot be reached contributes the tools it last listed. */
  async list(): Promise<ToolDefinition[]> {
    return (await this.servers()).flatMap((s) => s.tools);
  }

  /** Every server with its status and tools, for the `tools` query. */
  async servers(): Promise<McpServerStatus[]> {
    await this.refreshIfStale();
    const entries = [...this.entries.entries()];
    return Promise.all(
      entries.map(async ([name, entry]) => {
        let tools = entry.connection.tools;
        let error = entry.connection.status === 'error' ? entry.connection.lastError : undefined;
        if (!entry.connection.isFresh(this.refreshIntervalMs)) {
          try {
            tools = await entry.connection.listTools(this.connectTimeoutMs);
            error = undefined;
          } catch (err) {
            error = (err as Error).message;
          }
        }
        return {
          name,
          transport: entry.row ? entry.row.transport : 'in-process',
          builtIn: !entry.row,
          enabled: entry.row?.enabled ?? true,
          ...(entry.row ? describeServerRow(entry.row) : {}),
          status: entry.connection.status,
          ...(error ? { error } : {}),
          tools: tools.map((t) => toDefinition(name, t, entry.row)),
        } satisfies McpServerStatus;
      }),
    );
  }

  async call(name: string, args: unknown, context: ToolCallContext): Promise<ToolResult> {
    const { server, tool } = splitToolName(name);
    let entry = this.entries.get(server);
    if (!entry && server) {
      await this.refresh();
      entry = this.entries.get(server);
    }
    if (!entry) return { ok: false, error: `Unknown tool ${name}: no MCP server "${server}"`, errorCode: 'NOT_FOUND' };
    if (args !== undefined && args !== null && (typeof args !== 'object' || Array.isArray(args))) {
      return { ok: false, error: `Arguments of ${name} must be a JSON object`, errorCode: 'VALIDATION_FAILED' };
    }
    const builtIn = !entry.row;
    // An external server cannot rehearse a call: asked to, it would make it.
    if (context.preview && !builtIn)
      return { ok: false, error: `${name} cannot be previewed`, errorCode: 'PREVIEW_UNSUPPORTED' };
    try {
      const result = await entry.connection.callTool(
        tool,
        (args ?? {}) as Record<string, unknown>,
        builtIn ? storeCallMeta(context) : externalCallMeta(context),
        { timeoutMs: this.callTimeoutMs, signal: context.signal },
      );
      return this.toToolResult(result, builtIn);
    } catch (err) {
      return this.errorResult(name, err);
    }
  }

  private toToolResult(result: CallToolResult, builtIn: boolean): ToolResult {
    const meta = result._meta ?? {};
    const text = resultText(result);
    if (result.isError) {
      const code =
        typeof meta[toolMetaKeys.errorCode] === 'string' ? (meta[toolMetaKeys.errorCode] as string) : undefined;
      const validation = /^(MCP error -32602|Input validation error)/i.test(text);
      // Only the built-in store's reasons are read: they are a closed set, and an external server's words are its own.
      const reason = builtIn ? meta[toolMetaKeys.errorReason] : undefined;
      const { code: _code, reason: _reason, issues: _issues, ...details } = (builtIn && result.structuredContent) || {};
      return {
        ok: false,
        error: text || 'The tool reported an error',
        errorCode: code && builtIn ? code : validation ? 'VALIDATION_FAILED' : 'TOOL_ERROR',
        ...(typeof reason === 'string' ? { errorReason: reason } : {}),
        ...(Object.keys(details).length ? { errorDetails: details } : {}),
      };
    }
    let output: unknown = result.structuredContent;
    if (output === undefined) {
      try {
        output = JSON.parse(text);
      } catch {
        output = text;
      }
    }
    // Only the built-in store may identify the shopper: an external server cannot claim an identity.
    const identified = builtIn ? meta[toolMetaKeys.identifiedCustomerId] : undefined;
    const claim = builtIn ? identityClaimSchema.safeParse(meta[toolMetaKeys.identityClaim]) : undefined;
    // Only the built-in store rehearses, so only it describes a change.
    const change =
      builtIn && meta[toolMetaKeys.change] ? changeSummarySchema.safeParse(meta[toolMetaKeys.change]) : undefined;
    return {
      ok: true,
      output,
      ...(typeof identified === 'string' ? { identifiedCustomerId: identified } : {}),
      ...(claim?.success ? { identityClaim: claim.data } : {}),
      ...(change?.success ? { change: change.data } : {}),
    };
  }

  private errorResult(name: string, err: unknown): ToolResult {
    if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
      return { ok: false, error: `Tool ${name} timed out after ${this.callTimeoutMs} ms`, errorCode: 'TIMEOUT' };
    }
    if (err instanceof McpError && err.code === ErrorCode.InvalidParams) {
      return { ok: false, error: err.message, errorCode: 'VALIDATION_FAILED' };
    }
    const message = err instanceof Error ? err.message : String(err);
    // Baton's own reason, not the server's words: an answer over MCP_MAX_RESPONSE_BYTES.
    const reason = err instanceof ResponseTooLargeError ? { errorReason: err.reason } : {};
    return { ok: false, error: `Tool ${name} failed: ${message}`, errorCode: 'TOOL_ERROR', ...reason };
  }

  /**
   * Registers an external server: it must connect and list its tools first, then it is stored and
   * its tools appear in `list()`. Throws ValidationError, ConflictError or ToolError (cannot connect).
   */
  async registerServer(input: McpServerInput): Promise<{ server: McpServerRow; tools: ToolDefinition[] }> {
    const parsed = mcpServerInputSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError(issuesFromStandard(parsed.error.issues, 'input'));
    const config = parsed.data;
    await this.refresh();
    const [existing] = await this.options.db
      .select({ id: mcpServers.id })
      .from(mcpServers)
      .where(eq(mcpServers.name, config.name));
    if (existing) throw new ConflictError(`An MCP server named "${config.name}" is already registered`);
    if (config.transport === 'http')
      await assertOutboundAllowed(config.url, this.options.outboundAllowHosts ?? [], 'input.url');

    const probe = new McpConnection(
      config.name,
      externalTransport(config, this.options.outboundAllowHosts, this.options.maxResponseBytes),
      { connectTimeoutMs: this.connectTimeoutMs },
    );
    let tools: Tool[];
    try {
      tools = config.enabled ? await probe.listTools(this.connectTimeoutMs) : [];
    } catch (err) {
      const why = err instanceof ResponseTooLargeError ? err.message : describeConnectFailure(err);
      throw new ToolError(`Could not connect to MCP server "${config.name}": ${why}`, { cause: err });
    } finally {
      await probe.close();
    }
    const [row] = await this.options.db
      .insert(mcpServers)
      .values(
        config.transport === 'stdio'
          ? {
              name: config.name,
              transport: 'stdio',
              command: config.command,
              args: config.args,
              env: config.env,
              enabled: config.enabled,
              identityLevel: config.identityLevel,
            }
          : {
              name: config.name,
              transport: 'http',
              url: config.url,
              headers: config.headers,
              enabled: config.enabled,
              identityLevel: config.identityLevel,
            },
      )
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ConflictError(`An MCP server named "${config.name}" is already registered`);
    await this.refresh();
    return { server: row, tools: tools.map((t) => toDefinition(row.name, t, row)) };
  }

  /** Unregisters an external server and disconnects it. The built-in store cannot be removed. */
  async removeServer(name: string): Promise<McpServerRow> {
    if (name === STORE_SERVER_NAME) throw ValidationError.single('name', 'The built-in store server cannot be removed');
    const [row] = await this.options.db.delete(mcpServers).where(eq(mcpServers.name, name)).returning();
    if (!row) throw new NotFoundError(`No MCP server named "${name}"`);
    await this.refresh();
    return row;
  }

  /** `/mcp/store`: the store MCP server over Streamable HTTP, for outside clients. */
  async httpHandlers(): Promise<Iterable<[string, (req: IncomingMessage, res: ServerResponse) => Promise<void>]>> {
    return [
      [
        '/mcp/store',
        createStoreMcpHttpHandler({
          db: this.options.db,
          authorize: this.options.authorizeHttp,
          limits: this.options.httpLimits,
        }),
      ],
    ];
  }

  async close(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((e) => e.connection.close()));
  }
}

/** The app's registry: the built-in store server plus the registered external servers. */
export function createStoreToolRegistry(options: McpToolRegistryOptions): Promise<McpToolRegistry> {
  return McpToolRegistry.create(options);
}
