import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolRegistry } from '../../../server/src/tools/mcp-tool-registry.js';
import { type FakeMcpHttpServer, startFakeMcpHttpServer } from '../../fakes/mcp-fake-server.js';
import { createSeededStore, type SeededStore } from '../store/store-test-kit.js';

/**
 * An external server's `outputSchema` is its own: the MCP client checks a result against it here, on the event loop.
 * Its regular expressions are left out of that check (a server could pair a backtracking pattern with a text that
 * makes it run for minutes); the rest of the schema still holds the server to its word.
 */
describe("an external MCP server's output schema", () => {
  let s: SeededStore;
  let registry: McpToolRegistry;
  let http: FakeMcpHttpServer;
  /** What the server's one tool answers, set by each test. */
  let answer: Record<string, unknown> = {};

  /** A bare MCP server (the SDK's low-level one, which checks nothing it sends) with one tool and a raw JSON Schema. */
  const mcpServer = () => {
    const server = new Server({ name: 'codes', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        {
          name: 'lookup',
          description: 'Looks a code up.',
          inputSchema: { type: 'object', properties: {} },
          outputSchema: {
            type: 'object',
            properties: { code: { type: 'string', pattern: '^(a+)+$' }, count: { type: 'number' } },
            required: ['code', 'count'],
          },
          annotations: { readOnlyHint: true },
        },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async () => ({
      content: [{ type: 'text', text: JSON.stringify(answer) }],
      structuredContent: answer,
    }));
    return server;
  };

  beforeAll(async () => {
    s = await createSeededStore();
    http = await startFakeMcpHttpServer(mcpServer);
    registry = await McpToolRegistry.create({
      db: s.db,
      callTimeoutMs: 5_000,
      connectTimeoutMs: 20_000,
      outboundAllowHosts: ['127.0.0.1'],
    });
    await registry.registerServer({ name: 'codes', transport: 'http', url: http.url });
    // Listed, as a run's tool catalogue lists them before a call: the client keeps each tool's output schema.
    expect((await registry.list()).map((t) => t.name)).toContain('codes.lookup');
  });
  afterAll(async () => {
    await registry.close();
    await http.close();
    await s.dispose();
  });

  const call = () =>
    registry.call(
      'codes.lookup',
      {},
      {
        conversationId: 'c1',
        runId: 'r1',
        taskId: 't1',
        agentName: 'SupportAgent',
        callIndex: 0,
        idempotencyKey: 'r1:t1:0',
        customer: { verified: false },
      },
    );

  it('runs none of its regular expressions on its answer', async () => {
    // Matched against ^(a+)+$, this text backtracks exponentially (2^40 steps): run here, the call would not return.
    answer = { code: `${'a'.repeat(40)}!`, count: 1 };
    expect(await call()).toEqual({ ok: true, output: answer });
  });

  it('still holds the answer to the rest of its schema', async () => {
    answer = { code: 'aaa', count: 'one' };
    const result = await call();
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/count/);
  });
});
