import { availableParallelism, cpus, totalmem } from 'node:os';

/** Nearest-rank percentile of a list; NaN when it is empty. */
export function pct(xs: readonly number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const fmtMs = (ms: number) => `${ms.toFixed(0)} ms`;

export const fmtMiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** One indented `label value` line of a benchmark's report. */
export const line = (label: string, value: string) => console.log(`  ${label.padEnd(32)} ${value}`);

/** The machine line every benchmark prints: figures mean little without it. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu';
  return `machine: ${availableParallelism()} cores, ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
}
