import postgres from 'postgres';

export interface WaitSummary {
  samples: number;
  /** Mean connections of application_name 'baton' per sample, by state. */
  meanConnections: number;
  meanActive: number;
  /**
   * Active connections by `wait_event_type/wait_event` ("CPU" when not waiting), and connections idle
   * in a transaction: mean per sample, and the share of samples they appeared in.
   */
  waits: { wait: string; mean: number; seenIn: number }[];
  /** Lock/advisory waits: mean and max per sample, samples with at least one. */
  advisory: { mean: number; max: number; samplesWithWaits: number };
  /** Transactions committed or rolled back in the benchmark's database while sampling, the sampler's own excluded. */
  transactions: number;
}

/**
 * Samples `pg_stat_activity` for Baton's connections (application_name 'baton', on the benchmark's
 * own database: other work on the server uses the same name) on a connection of
 * its own, every `intervalMs`, to show where the replicas' connections wait: a cluster-wide lock
 * appears as `Lock/advisory`. One sample at a time; a slow sample delays the next.
 */
export class PgWaitSampler {
  private readonly counts = new Map<string, { total: number; seenIn: number }>();
  private samples = 0;
  private connections = 0;
  private active = 0;
  private advisoryTotal = 0;
  private advisoryMax = 0;
  private advisorySamples = 0;
  private stopped = false;
  private readonly loop: Promise<void>;
  private transactionsAtStart = 0;
  private transactions = 0;

  constructor(
    databaseUrl: string,
    private readonly intervalMs = 100,
  ) {
    const sql = postgres(databaseUrl, {
      max: 1,
      onnotice: () => {},
      connection: { application_name: 'baton-bench-sampler' },
    });
    this.loop = this.run(sql).finally(() => sql.end());
  }

  /** Committed and rolled-back transactions of this database so far (each autocommit statement is one). */
  private static async transactionCount(sql: postgres.Sql): Promise<number> {
    const [row] = await sql<{ n: string }[]>`
      select (xact_commit + xact_rollback)::text as n from pg_stat_database where datname = current_database()`;
    return Number(row?.n ?? 0);
  }

  private async run(sql: postgres.Sql): Promise<void> {
    this.transactionsAtStart = await PgWaitSampler.transactionCount(sql);
    while (!this.stopped) {
      const next = performance.now() + this.intervalMs;
      const rows = await sql<{ state: string | null; wait: string; n: number }[]>`
        select state, coalesce(wait_event_type || '/' || wait_event, 'CPU') as wait, count(*)::int as n
        from pg_stat_activity
        where application_name = 'baton' and datname = current_database() group by 1, 2`;
      this.record(rows);
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    // Backends report their counts to the statistics system at most once a second.
    await new Promise((r) => setTimeout(r, 1_100));
    const end = await PgWaitSampler.transactionCount(sql);
    this.transactions = end - this.transactionsAtStart - this.samples - 1;
  }

  private record(rows: { state: string | null; wait: string; n: number }[]): void {
    this.samples++;
    let advisory = 0;
    for (const r of rows) {
      this.connections += r.n;
      // An idle connection waits for Baton (Client/ClientRead); one idle in a transaction holds its locks while it does.
      const key = r.state === 'active' ? r.wait : r.state?.startsWith('idle in transaction') ? r.state : undefined;
      if (!key) continue;
      if (r.state === 'active') this.active += r.n;
      const c = this.counts.get(key) ?? { total: 0, seenIn: 0 };
      c.total += r.n;
      c.seenIn++;
      this.counts.set(key, c);
      if (r.wait === 'Lock/advisory') advisory += r.n;
    }
    this.advisoryTotal += advisory;
    this.advisoryMax = Math.max(this.advisoryMax, advisory);
    if (advisory > 0) this.advisorySamples++;
  }

  async stop(): Promise<WaitSummary> {
    this.stopped = true;
    await this.loop;
    const n = Math.max(1, this.samples);
    return {
      samples: this.samples,
      meanConnections: this.connections / n,
      meanActive: this.active / n,
      waits: [...this.counts]
        .map(([wait, c]) => ({ wait, mean: c.total / n, seenIn: c.seenIn / n }))
        .sort((a, b) => b.mean - a.mean),
      advisory: { mean: this.advisoryTotal / n, max: this.advisoryMax, samplesWithWaits: this.advisorySamples },
      transactions: this.transactions,
    };
  }
}

/** Prints a WaitSummary as report lines; `turns` gives the transactions per turn. */
export function printWaits(summary: WaitSummary, line: (label: string, value: string) => void, turns?: number): void {
  if (turns)
    line(
      'PostgreSQL transactions',
      `${summary.transactions} (${(summary.transactions / turns).toFixed(1)} a turn, every statement outside a transaction counts as one)`,
    );
  line(
    'pg_stat_activity samples',
    `${summary.samples} (every 100 ms): ${summary.meanConnections.toFixed(1)} baton connections, ${summary.meanActive.toFixed(1)} active on average`,
  );
  for (const w of summary.waits.slice(0, 8))
    line(`  ${w.wait}`, `${w.mean.toFixed(2)} per sample, in ${(w.seenIn * 100).toFixed(0)}% of samples`);
  const a = summary.advisory;
  line(
    'advisory lock waits',
    `${a.mean.toFixed(2)} per sample (max ${a.max}), in ${a.samplesWithWaits} of ${summary.samples} samples`,
  );
}
