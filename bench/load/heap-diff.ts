import { parseArgs } from 'node:util';
import { dominators } from './heap-dominators.js';
import { type Heap, loadHeap } from './heap-snapshot.js';

/**
 * `tsx bench/load/heap-diff.ts [before.heapsnapshot] after.heapsnapshot [--per 500] [--top 25]`:
 * what grew between two V8 heap snapshots (with one, what it holds) (e.g. a replica's before and after its subscriptions
 * opened, from `bench:load --open-loop --heap-snapshot DIR`), by constructor: count and self size,
 * divided by `--per` (the subscriptions opened in between); then, when both snapshots come from one
 * process, the new objects that hang off old ones (their immediate dominator existed before), grouped
 * by `new ← old holder`, with everything they retain: that names what keeps the growth alive.
 */
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { per: { type: 'string', default: '1' }, top: { type: 'string', default: '25' } },
});

function totals(heap: Heap): Map<string, { count: number; bytes: number }> {
  const out = new Map<string, { count: number; bytes: number }>();
  heap.keys.forEach((k, i) => {
    const t = out.get(k) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += heap.selfSize[i]!;
    out.set(k, t);
  });
  return out;
}

function main(): void {
  const [beforePath, afterPath] = positionals.length === 1 ? [undefined, positionals[0]] : positionals;
  if (!afterPath) {
    console.error('usage: tsx bench/load/heap-diff.ts [before.heapsnapshot] after.heapsnapshot [--per N] [--top 25]');
    process.exit(2);
  }
  const per = Number(args.per);
  const top = Number(args.top);
  const beforeHeap = beforePath ? loadHeap(beforePath) : undefined;
  const before = beforeHeap ? totals(beforeHeap) : new Map<string, { count: number; bytes: number }>();
  const old = new Set(beforeHeap?.ids);
  const afterHeap = loadHeap(afterPath);
  const after = totals(afterHeap);
  const rows = [...after]
    .map(([key, a]) => {
      const b = before.get(key) ?? { count: 0, bytes: 0 };
      return { key, count: a.count - b.count, bytes: a.bytes - b.bytes };
    })
    .sort((x, y) => y.bytes - x.bytes);
  const grew = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(
    `heap self size grew by ${(grew / 2 ** 20).toFixed(1)} MiB: ${(grew / per / 1024).toFixed(1)} KiB per ${per > 1 ? `one of ${per}` : 'unit'}`,
  );
  console.log(`${'constructor (type:name)'.padEnd(90)} ${'count/unit'.padStart(10)} ${'bytes/unit'.padStart(10)}`);
  for (const r of rows.slice(0, top))
    console.log(
      `${r.key.padEnd(90)} ${(r.count / per).toFixed(1).padStart(10)} ${(r.bytes / per).toFixed(0).padStart(10)}`,
    );
  if (!beforeHeap) return;
  const isNew = (n: number) => !old.has(afterHeap.ids[n]!);
  if (afterHeap.ids.filter((_, n) => !isNew(n)).length < beforeHeap.ids.length / 2) {
    console.log('\n(the snapshots share few node ids: not one process, so no retainers)');
    return;
  }
  const { idom, retained } = dominators(afterHeap);
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let n = 1; n < idom.length; n++) {
    const holder = idom[n]!;
    if (holder < 0 || !isNew(n) || isNew(holder)) continue;
    const key = `${afterHeap.keys[n]}  ←  ${holder === 0 ? '(root)' : afterHeap.keys[holder]}`;
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += retained[n]!;
    groups.set(key, g);
  }
  const held = [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top);
  console.log('\nnew objects held by old ones (new  ←  its immediate dominator), with all they retain:');
  console.log(`${'new  ←  holder'.padEnd(110)} ${'count/unit'.padStart(10)} ${'retained/unit'.padStart(13)}`);
  for (const [key, g] of held)
    console.log(
      `${key.padEnd(110)} ${(g.count / per).toFixed(1).padStart(10)} ${(g.bytes / per).toFixed(0).padStart(13)}`,
    );
}

main();
