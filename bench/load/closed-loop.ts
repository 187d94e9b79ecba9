import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { auditEvents } from './event-audit.js';
import { LoadConversation } from './load-conversation.js';
import type { LoadReplica } from './load-replica.js';
import { fmtMs, line, machine, pct } from './load-stats.js';
import { PgWaitSampler, printWaits } from './pg-wait-sampler.js';

export interface ClosedLoopOptions {
  conversations: number;
  turns: number;
  modelMs: number;
  timeoutMs: number;
  orderBy: 'seq' | 'id';
  databaseUrl: string;
  /** Printed in the header: the PostgreSQL version and the bus the replicas report. */
  describe: string;
  /** Writes each replica's CPU profile of the measured turns (not the set-up) into this directory. */
  cpuProfileDir?: string;
}

/**
 * The closed loop: every conversation sends its next message as soon as the previous reply arrived,
 * so the offered load is whatever the replicas sustain. Returns the process exit code.
 */
export async function runClosedLoop(servers: LoadReplica[], o: ClosedLoopOptions): Promise<number> {
  const shoppers = Array.from(
    { length: o.conversations },
    (_, i) =>
      new LoadConversation(
        servers[i % servers.length]!.url,
        servers[(i + 1) % servers.length]!.url,
        o.orderBy,
        servers[0]!.key,
      ),
  );
  const setupErrors: string[] = [];
  await Promise.all(shoppers.map((s) => s.open().catch((err: Error) => setupErrors.push(`open: ${err.message}`))));

  const cpuBefore = servers.map((s) => s.cpuSeconds());
  const clientBefore = process.cpuUsage();
  const load = loadavg()[0]!;
  const waits = new PgWaitSampler(o.databaseUrl);
  if (o.cpuProfileDir) {
    mkdirSync(o.cpuProfileDir, { recursive: true });
    await Promise.all(servers.map((s) => s.request({ kind: 'cpu-profile-start' })));
  }
  const started = performance.now();
  await Promise.all(shoppers.map((s) => (s.id ? s.talk(o.turns, o.timeoutMs) : undefined)));
  const wallMs = performance.now() - started;
  const cpu = servers.map((s, i) => s.cpuSeconds() - cpuBefore[i]!);
  const clientCpu = process.cpuUsage(clientBefore);
  const profiles = o.cpuProfileDir
    ? await Promise.all(
        servers.map((s, i) =>
          s.request({ kind: 'cpu-profile-stop', path: join(o.cpuProfileDir!, `replica-${i + 1}.cpuprofile`) }),
        ),
      )
    : [];
  const waitSummary = await waits.stop();
  // Let in-flight deliveries land before counting.
  await new Promise((r) => setTimeout(r, 1_000));
  await Promise.all(shoppers.map((s) => s.close()));

  const audit = await auditEvents(
    servers[0]!.url,
    servers[0]!.key,
    o.orderBy,
    new Map(shoppers.filter((s) => s.id).map((s) => [s.id, s.received])),
  );
  const turnMs = shoppers.flatMap((s) => s.turnMs);
  const deliveryMs = shoppers.flatMap((s) => s.deliveryMs);
  const errors = [...setupErrors, ...shoppers.flatMap((s) => s.errors)];

  console.log(
    `bench:load  ${o.conversations} conversations × ${o.turns} turns, ${servers.length} replica(s), model ${o.modelMs} ms per call, ${o.describe}${servers[0]!.key ? ', every message through one integrator key' : ''}`,
  );
  console.log(`  ${machine()}, load average ${load.toFixed(1)} at start`);
  line('turns completed', `${turnMs.length} of ${o.conversations * o.turns} in ${(wallMs / 1000).toFixed(2)} s`);
  line('throughput', `${((turnMs.length / wallMs) * 1000).toFixed(1)} turns/s`);
  line(
    'turn latency',
    `p50 ${fmtMs(pct(turnMs, 0.5))}  p99 ${fmtMs(pct(turnMs, 0.99))}  max ${fmtMs(Math.max(...turnMs))}`,
  );
  line('event delivery latency', `p50 ${fmtMs(pct(deliveryMs, 0.5))}  p99 ${fmtMs(pct(deliveryMs, 0.99))}`);
  line('events delivered', `${deliveryMs.length} (stored: ${audit.stored})`);
  line('lost / duplicated / out of order', `${audit.lost} / ${audit.duplicated} / ${audit.outOfOrder}`);
  line('errors', String(errors.length));
  line(
    'CPU during the turns',
    [
      ...cpu.map((c, i) => `replica ${i + 1}: ${c.toFixed(1)} s`),
      `this client: ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(1)} s`,
    ].join(', '),
  );
  printWaits(waitSummary, line, turnMs.length);
  for (const p of profiles) if (p.path) line('CPU profile of the turns', p.path);
  for (const e of errors.slice(0, 5)) console.log(`    ${e}`);
  return audit.lost ||
    audit.duplicated ||
    audit.outOfOrder ||
    errors.length ||
    turnMs.length < o.conversations * o.turns
    ? 1
    : 0;
}
