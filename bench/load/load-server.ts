import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/client.js';
import { applyHeapGrowth } from '../../server/src/heap-growth.js';
import type { ModelRequest } from '../../server/src/models/model-provider.js';
import { ScriptedModel, toolResultsSoFar } from '../../test/fakes/scripted-model.js';
import { standInTools } from '../../test/fakes/stand-in-tools.js';
import type { ReplicaReply, ReplicaRequest } from './replica-protocol.js';

/**
 * One Baton replica for the load benchmark, in its own process: the real app on the PostgreSQL
 * database in BENCH_DATABASE_URL, with a scripted model that answers each call after BENCH_MODEL_MS
 * (default 50 ms) and the stand-in store tools. A turn is three model calls: the plan, an order
 * lookup, the answer. EVENT_BUS and NATS_DEPLOYMENT, when set, are passed to the app's config. Prints `READY <url>`;
 * SIGTERM stops it. Over the IPC channel (when spawned with one) it answers the benchmark's
 * requests for its memory, its model calls and heap snapshots (replica-protocol.ts).
 */
async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is required');
  const latency = Number(process.env.BENCH_MODEL_MS ?? 50);
  const database = await openDatabase({ databaseUrl: url, maxConnections: Number(process.env.BENCH_POOL ?? 10) });
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SEED_DEMO_DATA: 'false',
    // --one-key: every shopper's message comes through one integrator key, as from a storefront's backend.
    AUTH_MODE: process.env.BENCH_ONE_KEY ? 'keys' : 'off',
    // The bus the benchmark picked (--bus); /readyz says which bus the app runs.
    EVENT_BUS: process.env.EVENT_BUS,
    NATS_DEPLOYMENT: process.env.NATS_DEPLOYMENT,
    HEAP_GROWING_PERCENT: process.env.HEAP_GROWING_PERCENT,
    HTTP_KEEP_ALIVE_SECONDS: process.env.HTTP_KEEP_ALIVE_SECONDS,
    RUNS_PER_PRINCIPAL: process.env.RUNS_PER_PRINCIPAL,
    // Every simulated shopper connects from 127.0.0.1: as behind a load balancer, the cap would count them as one.
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: process.env.HTTP_MAX_CONNECTIONS_PER_ADDRESS ?? '0',
  });
  // As main.ts does.
  applyHeapGrowth(config.heapGrowingPercent);
  let modelCalls = 0;
  const model = new ScriptedModel(async (req: ModelRequest) => {
    modelCalls++;
    await new Promise((r) => setTimeout(r, latency));
    if (req.agentName === 'PlannerAgent')
      return {
        content: JSON.stringify({
          refuse: false,
          tasks: [
            {
              id: 't1',
              agent: 'OrderManagementAgent',
              instruction: 'Check order #W1',
              statusMessage: 'Checking your order...',
              dependsOn: [],
            },
          ],
        }),
      };
    if (toolResultsSoFar(req) === 0)
      return { toolCalls: [{ id: 'c1', name: 'store__get_order_details', arguments: '{"order_id":"#W1"}' }] };
    return { content: 'Your order #W1 was delivered.' };
  });
  const tools = standInTools();
  const app = await buildApp(config, { database, models: model, tools: tools.registry });
  // The scripted model and the stand-in tools keep every request and call (for tests): keep memory flat, so that the
  // replica's memory is Baton's own.
  const trim = setInterval(() => {
    model.requests.length = 0;
    tools.calls.length = 0;
  }, 1_000);
  const { url: listening } = await app.start(0, '127.0.0.1');
  const runsAtOnce = Number(process.env.BENCH_KEY_RUNS_AT_ONCE) || undefined;
  const key = process.env.BENCH_ONE_KEY
    ? (await app.services.apiKeys.create('bench', 'integrator', undefined, runsAtOnce ? { runsAtOnce } : {})).key
    : '';
  console.log(`READY ${listening} ${key}`.trim());
  let profiler: Session | undefined;
  process.on('message', async (m: ReplicaRequest & { requestId: number }) => {
    const reply = (r: ReplicaReply) => process.send?.({ ...r, requestId: m.requestId });
    try {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (m.kind === 'memory') {
        gc?.();
        reply({ kind: 'memory', usage: process.memoryUsage(), collected: gc !== undefined });
      } else if (m.kind === 'model-calls') reply({ kind: 'model-calls', calls: modelCalls });
      else if (m.kind === 'heap-snapshot') {
        gc?.();
        reply({ kind: 'heap-snapshot', path: writeHeapSnapshot(m.path) });
      } else if (m.kind === 'cpu-profile-start') {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        reply({ kind: 'cpu-profile-start' });
      } else if (m.kind === 'cpu-profile-stop') {
        const { profile } = (await profiler?.post('Profiler.stop')) ?? {};
        profiler?.disconnect();
        profiler = undefined;
        if (profile) writeFileSync(m.path, JSON.stringify(profile));
        reply({ kind: 'cpu-profile-stop', path: profile ? m.path : undefined });
      }
    } catch (err) {
      reply({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
  // The benchmark died without stopping this replica: do not outlive it.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.once('SIGTERM', async () => {
    clearInterval(trim);
    await app.stop();
    await database.close();
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
