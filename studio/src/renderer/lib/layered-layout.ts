export interface LayoutInput {
  nodes: readonly { id: string }[];
  /** Directed edges; cycles are allowed (hand-offs can go both ways) and drawn as back edges. */
  edges: readonly { from: string; to: string }[];
  nodeWidth: number;
  nodeHeight: number;
  gapX?: number;
  gapY?: number;
}

export interface PositionedNode {
  id: string;
  x: number;
  y: number;
  layer: number;
}

export interface RoutedEdge {
  from: string;
  to: string;
  /** An SVG path from the source's right side to the target's left side. */
  path: string;
  /** The edge points against the flow (a cycle): drawn as an arc below the nodes. */
  back: boolean;
}

export interface Layout {
  nodes: PositionedNode[];
  edges: RoutedEdge[];
  width: number;
  height: number;
}

/**
 * A small left-to-right layered layout (Sugiyama-style): longest-path layers after dropping back edges,
 * then a few barycentre sweeps to reduce crossings. Enough for plans (≤12 tasks) and agent graphs.
 */
export function layeredLayout(input: LayoutInput): Layout {
  const { nodeWidth: w, nodeHeight: h } = input;
  const gapX = input.gapX ?? 56;
  const gapY = input.gapY ?? 20;
  const ids = input.nodes.map((n) => n.id);
  const known = new Set(ids);
  const edges = input.edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);

  const back = findBackEdges(ids, edges);
  const forward = edges.filter((e) => !back.has(key(e)));

  // Longest path from the sources gives each node its column.
  const layer = new Map(ids.map((id) => [id, 0]));
  for (let changed = true, guard = 0; changed && guard < ids.length + 1; guard++) {
    changed = false;
    for (const e of forward) {
      const want = layer.get(e.from)! + 1;
      if (layer.get(e.to)! < want) {
        layer.set(e.to, want);
        changed = true;
      }
    }
  }
  const columns: string[][] = [];
  for (const id of ids) {
    const c = layer.get(id)!;
    columns[c] ??= [];
    columns[c].push(id);
  }

  const preds = (id: string) => forward.filter((e) => e.to === id).map((e) => e.from);
  const succs = (id: string) => forward.filter((e) => e.from === id).map((e) => e.to);
  const order = new Map<string, number>();
  const index = () => {
    for (const col of columns) col.forEach((id, i) => void order.set(id, i));
  };
  index();
  const sweep = (col: string[], neighbours: (id: string) => string[]) => {
    const bary = new Map(
      col.map((id, i) => {
        const ns = neighbours(id);
        return [id, ns.length ? ns.reduce((s, n) => s + order.get(n)!, 0) / ns.length : i];
      }),
    );
    col.sort((a, b) => bary.get(a)! - bary.get(b)!);
  };
  for (let pass = 0; pass < 4; pass++) {
    for (let c = 1; c < columns.length; c++) sweep(columns[c]!, preds);
    index();
    for (let c = columns.length - 2; c >= 0; c--) sweep(columns[c]!, succs);
    index();
  }

  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const innerHeight = tallest * h + (tallest - 1) * gapY;
  const positioned = new Map<string, PositionedNode>();
  columns.forEach((col, c) => {
    const colHeight = col.length * h + (col.length - 1) * gapY;
    const top = (innerHeight - colHeight) / 2;
    col.forEach((id, i) => {
      positioned.set(id, { id, layer: c, x: c * (w + gapX), y: top + i * (h + gapY) });
    });
  });

  const backDepth = back.size ? 28 + 12 * back.size : 0;
  const routed = edges.map((e): RoutedEdge => {
    const a = positioned.get(e.from)!;
    const b = positioned.get(e.to)!;
    if (back.has(key(e))) {
      const sx = a.x + w / 2;
      const tx = b.x + w / 2;
      const bottom = innerHeight + backDepth - 8;
      return {
        from: e.from,
        to: e.to,
        back: true,
        path: `M ${sx} ${a.y + h} C ${sx} ${bottom}, ${tx} ${bottom}, ${tx} ${b.y + h}`,
      };
    }
    const sx = a.x + w;
    const sy = a.y + h / 2;
    const tx = b.x;
    const ty = b.y + h / 2;
    const mid = (sx + tx) / 2;
    return { from: e.from, to: e.to, back: false, path: `M ${sx} ${sy} C ${mid} ${sy}, ${mid} ${ty}, ${tx} ${ty}` };
  });

  return {
    nodes: ids.map((id) => positioned.get(id)!),
    edges: routed,
    width: Math.max(w, columns.length * (w + gapX) - gapX),
    height: innerHeight + backDepth,
  };
}

const key = (e: { from: string; to: string }) => `${e.from}\u0000${e.to}`;

/** Edges that close a cycle in a depth-first walk in input order. */
function findBackEdges(ids: string[], edges: { from: string; to: string }[]): Set<string> {
  const state = new Map<string, 1 | 2>();
  const back = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 1);
    for (const e of edges) {
      if (e.from !== id) continue;
      const s = state.get(e.to);
      if (s === 1) back.add(key(e));
      else if (s === undefined) visit(e.to);
    }
    state.set(id, 2);
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  return back;
}
