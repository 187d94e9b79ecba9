import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { McpToolRegistry } from '../../../server/src/tools/mcp-tool-registry.js';
import type { ToolCallContext } from '../../../server/src/tools/tool-registry.js';
import { createSeededStore, type SeededStore } from '../store/store-test-kit.js';

const CAP = 64 * 1024;

/**
 * The MCP SDK's own server over Streamable HTTP with SSE answers (no JSON mode), one session per client: `sized`
 * answers with `bytes` of text, `chatty` logs `count` messages of `bytes` each on its stream before answering, and
 * `gated` answers once the test opens its gate.
 */
async function startSseServer() {
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const create = () => {
    const server = new McpServer({ name: 'sse', version: '1.0.0' }, { capabilities: { logging: {} } });
    server.registerTool('sized', { inputSchema: { bytes: z.number().int() } }, async ({ bytes }) => ({
      content: [{ type: 'text', text: 'x'.repeat(bytes) }],
    }));
    server.registerTool(
      'chatty',
      { inputSchema: { count: z.number().int(), bytes: z.number().int() } },
      async ({ count, bytes }, extra) => {
        for (let i = 0; i < count; i++)
          await extra.sendNotification({
            method: 'notifications/message',
            params: { level: 'info', data: 'y'.repeat(bytes) },
          });
        return { content: [{ type: 'text', text: `logged ${count}` }] };
      },
    );
    server.registerTool('gated', { inputSchema: {} }, async () => {
      await gate;
      return { content: [{ type: 'text', text: 'opened' }] };
    });
    return server;
  };
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http: Server = createServer(async (req, res) => {
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      const fresh = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => void sessions.set(sid, fresh),
      });
      await create().connect(fresh);
      transport = fresh;
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    openGate: () => open(),
    closeGate: () => {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    close: async () => {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

let callIndex = 0;
const context = (): ToolCallContext => {
  const index = callIndex++;
  return {
    conversationId: 'conv-1',
    runId: 'run-1',
    taskId: 't1',
    agentName: 'ProductAgent',
    callIndex: index,
    idempotencyKey: `run-1:t1:${index}`,
    customer: { verified: false },
  };
};

/**
 * MCP_MAX_RESPONSE_BYTES caps each message an external server sends over SSE, not the stream that carries it: the cap
 * counted a whole stream, so a call whose stream carried many small messages failed, and an answer over the cap
 * closed the connection, failing every other call in flight to that server.
 */
describe('the MCP response cap over SSE is per message', () => {
  let s: SeededStore;
  let registry: McpToolRegistry;
  let sse: Awaited<ReturnType<typeof startSseServer>>;

  beforeAll(async () => {
    s = await createSeededStore();
    sse = await startSseServer();
    registry = await McpToolRegistry.create({
      db: s.db,
      callTimeoutMs: 20_000,
      connectTimeoutMs: 20_000,
      refreshIntervalMs: 60_000,
      outboundAllowHosts: ['127.0.0.1'],
      maxResponseBytes: CAP,
    });
    await registry.registerServer({ name: 'sse', transport: 'http', url: sse.url });
  });
  afterAll(async () => {
    sse.openGate();
    await registry.close();
    await sse.close();
    await s.dispose();
  });

  it('many messages on one stream, together far over the cap, each under it: the call succeeds', async () => {
    // 40 log messages of half the cap each: 20 times the cap on the call's one stream.
    expect(await registry.call('sse.chatty', { count: 40, bytes: CAP / 2 }, context())).toEqual({
      ok: true,
      output: 'logged 40',
    });
  });

  it('one answer over the cap fails alone (TOOL_ERROR, MCP_RESPONSE_TOO_LARGE); a call in flight completes', async () => {
    sse.closeGate();
    const inFlight = registry.call('sse.gated', {}, context());
    const big = await registry.call('sse.sized', { bytes: 2 * CAP }, context());
    expect(big).toMatchObject({
      ok: false,
      errorCode: 'TOOL_ERROR',
      errorReason: 'MCP_RESPONSE_TOO_LARGE',
      error: expect.stringContaining(`MCP server "sse" sent a response larger than ${CAP} bytes`),
    });
    sse.openGate();
    expect(await inFlight).toEqual({ ok: true, output: 'opened' });
    // And the connection serves the next call.
    expect(await registry.call('sse.sized', { bytes: 10 }, context())).toEqual({ ok: true, output: 'x'.repeat(10) });
  });
});
