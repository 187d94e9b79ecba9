import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Db } from '../../db/client.js';
import type { CustomerScope } from '../../tools/tool-registry.js';
import { createStoreMcpServer } from './store-mcp-server.js';

/** Who calls `/mcp/store`: an admin gets admin scope, anyone else no customer scope. */
export type StoreHttpCaller = { role: string } | { error: string; status?: number };

export interface StoreMcpHttpHandlerOptions {
  db: Db;
  /** Resolves the caller from the request (API key); default: everyone is an anonymous non-admin. */
  authorize?: (req: IncomingMessage) => Promise<StoreHttpCaller> | StoreHttpCaller;
}

function sendJsonRpcError(res: ServerResponse, status: number, message: string) {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }));
}

/**
 * Serves the store MCP server over Streamable HTTP, stateless: each request gets a fresh server
 * and transport, scoped by the caller's role. Outside callers never act as a customer.
 */
export function createStoreMcpHttpHandler(
  options: StoreMcpHttpHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const caller = options.authorize ? await options.authorize(req) : { role: 'anonymous' };
    if ('error' in caller) return sendJsonRpcError(res, caller.status ?? 401, caller.error);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJsonRpcError(res, 405, 'This MCP endpoint is stateless: use POST.');
    }
    const admin = caller.role === 'admin';
    const customer: CustomerScope = admin ? { verified: true, admin: true } : { verified: false };
    const server = createStoreMcpServer({
      db: options.db,
      scope: { kind: 'fixed', customer, keyPrefix: `http:${caller.role}:` },
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
}
