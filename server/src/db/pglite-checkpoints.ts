import type { PgliteThread } from './pglite-thread.js';

export interface CheckpointPolicy {
  /** How often the WAL written since the last checkpoint is looked at. */
  checkEveryMs: number;
  /** A checkpoint once this much WAL was written since the last one (PostgreSQL's max_wal_size, in spirit). */
  maxWalBytes: number;
  /** A checkpoint once this long passed since the last one, when anything was written (checkpoint_timeout). */
  maxAgeMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  checkEveryMs: 30_000,
  maxWalBytes: 64 * 1024 * 1024,
  maxAgeMs: 5 * 60_000,
};

/**
 * PGlite is PostgreSQL in single-user mode: no checkpointer process runs, so nothing recycles WAL. Its
 * pg_wal grew by a 16 MB segment about every 2,000 stored messages, for as long as the server ran (on
 * disk, or in memory with `memory://`), and a restart after a crash replayed all of it. This takes the
 * checkpoints PostgreSQL's checkpointer would: after `maxWalBytes` of WAL, or `maxAgeMs` after the
 * last one. A checkpoint holds the one session while dirty pages are written (fsync is off): about
 * 70 ms after 80 MB of WAL on the development machine.
 */
export class PgliteCheckpoints {
  private timer?: NodeJS.Timeout;
  private last = Date.now();
  /** Where the WAL ended right after our last checkpoint: nothing written since means no timed checkpoint. */
  private endedAt?: string;
  private running?: Promise<void>;
  /** Checkpoints taken (tests and logs). */
  taken = 0;

  constructor(
    private readonly client: Pick<PgliteThread, 'query' | 'exec' | 'closed'>,
    private readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.policy.checkEveryMs).unref();
  }

  /** Stops checking; resolves once a checkpoint in progress has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Takes a checkpoint when the policy calls for one. */
  check(): Promise<void> {
    this.running ??= this.checkOnce()
      .catch((err) => {
        if (!this.client.closed) this.onError(err);
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    if (this.client.closed) return;
    const [wal] = await this.walSinceCheckpoint();
    const written = wal && wal.end !== this.endedAt;
    const due =
      !!wal && (wal.pending >= this.policy.maxWalBytes || (written && Date.now() - this.last >= this.policy.maxAgeMs));
    if (!due || this.client.closed) return;
    await this.client.exec('CHECKPOINT');
    this.last = Date.now();
    this.endedAt = (await this.walSinceCheckpoint())[0]?.end;
    this.taken++;
  }

  /** The WAL written since the last checkpoint's redo point (bytes), and where the WAL ends now. */
  private async walSinceCheckpoint(): Promise<{ pending: number; end: string }[]> {
    const { rows } = await this.client.query<{ pending: string; end: string }>(
      `select pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::bigint::text as pending, pg_current_wal_lsn()::text as end
      from pg_control_checkpoint()`,
    );
    return rows.map((r) => ({ pending: Number(r.pending), end: r.end }));
  }
}
