import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { auditEvents } from './event-audit.js';
import { LoadConversation } from './load-conversation.js';
import type { LoadReplica } from './load-replica.js';
import { fmtMiB, fmtMs, line, machine, pct } from './load-stats.js';
import { PgWaitSampler, printWaits } from './pg-wait-sampler.js';
import { MODEL_CALLS_PER_TURN } from './replica-protocol.js';

export interface OpenLoopOptions {
  conversations: number;
  /** Messages per second, over all conversations (Poisson arrivals). */
  rate: number;
  durationS: number;
  /** Seconds of arrivals at the same rate before measuring (the JIT, the pools). */
  warmupS: number;
  modelMs: number;
  timeoutMs: number;
  /** How many conversations are being opened at a time before the arrivals start. */
  openConcurrency: number;
  orderBy: 'seq' | 'id';
  databaseUrl: string;
  /** Printed in the header: the PostgreSQL version and the bus the replicas report. */
  describe: string;
  /** Write each replica's heap snapshots here: before and after the subscriptions open, and after the run. */
  heapSnapshotDir?: string;
  /** Write each replica's CPU profile of the measured window here, as `replica-N.cpuprofile`. */
  cpuProfileDir?: string;
}

type Memory = { usage: NodeJS.MemoryUsage; rss: number };

/**
 * The open loop: N conversations hold live subscriptions while messages arrive at a fixed mean
 * rate, whatever the replicas' speed (the next arrival does not wait for a reply). Each arrival goes
 * to a conversation picked at random among those with no turn in flight. A turn is timed from its
 * scheduled arrival, so a late client or a slow server both count against it. Returns the exit code.
 */
