import type { IncomingMessage } from 'node:http';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { StoreHttpCaller } from './store/mcp/store-mcp-http-handler.js';
import { createStoreToolRegistry } from './tools/mcp-tool-registry.js';
import type { ManagedToolRegistry } from './tools/tool-registry.js';

/** The app's tool registry: the built-in store MCP server plus registered external servers. */
export async function createToolRegistry(options: {
  db: Db;
  config: Config;
  authorizeHttp: (req: IncomingMessage) => Promise<StoreHttpCaller>;
}): Promise<ManagedToolRegistry> {
  return createStoreToolRegistry({
    db: options.db,
    authorizeHttp: options.authorizeHttp,
    outboundAllowHosts: options.config.outboundAllowHosts,
    maxResponseBytes: options.config.mcpMaxResponseBytes,
    httpLimits: {
      maxRequestBodyBytes: options.config.limits.maxRequestBodyBytes,
      maxFieldLength: options.config.limits.maxMessageLength,
    },
  });
}
