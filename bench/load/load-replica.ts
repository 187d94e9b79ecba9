import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ReplicaReply, ReplicaRequest } from './replica-protocol.js';

const serverDir = fileURLToPath(new URL('../../server/', import.meta.url));
// Built the way production runs the server (server/build.mjs), beside server/dist/main.mjs.
const serverBundle = 'dist/bench-load-server.mjs';
let built = false;

export interface ReplicaOptions {
  databaseUrl: string;
  modelMs: number;
  /** Extra environment for the server (EVENT_BUS, ...). */
  env?: Record<string, string>;
  /** Extra node flags (e.g. --expose-gc); BENCH_SERVER_NODE_ARGS is appended. */
  nodeArgs?: string[];
}

/** Resident set size of a process, from /proc/<pid>/status (Linux): now and its peak (high-water mark). */
export interface Rss {
  rssBytes: number;
  peakBytes: number;
}

/**
 * One Baton replica of the load benchmark: `load-server.ts`, bundled as production bundles the server, in a child process, with an IPC channel
 * for the replica's own figures (memory, model calls, heap snapshots).
 */
export class LoadReplica {
  private nextRequest = 1;
  private readonly pending = new Map<number, (reply: ReplicaReply) => void>();

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    /** The integrator key the replica made (BENCH_ONE_KEY), sent with every request. */
    readonly key?: string,
  ) {
    child.on('message', (m: ReplicaReply & { requestId: number }) => {
      this.pending.get(m.requestId)?.(m);
      this.pending.delete(m.requestId);
    });
  }

  static start(options: ReplicaOptions): Promise<LoadReplica> {
    const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    if (!built) {
      execFileSync(process.execPath, ['build.mjs', `../bench/load/load-server.ts=${serverBundle}`], { cwd: serverDir });
      built = true;
    }
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...extra, serverBundle], {
      cwd: serverDir,
      env: {
        ...process.env,
        ...options.env,
        BENCH_DATABASE_URL: options.databaseUrl,
        BENCH_MODEL_MS: String(options.modelMs),
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (l) => {
        const m = /^READY (\S+)(?: (\S+))?/.exec(l);
        if (m) resolve(new LoadReplica(child, m[1]!, m[2]));
      });
      child.once('exit', (code) => reject(new Error(`replica exited with ${code} before it was ready`)));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Asks the replica process for one of its figures; see replica-protocol.ts. */
  request<K extends ReplicaRequest['kind']>(
    request: Extract<ReplicaRequest, { kind: K }>,
  ): Promise<Extract<ReplicaReply, { kind: K }>> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, (reply) => {
        if (reply.kind === 'error') reject(new Error(reply.message));
        else resolve(reply as Extract<ReplicaReply, { kind: K }>);
      });
      this.child.send({ ...request, requestId });
    });
  }

  /** The bus kind the replica reports on /readyz, so a bench run shows which bus it really measured. */
  async busKind(): Promise<string> {
    const res = await fetch(`${this.url}/readyz`);
    const body = (await res.json()) as { bus?: string };
    return body.bus ?? 'unknown';
  }

  /** User plus system CPU time, from /proc (Linux); NaN elsewhere. */
  cpuSeconds(): number {
    try {
      const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return Number.NaN;
    }
  }

  /** VmRSS and VmHWM (the kernel's own peak RSS of the process), from /proc (Linux); NaN elsewhere. */
  rss(): Rss {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
      return { rssBytes: kib('VmRSS'), peakBytes: kib('VmHWM') };
    } catch {
      return { rssBytes: Number.NaN, peakBytes: Number.NaN };
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
