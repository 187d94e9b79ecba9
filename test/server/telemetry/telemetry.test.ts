import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import * as semconv from '../../../server/src/telemetry/semconv.js';
import { Telemetry } from '../../../server/src/telemetry/telemetry.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('spans for a turn (offline provider, real store tools)', () => {
  let t: TestApp;
  const exporter = new InMemorySpanExporter();
  let spans: ReadableSpan[];
  let runId: string;
  let conversationId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_DEMO_DATA: 'true' }, spanExporter: exporter });
    conversationId = (await t.app.services.conversations.start({})).conversation.id;
    const run = await t.app.services.runs.submit(
      conversationId,
      "Hi, I'm james.li4495@example.com. Where's my order #W2611340, and do you have red sneakers in size 9?",
      'AUTO',
    );
    runId = run.id;
    expect((await waitForRun(t.app, runId, 60_000)).status).toBe('COMPLETED');
    spans = exporter.getFinishedSpans();
  });
  afterAll(() => t.close());

  const named = (prefix: string) => spans.filter((s) => s.name.startsWith(prefix));

  it('has one run span with the plan and each task under it, all in one trace', async () => {
    const [run] = named('invoke_workflow');
    expect(run?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.conversation.id': conversationId,
      'baton.run.id': runId,
      'baton.run.outcome': 'completed',
    });
    const plan = named('invoke_agent PlannerAgent');
    expect(plan).toHaveLength(1);
    expect(parentOf(plan[0]!)).toBe(run!.spanContext().spanId);
    expect(plan[0]!.attributes).toMatchObject({ 'gen_ai.agent.name': 'PlannerAgent', 'baton.plan.source': 'planner' });

    const planned = ((await t.app.services.conversations.getRun(runId)).plan?.tasks ?? []).map((task) => task.agent);
    const tasks = named('invoke_agent').filter((s) => s.attributes['gen_ai.agent.name'] !== 'PlannerAgent');
    expect(tasks.map((s) => s.attributes['gen_ai.agent.name']).sort()).toEqual([...planned].sort());
    expect(planned.length).toBeGreaterThanOrEqual(2);
    for (const task of tasks) expect(parentOf(task)).toBe(run!.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('model calls are GenAI chat spans with model, agent and token usage, under the plan or the task', () => {
    const chats = named('chat ');
    expect(chats.length).toBeGreaterThanOrEqual(3);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (const chat of chats) {
      expect(chat.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'offline',
        'gen_ai.request.model': expect.any(String),
        'gen_ai.response.model': expect.any(String),
      });
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThanOrEqual(0);
      // The parent is the agent that made the call.
      const parent = byId.get(parentOf(chat)!);
      expect(parent?.attributes['gen_ai.agent.name']).toBe(chat.attributes['gen_ai.agent.name']);
    }
  });

  it('tool calls are execute_tool spans naming the tool, under the task that made them', () => {
    const tools = named('execute_tool');
    const names = tools.map((s) => s.attributes['gen_ai.tool.name']);
    expect(names).toEqual(expect.arrayContaining(['store.find_user_id_by_email', 'store.get_order_status']));
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (const tool of tools) {
      expect(tool.attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.call.id': expect.stringContaining(runId),
        'baton.run.id': runId,
      });
      const parent = byId.get(parentOf(tool)!);
      // The knowledge retriever runs beside the planner, directly under the run; agents' calls sit under their task.
      expect(parent?.name).toMatch(/^invoke_(agent|workflow)/);
      if (tool.attributes['gen_ai.agent.name'] !== 'KnowledgeRetriever')
        expect(parent?.attributes['gen_ai.agent.name']).toBe(tool.attributes['gen_ai.agent.name']);
    }
  });
});

describe('Telemetry', () => {
  it("names attributes as the semantic conventions package does (Baton's copies of its names)", async () => {
    const published: Record<string, unknown> = await import('@opentelemetry/semantic-conventions/incubating');
    for (const [name, value] of Object.entries(semconv)) expect([name, published[name]]).toEqual([name, value]);
  });

  it('is off (and records nothing) without an exporter or OTLP endpoint', async () => {
    const telemetry = await Telemetry.create(loadConfig({}));
    expect(telemetry.enabled).toBe(false);
    expect(await telemetry.span('x', {}, async (span) => span)).toBeUndefined();
  });

  it('marks a span that threw as an error and rethrows', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = await Telemetry.create(loadConfig({}), { exporter });
    await expect(
      telemetry.span('outer', {}, () => telemetry.span('inner', {}, async () => Promise.reject(new Error('boom')))),
    ).rejects.toThrow('boom');
    const [inner, outer] = exporter.getFinishedSpans();
    expect(inner?.name).toBe('inner');
    expect(inner?.status).toMatchObject({ code: 2, message: 'boom' });
    expect(inner?.events[0]?.name).toBe('exception');
    expect(parentOf(inner!)).toBe(outer?.spanContext().spanId);
  });

  it('exports over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const { createServer } = await import('node:http');
    const received: { path: string; bytes: number }[] = [];
    const server = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (d: Buffer) => (bytes += d.length));
      req.on('end', () => {
        received.push({ path: req.url ?? '', bytes });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const telemetry = await Telemetry.create(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }));
      await telemetry.span('exported', { 'baton.test': true }, async () => undefined);
      await telemetry.shutdown();
      expect(received.map((r) => r.path)).toContain('/v1/traces');
      expect(received[0]!.bytes).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});
