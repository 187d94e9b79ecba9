import type { Heap } from './heap-snapshot.js';

/**
 * Each node's immediate dominator (node 0 is the snapshot's root), by the iterative algorithm of
 * Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm"), and each node's retained size:
 * what would be freed with it. Unreachable nodes get -1.
 */
export function dominators(heap: Heap): { idom: Int32Array; retained: Float64Array } {
  const { firstEdge, edgeTo, selfSize } = heap;
  const n = firstEdge.length - 1;
  // Postorder by an iterative depth-first walk from the root.
  const post = new Int32Array(n).fill(-1);
  const order: number[] = [];
  const visited = new Uint8Array(n);
  const stack: number[] = [0];
  const cursor = new Int32Array(n);
  visited[0] = 1;
  cursor[0] = firstEdge[0]!;
  while (stack.length) {
    const v = stack[stack.length - 1]!;
    if (cursor[v]! < firstEdge[v + 1]!) {
      const w = edgeTo[cursor[v]!++]!;
      if (!visited[w]) {
        visited[w] = 1;
        cursor[w] = firstEdge[w]!;
        stack.push(w);
      }
    } else {
      stack.pop();
      post[v] = order.length;
      order.push(v);
    }
  }
  // Predecessors, for reachable nodes.
  const predCount = new Int32Array(n + 1);
  for (let v = 0; v < n; v++)
    if (visited[v]) for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e++) predCount[edgeTo[e]! + 1]!++;
  for (let v = 0; v < n; v++) predCount[v + 1]! += predCount[v]!;
  const preds = new Int32Array(predCount[n]!);
  const fill = predCount.slice(0, n);
  for (let v = 0; v < n; v++)
    if (visited[v]) for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e++) preds[fill[edgeTo[e]!]!++] = v;

  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (post[a]! < post[b]!) a = idom[a]!;
      while (post[b]! < post[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = order.length - 2; i >= 0; i--) {
      const v = order[i]!;
      let next = -1;
      for (let p = predCount[v]!; p < predCount[v + 1]!; p++) {
        const u = preds[p]!;
        if (idom[u] === -1) continue;
        next = next === -1 ? u : intersect(u, next);
      }
      if (next !== idom[v]) {
        idom[v] = next;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(n);
  for (const v of order) retained[v]! += selfSize[v]!;
  for (const v of order) if (v !== 0) retained[idom[v]!]! += retained[v]!;
  return { idom, retained };
}
