/**
 * Task latency as a histogram of logarithmic bins, so that percentiles can be read from summed hours.
 * Bin k holds latencies in [GROWTH^k, GROWTH^(k+1)) ms (bin -1: under 1 ms) and stands for
 * GROWTH^(k + 0.5), so a percentile read from the histogram is within ±1% (plus rounding to the
 * millisecond) of the latency at that rank.
 */
export const GROWTH = 1.02;

/** The SQL expression of a latency's bin; `ms` is an SQL expression in milliseconds. */
export const latencyBinSql = (ms: string) =>
  `case when ${ms} < 1 then -1 else floor(ln(${ms}) / ln(${GROWTH}))::int end`;

/** bin -> count. */
export type LatencyHistogram = Record<string, number>;

/** Adds `part` into `total`. */
export function mergeHistogram(total: Map<number, number>, part: LatencyHistogram): void {
  for (const [bin, n] of Object.entries(part)) total.set(Number(bin), (total.get(Number(bin)) ?? 0) + Number(n));
}

/** The p-th percentile (0 < p <= 1, nearest rank) in whole ms; null for an empty histogram. */
export function histogramPercentile(histogram: ReadonlyMap<number, number>, p: number): number | null {
  const bins = [...histogram.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = bins.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bin, n] of bins) {
    seen += n;
    if (seen >= rank) return bin < 0 ? 0 : Math.round(GROWTH ** (bin + 0.5));
  }
  return null;
}
