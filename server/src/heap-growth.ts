import { setFlagsFromString } from 'node:v8';

const FLAG = '--heap-growing-percent';

/**
 * Sets how far V8 lets the old generation grow past what survived its last full collection (HEAP_GROWING_PERCENT).
 * Left to itself, V8 picks that factor from how fast the process allocates, up to 4×: a replica holding 2,000 live
 * subscriptions (about 90 MiB live) committed over 210 MiB of heap under load. 50% keeps it nearer 1.5× the live heap,
 * for more CPU in full collections: a setting for replicas short of memory, off by default (figures in
 * bench/README.md). V8 reads the flag at each full collection, so setting it at boot takes effect; node refuses it in
 * NODE_OPTIONS, hence a setting. A `--heap-growing-percent` passed to node wins.
 * Returns the percent that applies, or undefined when V8 decides.
 */
export function applyHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv): number | undefined {
  const given = execArgv.find((a) => a.replaceAll('_', '-').startsWith(`${FLAG}=`));
  if (given) return Number(given.split('=')[1]) || undefined;
  if (percent <= 0) return undefined;
  setFlagsFromString(`${FLAG}=${percent}`);
  return percent;
}