export async function runOpenLoop(servers: LoadReplica[], o: OpenLoopOptions): Promise<number> {
  const before = await memoryOf(servers, 'baseline', o.heapSnapshotDir);
  const shoppers = Array.from(
    { length: o.conversations },
    (_, i) => new LoadConversation(servers[i % servers.length]!.url, servers[(i + 1) % servers.length]!.url, o.orderBy),
  );
  const setupErrors: string[] = [];
  const openStarted = performance.now();
  await inPool(shoppers, o.openConcurrency, (s) =>
    s.open().catch((err: Error) => {
      setupErrors.push(`open: ${err.message}`);
    }),
  );
  const openMs = performance.now() - openStarted;
  const open = shoppers.filter((s) => s.id);
  const subscribersOn = servers.map((_, r) => shoppers.filter((s, i) => s.id && (i + 1) % servers.length === r).length);
  // Let the replicas finish setting up the subscriptions before measuring them.
  await sleep(2_000);
  const subscribed = await memoryOf(servers, 'subscribed', o.heapSnapshotDir);

  const maxRss = servers.map(() => 0);
  const rssTimer = setInterval(() => {
    servers.forEach((s, i) => {
      maxRss[i] = Math.max(maxRss[i]!, s.rss().rssBytes);
    });
  }, 250);
  const waits = new PgWaitSampler(o.databaseUrl);
  const load = loadavg()[0]!;
  const callsBefore = await modelCalls(servers);

  const idle = [...open];
  const inFlight = new Set<Promise<void>>();
  const turnMs: number[] = [];
  const lagMs: number[] = [];
  let scheduled = 0;
  let skipped = 0;
  let failed = 0;
  let turnNo = 0;
  for (const s of open) s.measuring = false;
  const started = performance.now();
  const measureFrom = started + o.warmupS * 1000;
  const end = measureFrom + o.durationS * 1000;
  let profiling: Promise<unknown> | undefined;
  let cpuBefore = servers.map((s) => s.cpuSeconds());
  let clientBefore = process.cpuUsage();
  // The measured window starts on the clock, arrivals or not (an idle run measures the subscriptions' own cost).
  const startMeasuring = setTimeout(
    () => {
      cpuBefore = servers.map((s) => s.cpuSeconds());
      clientBefore = process.cpuUsage();
      for (const s of open) s.measuring = true;
      if (o.cpuProfileDir) {
        mkdirSync(o.cpuProfileDir, { recursive: true });
        profiling = Promise.all(servers.map((s) => s.request({ kind: 'cpu-profile-start' })));
      }
    },
    Math.max(0, measureFrom - performance.now()),
  );
  let next = started;
  for (;;) {
    next += (-Math.log(1 - Math.random()) / o.rate) * 1000;
    if (next >= end) break;
    const wait = next - performance.now();
    if (wait > 1) await sleep(wait);
    const measured = next >= measureFrom;
    if (measured) scheduled++;
    // Every conversation already has a turn in flight: the arrival has nowhere to go.
    if (!idle.length) {
      if (measured) skipped++;
      continue;
    }
    const pick = Math.floor(Math.random() * idle.length);
    const s = idle[pick]!;
    idle[pick] = idle[idle.length - 1]!;
    idle.pop();
    const arrival = next;
    if (measured) lagMs.push(performance.now() - arrival);
    const turn = s
      .turn(++turnNo, o.timeoutMs, arrival)
      .then(
        (ms) => {
          if (measured) turnMs.push(ms);
        },
        (err: unknown) => {
          failed++;
          s.errors.push(err instanceof Error ? err.message : String(err));
        },
      )
      .finally(() => {
        idle.push(s);
        inFlight.delete(turn);
      });
    inFlight.add(turn);
  }
  // With no arrival left in the window, the window still lasts its whole duration.
  if (end > performance.now()) await sleep(end - performance.now());
  clearTimeout(startMeasuring);
  await Promise.all(inFlight);
  const wallMs = performance.now() - measureFrom;
  const cpu = servers.map((s, i) => s.cpuSeconds() - cpuBefore[i]!);
  const clientCpu = process.cpuUsage(clientBefore);
  clearInterval(rssTimer);
  if (profiling) {
    await profiling;
    for (const [i, s] of servers.entries())
      await s.request({ kind: 'cpu-profile-stop', path: join(o.cpuProfileDir!, `replica-${i + 1}.cpuprofile`) });
  }
  const waitSummary = await waits.stop();
  const calls = (await modelCalls(servers)) - callsBefore;
  // Let in-flight deliveries land before counting.
  await sleep(1_000);
  const after = await memoryOf(servers, 'end', o.heapSnapshotDir);
  const peak = servers.map((s) => s.rss().peakBytes);
  const audit = await auditEvents(servers[0]!.url, undefined, o.orderBy, new Map(open.map((s) => [s.id, s.received])));
  await Promise.all(shoppers.map((s) => s.close()));

  // Calls per turn sent, as a check of the floor: below 3 when turns failed before their run ended.
  const callsPerTurn = calls / Math.max(1, turnNo);
  const floor = MODEL_CALLS_PER_TURN * o.modelMs;
  const overFloor = turnMs.map((t) => t - floor);
  const deliveryMs = open.flatMap((s) => s.deliveryMs);
  const errors = [...setupErrors, ...shoppers.flatMap((s) => s.errors)];

  console.log(
    `bench:load --open-loop  ${o.conversations} live conversations, ${o.rate} messages/s (Poisson) for ${o.durationS} s after ${o.warmupS} s warm-up, ${servers.length} replica(s), model ${o.modelMs} ms per call, ${o.describe}`,
  );
  console.log(`  ${machine()}, load average ${load.toFixed(1)} at start`);
  line('conversations opened', `${open.length} of ${o.conversations} in ${(openMs / 1000).toFixed(1)} s`);
  line(
    'arrivals measured',
    `${scheduled} scheduled (${(scheduled / o.durationS).toFixed(1)}/s), ${skipped} with no idle conversation, ${turnMs.length} completed, ${failed} failed, all done ${((wallMs - o.durationS * 1000) / 1000).toFixed(1)} s after the last`,
  );
  line('client send lag', `p50 ${fmtMs(pct(lagMs, 0.5))}  p99 ${fmtMs(pct(lagMs, 0.99))} (late sends count in turns)`);
  line(
    "the model's floor",
    `${floor} ms a turn (${MODEL_CALLS_PER_TURN} sequential model calls × ${o.modelMs} ms; measured ${callsPerTurn.toFixed(2)} calls per turn sent)`,
  );
  line(
    'turn time',
    `p50 ${fmtMs(pct(turnMs, 0.5))}  p99 ${fmtMs(pct(turnMs, 0.99))}  max ${fmtMs(Math.max(...turnMs))}`,
  );
  line('turn time above the floor', `p50 ${fmtMs(pct(overFloor, 0.5))}  p99 ${fmtMs(pct(overFloor, 0.99))}`);
  line('event delivery latency', `p50 ${fmtMs(pct(deliveryMs, 0.5))}  p99 ${fmtMs(pct(deliveryMs, 0.99))}`);
  line('events delivered (measured)', `${deliveryMs.length} (stored, whole run: ${audit.stored})`);
  line(
    'lost / duplicated / out of order',
    `${audit.lost} / ${audit.duplicated} / ${audit.outOfOrder} (by ${o.orderBy}, per conversation)`,
  );
  line('errors', String(errors.length));
  line(
    'CPU while measuring',
    [
      ...cpu.map((c, i) => `replica ${i + 1}: ${c.toFixed(1)} s`),
      `this client: ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(1)} s`,
    ].join(', '),
  );
  servers.forEach((_, i) => {
    const b = before[i]!;
    const s = subscribed[i]!;
    const a = after[i]!;
    const n = Math.max(1, subscribersOn[i]!);
    const per = (x: number, y: number) => `${((y - x) / n / 1024).toFixed(1)} KiB`;
    line(
      `replica ${i + 1} memory`,
      `peak RSS ${fmtMiB(peak[i]!)} (VmHWM; ${fmtMiB(maxRss[i]!)} max while measuring), ${subscribersOn[i]} subscriptions`,
    );
    line(
      '  RSS',
      `${fmtMiB(b.rss)} before subscriptions, ${fmtMiB(s.rss)} with them (${per(b.rss, s.rss)} each), ${fmtMiB(a.rss)} after the run`,
    );
    line(
      '  heap used (after a full GC)',
      `${fmtMiB(b.usage.heapUsed)}, ${fmtMiB(s.usage.heapUsed)} (${per(b.usage.heapUsed, s.usage.heapUsed)} each), ${fmtMiB(a.usage.heapUsed)}`,
    );
    line(
      '  heap total (V8 committed)',
      `${fmtMiB(b.usage.heapTotal)}, ${fmtMiB(s.usage.heapTotal)} (${per(b.usage.heapTotal, s.usage.heapTotal)} each), ${fmtMiB(a.usage.heapTotal)}`,
    );
    const native = (m: Memory) => m.rss - m.usage.heapTotal - m.usage.external;
    line(
      '  RSS outside the V8 heap',
      `${fmtMiB(native(b))}, ${fmtMiB(native(s))} (${per(native(b), native(s))} each), ${fmtMiB(native(a))}`,
    );
    line(
      '  external + array buffers',
      `${fmtMiB(b.usage.external)}, ${fmtMiB(s.usage.external)} (${per(b.usage.external, s.usage.external)} each), ${fmtMiB(a.usage.external)}`,
    );
  });
  printWaits(waitSummary, line);
  if (o.heapSnapshotDir) console.log(`  heap snapshots in ${resolve(o.heapSnapshotDir)}`);
  for (const e of errors.slice(0, 5)) console.log(`    ${e}`);
  return audit.lost || audit.duplicated || audit.outOfOrder || errors.length ? 1 : 0;
}

/** Each replica's memory (after a full GC there) and RSS; a heap snapshot too when `dir` is given. */
async function memoryOf(servers: LoadReplica[], label: string, dir?: string): Promise<Memory[]> {
  const out: Memory[] = [];
  for (const [i, s] of servers.entries()) {
    if (dir) {
      mkdirSync(dir, { recursive: true });
      await s.request({ kind: 'heap-snapshot', path: join(resolve(dir), `replica${i + 1}-${label}.heapsnapshot`) });
    }
    const { usage } = await s.request({ kind: 'memory' });
    out.push({ usage, rss: s.rss().rssBytes });
  }
  return out;
}

async function modelCalls(servers: LoadReplica[]): Promise<number> {
  const replies = await Promise.all(servers.map((s) => s.request({ kind: 'model-calls' })));
  return replies.reduce((sum, r) => sum + r.calls, 0);
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
