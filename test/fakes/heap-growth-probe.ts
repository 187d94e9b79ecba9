// Counts V8's full collections while this process retains a growing heap: `node --import tsx heap-growth-probe.ts <percent>`.
// With HEAP_GROWING_PERCENT set through applyHeapGrowth, a smaller percent leaves less room after each full
// collection, so more of them run. Prints `{ applied, majorGcs }`.
import { PerformanceObserver } from 'node:perf_hooks';
import { applyHeapGrowth } from '../../server/src/heap-growth.js';

const applied = applyHeapGrowth(Number(process.argv[2]), []);
let majorGcs = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if ((entry as { detail?: { kind?: number } }).detail?.kind === 4 /* NODE_PERFORMANCE_GC_MAJOR */) majorGcs++;
});
observer.observe({ entryTypes: ['gc'] });
const kept: unknown[] = [];
// About 240 MiB retained, 1 MiB at a time, as small objects (old space, not large-object space).
for (let mib = 0; mib < 240; mib++) {
  kept.push(Array.from({ length: 16_384 }, (_, i) => ({ i, mib })));
  await new Promise((r) => setImmediate(r));
}
await new Promise((r) => setTimeout(r, 50));
observer.disconnect();
console.log(JSON.stringify({ applied, majorGcs, kept: kept.length }));
