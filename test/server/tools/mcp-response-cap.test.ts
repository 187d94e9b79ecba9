import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolRegistry } from '../../../server/src/tools/mcp-tool-registry.js';
import type { ToolCallContext } from '../../../server/src/tools/tool-registry.js';
import { createSeededStore, type SeededStore } from '../store/store-test-kit.js';

const CAP = 256 * 1024;
/** What a hostile server means to send: far more than the cap, more than a socket's buffers hold. */
const HUGE = 200 * 1024 * 1024;
const CHUNK = 64 * 1024;

const tools = [
  { name: 'small', description: 'A short answer.', inputSchema: { type: 'object' } },
  { name: 'big_json', description: 'A JSON body without a length, far over the cap.', inputSchema: { type: 'object' } },
  { name: 'big_declared', description: 'A Content-Length over the cap.', inputSchema: { type: 'object' } },
  { name: 'big_sse', description: 'One SSE event far over the cap.', inputSchema: { type: 'object' } },
];

/**
 * A hand-written MCP server over HTTP (JSON-RPC by hand, so it can misbehave): `small` answers normally, the `big_*`
 * tools start a response and keep writing, with backpressure, until HUGE bytes or until the client drops them.
 */
async function startHostileServer() {
  const written = new Map<string, number>();
  const finished = new Map<string, Promise<void>>();

  async function flood(res: ServerResponse, tool: string, prefix: string): Promise<void> {
    let sent = 0;
    const filler = Buffer.alloc(CHUNK, 'x');
    res.write(prefix);
    sent += prefix.length;
    while (sent < HUGE && !res.destroyed) {
      if (!res.write(filler)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go).off('close', go);
            resolve();
          };
          res.on('drain', go).on('close', go);
        });
      }
      sent += CHUNK;
      written.set(tool, sent);
    }
    res.end();
  }

  const http: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const msg = JSON.parse(raw) as {
      id?: number;
      method: string;
      params?: { name?: string; protocolVersion?: string };
    };
    if (msg.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    const reply = (result: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
    };
    if (msg.method === 'initialize') {
      reply({
        protocolVersion: msg.params?.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: 'hostile', version: '1.0.0' },
      });
      return;
    }
    if (msg.method === 'tools/list' && req.url === '/big-list') {
      res.writeHead(200, { 'content-type': 'application/json' });
      finished.set(
        'tools/list',
        flood(res, 'tools/list', `{"jsonrpc":"2.0","id":${msg.id},"result":{"tools":[],"x":"`),
      );
      return;
    }
    if (msg.method === 'tools/list') {
      reply({ tools });
      return;
    }
    const tool = msg.params?.name ?? '';
    const head = `{"jsonrpc":"2.0","id":${msg.id},"result":{"content":[{"type":"text","text":"`;
    if (tool === 'small') {
      reply({ content: [{ type: 'text', text: 'fine' }] });
    } else if (tool === 'big_json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      finished.set(tool, flood(res, tool, head));
    } else if (tool === 'big_declared') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(HUGE) });
      finished.set(tool, flood(res, tool, head));
    } else if (tool === 'big_sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      finished.set(tool, flood(res, tool, `event: message\ndata: ${head}`));
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    /** Bytes the server got to write for `tool`, once it stopped (dropped, or all of HUGE). */
    written: async (tool: string) => {
      await finished.get(tool);
      return written.get(tool) ?? 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** A stdio MCP server (a node -e script) whose `big` tool answers with one line far over the cap. */
const stdioScript = `
const rl = require('node:readline').createInterface({ input: process.stdin });
const send = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  if (m.method === 'initialize')
    return send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'hostile', version: '1' } } });
  if (m.method === 'tools/list')
    return send({ jsonrpc: '2.0', id: m.id, result: { tools: [{ name: 'small', inputSchema: { type: 'object' } }, { name: 'big', inputSchema: { type: 'object' } }] } });
  if (m.params.name === 'small') return send({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: 'fine' }] } });
  send({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: 'x'.repeat(${4 * CAP}) }] } });
});`;

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

describe('a response of an external MCP server over MCP_MAX_RESPONSE_BYTES', () => {
  let s: SeededStore;
  let registry: McpToolRegistry;
  let hostile: Awaited<ReturnType<typeof startHostileServer>>;

  beforeAll(async () => {
    s = await createSeededStore();
    hostile = await startHostileServer();
    registry = await McpToolRegistry.create({
      db: s.db,
      callTimeoutMs: 20_000,
      connectTimeoutMs: 20_000,
      refreshIntervalMs: 60_000,
      outboundAllowHosts: ['127.0.0.1'],
      maxResponseBytes: CAP,
    });
    await registry.registerServer({ name: 'hostile', transport: 'http', url: hostile.url });
    await registry.registerServer({
      name: 'hostile_stdio',
      transport: 'stdio',
      command: process.execPath,
      args: ['-e', stdioScript],
    });
  });
  afterAll(async () => {
    await registry.close();
    await hostile.close();
    await s.dispose();
  });

  const refusal = (server: string) => ({
    ok: false,
    errorCode: 'TOOL_ERROR',
    error: expect.stringMatching(
      new RegExp(`MCP server "${server}" sent a response larger than ${CAP} bytes \\(MCP_MAX_RESPONSE_BYTES\\)`),
    ),
  });

  it('answers under the cap as before', async () => {
    expect(await registry.call('hostile.small', {}, context())).toEqual({ ok: true, output: 'fine' });
    expect(await registry.call('hostile_stdio.small', {}, context())).toEqual({ ok: true, output: 'fine' });
  });

  it.each(['big_json', 'big_sse', 'big_declared'])(
    'fails %s as a tool error naming the server and the limit, and drops the response at the cap',
    async (tool) => {
      const started = Date.now();
      expect(await registry.call(`hostile.${tool}`, {}, context())).toMatchObject(refusal('hostile'));
      // Not by the call's timeout: the read stopped when the cap was crossed.
      expect(Date.now() - started).toBeLessThan(10_000);
      // The server could write no more than the cap plus what socket buffers hold before Baton hung up.
      const written = await hostile.written(tool);
      expect(written).toBeLessThan(CAP + 16 * 1024 * 1024);
      expect(written).toBeLessThan(HUGE);
      // The connection is usable again for the next call.
      expect(await registry.call('hostile.small', {}, context())).toEqual({ ok: true, output: 'fine' });
    },
  );

  it('refuses to register a server whose tool list is over the cap, and says why', async () => {
    await expect(
      registry.registerServer({ name: 'hoarder', transport: 'http', url: hostile.url.replace(/\/mcp$/, '/big-list') }),
    ).rejects.toMatchObject({
      code: 'TOOL_ERROR',
      message: expect.stringContaining(
        `Could not connect to MCP server "hoarder": MCP server "hoarder" sent a response larger than ${CAP} bytes`,
      ),
    });
    expect(await hostile.written('tools/list')).toBeLessThan(CAP + 16 * 1024 * 1024);
    expect((await registry.servers()).map((srv) => srv.name)).not.toContain('hoarder');
  });

  it('fails a stdio line over the cap the same way, and the server is started again for the next call', async () => {
    expect(await registry.call('hostile_stdio.big', {}, context())).toMatchObject(refusal('hostile_stdio'));
    expect(await registry.call('hostile_stdio.small', {}, context())).toEqual({ ok: true, output: 'fine' });
  });
});
