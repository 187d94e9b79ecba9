import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Db } from '../../db/client.js';
import type { CustomerScope } from '../../tools/tool-registry.js';
import { createStoreMcpServer } from './store-mcp-server.js';
import { oversizedField, readBodyAtMost } from './store-request-limits.js';

/**
 * Who calls `/mcp/store`, as authenticated from the request: its role, a stable id of the principal
 * (idempotency keys live in its namespace), and the conversation a conversation token reaches.
 */
export type StoreHttpCaller =
  | { role: string; principalId: string; conversationId?: string }
  | { error: string; status?: number };

export interface StoreMcpHttpHandlerOptions {
  db: Db;
  /** Resolves the caller from the request (API key); default: everyone is an anonymous non-admin. */
  authorize?: (req: IncomingMessage) => Promise<StoreHttpCaller> | StoreHttpCaller;
  /** Largest request body (MAX_REQUEST_BODY_BYTES) and longest string argument (MAX_MESSAGE_LENGTH). */
  limits?: { maxRequestBodyBytes: number; maxFieldLength: number };
}

const DEFAULT_LIMITS = { maxRequestBodyBytes: 1_048_576, maxFieldLength: 8_000 };

function sendJsonRpcError(res: ServerResponse, status: number, message: string, code = -32001, data?: unknown) {
  res
    .writeHead(status, { 'content-type': 'application/json', ...(status === 413 ? { connection: 'close' } : {}) })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message, ...(data ? { data } : {}) }, id: null }));
}

/**
 * Serves the store MCP server over Streamable HTTP, stateless: each request gets a fresh server
 * and transport, scoped by the caller. Outside callers never act as a customer, their idempotency
 * keys never meet another principal's, and the conversation and agent a write is filed under come
 * from their credentials, never from the request's `_meta`.
 */
export function createStoreMcpHttpHandler(
  options: StoreMcpHttpHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  return async (req, res) => {
    const caller = options.authorize ? await options.authorize(req) : { role: 'anonymous', principalId: 'anonymous' };
    if ('error' in caller) return sendJsonRpcError(res, caller.status ?? 401, caller.error);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJsonRpcError(res, 405, 'This MCP endpoint is stateless: use POST.');
    }
    const body = await readBodyAtMost(req, limits.maxRequestBodyBytes);
    if (body === undefined)
      return sendJsonRpcError(res, 413, `The request body is larger than ${limits.maxRequestBodyBytes} bytes`, -32600, {
        code: 'PAYLOAD_TOO_LARGE',
        maxBytes: limits.maxRequestBodyBytes,
      });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return sendJsonRpcError(res, 400, 'The request body is not valid JSON', -32700);
    }
    // A JSON-RPC batch is one request to the rate limits and the body limit, but up to a hundred tool calls to the
    // MCP SDK: a conversation token could make 120,000 searches a minute under its 1,200 requests. MCP dropped
    // batching (protocol 2025-06-18), and Baton's own clients send one message a request.
    if (Array.isArray(parsed) && parsed.length > 1)
      return sendJsonRpcError(res, 400, 'Batches are not accepted: send one JSON-RPC message per request', -32600, {
        code: 'VALIDATION_FAILED',
        field: 'body',
        messages: parsed.length,
      });
    const tooLong = oversizedField(parsed, limits.maxFieldLength);
    if (tooLong)
      return sendJsonRpcError(res, 400, `${tooLong} is longer than ${limits.maxFieldLength} characters`, -32602, {
        code: 'VALIDATION_FAILED',
        field: tooLong,
      });
    const admin = caller.role === 'admin';
    const customer: CustomerScope = admin ? { verified: true, admin: true } : { verified: false };
    const server = createStoreMcpServer({
      db: options.db,
      scope: {
        kind: 'fixed',
        customer,
        keyPrefix: `http:${caller.principalId}:`,
        conversationId: caller.conversationId,
      },
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, parsed);
  };
}
