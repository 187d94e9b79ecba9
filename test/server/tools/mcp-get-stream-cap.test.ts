import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryEventStore } from '@modelcontextprotocol/sdk/examples/shared/inMemoryEventStore.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { McpToolRegistry } from '../../../server/src/tools/mcp-tool-registry.js';
import type { ToolCallContext } from '../../../server/src/tools/tool-registry.js';
import { createSeededStore, type SeededStore } from '../store/store-test-kit.js';

const CAP = 64 * 1024;

/**
 * The MCP SDK's own server over Streamable HTTP, resumable (an event store gives each message an id), one session
 * per client. It records each GET (the long-lived stream a client opens for messages no request waits on) with the
 * Last-Event-ID it resumed from, and the id of each message it stored.
 */
async function startResumableServer() {
  /** Each session's server, by session id. */
  const servers = new Map<string, McpServer>();
  const gets: { session: string; lastEventId?: string; response: ServerResponse }[] = [];
  const stored: { id: string; bytes: number }[] = [];
  class RecordingEventStore extends InMemoryEventStore {
    override async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
      const id = await super.storeEvent(streamId, message);
      stored.push({ id, bytes: JSON.stringify(message).length });
      return id;
    }
  }
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http: Server = createServer(async (req, res) => {
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      const fresh = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        eventStore: new RecordingEventStore(),
        onsessioninitialized: (sid) => {
          sessions.set(sid, fresh);
          servers.set(sid, server);
        },
      });
      const server = new McpServer({ name: 'resumable', version: '1.0.0' }, { capabilities: { logging: {} } });
      server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
        content: [{ type: 'text', text }],
      }));
      await server.connect(fresh);
      transport = fresh;
    }
    if (req.method === 'GET')
      gets.push({
        session: String(id),
        lastEventId: req.headers['last-event-id'] as string | undefined,
        response: res,
      });
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    servers,
    gets,
    stored,
    close: async () => {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

const context = (callIndex: number): ToolCallContext => ({
  conversationId: 'conv-1',
  runId: 'run-1',
  taskId: 't1',
  agentName: 'ProductAgent',
  callIndex,
  idempotencyKey: `run-1:t1:${callIndex}`,
  customer: { verified: false },
});

/**
 * A message over MCP_MAX_RESPONSE_BYTES on the long-lived GET stream ends that stream, and the MCP SDK opens it again,
 * resuming after the last message it got. It must resume after the one over the cap: resuming before it, a resumable
 * server sent it again, the stream ended again, and so on every second for as long as the connection lived.
 */
describe('the MCP response cap on the GET stream', () => {
  let s: SeededStore;
  let registry: McpToolRegistry;
  let server: Awaited<ReturnType<typeof startResumableServer>>;

  beforeAll(async () => {
    s = await createSeededStore();
    server = await startResumableServer();
    registry = await McpToolRegistry.create({
      db: s.db,
      callTimeoutMs: 20_000,
      connectTimeoutMs: 20_000,
      refreshIntervalMs: 60_000,
      outboundAllowHosts: ['127.0.0.1'],
      maxResponseBytes: CAP,
    });
    await registry.registerServer({ name: 'resumable', transport: 'http', url: server.url });
  });
  afterAll(async () => {
    await registry.close();
    await server.close();
    await s.dispose();
  });

  it('ends the stream at a message over the cap; the stream reopens after it, and the connection goes on', async () => {
    // The registry connects on its first call; its connection's GET stream is open (its headers sent: a message sent from now on goes on it).
    expect(await registry.call('resumable.echo', { text: 'hi' }, context(0))).toEqual({ ok: true, output: 'hi' });
    const open = () => server.gets.filter((g) => g.response.headersSent && !g.response.writableEnded);
    await vi.waitFor(() => expect(open()).toHaveLength(1), { timeout: 10_000 });
    const { session: id } = open()[0]!;
    const session = server.servers.get(id)!;
    const gets = () => server.gets.filter((g) => g.session === id);
    // A small message, then one over the cap, on the GET stream (no request waits on them).
    await session.server.sendLoggingMessage({ level: 'info', data: 'small' });
    await session.server.sendLoggingMessage({ level: 'info', data: 'y'.repeat(2 * CAP) });
    const big = server.stored.find((e) => e.bytes > CAP)!;
    expect(big).toBeDefined();
    // The SDK opens the stream again (after its backoff), from the message over the cap: it is not sent again.
    await vi.waitFor(() => expect(gets()).toHaveLength(2), { timeout: 10_000 });
    expect(gets()[1]!.lastEventId).toBe(big.id);
    // Calls on the connection were never affected.
    expect(await registry.call('resumable.echo', { text: 'still here' }, context(1))).toEqual({
      ok: true,
      output: 'still here',
    });
  }, 30_000);
});
