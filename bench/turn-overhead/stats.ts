import { availableParallelism, cpus } from 'node:os';

export interface Summary {
  turns: number;
  p50: number;
  p99: number;
  mean: number;
}

/** Nearest-rank percentiles and the mean of a list of durations (ms). */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return {
    turns: samples.length,
    p50: rank(0.5),
    p99: rank(0.99),
    mean: samples.reduce((s, x) => s + x, 0) / samples.length,
  };
}

/** The machine line every benchmark prints: figures mean little without it. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu';
  return `machine: ${availableParallelism()} cores (nproc), ${cpu}, node ${process.version}, ${process.platform}/${process.arch}`;
}

export const ms = (x: number) => `${x.toFixed(x < 10 ? 3 : 1)} ms`;

/** A plain fixed-width table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** CPU time (user + system) this process has used, in ms. */
export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Runs `turn` `warmup` times unmeasured, then `turns` times measured: each turn's wall time, and the
 * process's CPU time per turn, which a busy shared machine inflates far less than wall time.
 */
export async function measure(
  turn: () => Promise<void>,
  turns: number,
  warmup: number,
): Promise<{ samples: number[]; cpuPerTurn: number }> {
  for (let i = 0; i < warmup; i++) await turn();
  const samples: number[] = [];
  const cpu = cpuMs();
  for (let i = 0; i < turns; i++) {
    const started = performance.now();
    await turn();
    samples.push(performance.now() - started);
  }
  return { samples, cpuPerTurn: (cpuMs() - cpu) / turns };
}
