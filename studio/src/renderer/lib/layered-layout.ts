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
  // Edges that span several columns get a virtual node per column crossed, so they are routed between nodes.
  const dummy = new Set<string>();
  const chains = new Map<string, string[]>();
  const segments: { from: string; to: string }[] = [];
  for (const e of forward) {
    const span = layer.get(e.to)! - layer.get(e.from)!;
    const chain = [e.from];
    for (let i = 1; i < span; i++) {
      const id = `\u0001${key(e)}#${i}`;
      dummy.add(id);
      layer.set(id, layer.get(e.from)! + i);
      chain.push(id);
    }
    chain.push(e.to);
    chains.set(key(e), chain);
    for (let i = 0; i + 1 < chain.length; i++) segments.push({ from: chain[i]!, to: chain[i + 1]! });
  }
  const columns: string[][] = [];
  for (const id of [...ids, ...dummy]) {
    const c = layer.get(id)!;
    columns[c] ??= [];
    columns[c].push(id);
  }

  const preds = (id: string) => segments.filter((e) => e.to === id).map((e) => e.from);
  const succs = (id: string) => segments.filter((e) => e.from === id).map((e) => e.to);
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

  // Virtual nodes take a thin slot; real nodes a full one. Columns are centred on the tallest.
  const dummyH = 10;
  const slot = (id: string) => (dummy.has(id) ? dummyH : h);
  const colHeight = (col: string[]) => col.reduce((sum, id) => sum + slot(id), 0) + Math.max(0, col.length - 1) * gapY;
  const innerHeight = Math.max(h, ...columns.map(colHeight));
  const positioned = new Map<string, PositionedNode>();
  columns.forEach((col, c) => {
    let y = (innerHeight - colHeight(col)) / 2;
    for (const id of col) {
      positioned.set(id, { id, layer: c, x: c * (w + gapX), y });
      y += slot(id) + gapY;
    }
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
    // Through each virtual node: a straight run across its column, curves between columns.
    const points: [number, number][] = [];
    for (const id of chains.get(key(e)) ?? [e.from, e.to]) {
      const p = positioned.get(id)!;
      if (dummy.has(id)) points.push([p.x, p.y + dummyH / 2], [p.x + w, p.y + dummyH / 2]);
      else if (id === e.from) points.push([p.x + w, p.y + h / 2]);
      else points.push([p.x, p.y + h / 2]);
    }
    let path = `M ${points[0]![0]} ${points[0]![1]}`;
    for (let i = 1; i < points.length; i++) {
      const [px, py] = points[i - 1]!;
      const [x, y] = points[i]!;
      if (py === y && i % 2 === 0) path += ` L ${x} ${y}`;
      else {
        const mid = (px + x) / 2;
        path += ` C ${mid} ${py}, ${mid} ${y}, ${x} ${y}`;
      }
    }
    return { from: e.from, to: e.to, back: false, path };
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
