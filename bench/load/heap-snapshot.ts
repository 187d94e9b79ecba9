import { readFileSync } from 'node:fs';

export interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface Heap {
  /** The grouping key of each node: `type:name`, with strings and code folded together. */
  keys: string[];
  selfSize: number[];
  /** V8's node ids: stable across the snapshots of one process, so they tell which objects are new. */
  ids: number[];
  /** Node n's edges are firstEdge[n] .. firstEdge[n + 1] - 1, pointing at edgeTo[e] (weak ones excluded). */
  firstEdge: Int32Array;
  edgeTo: Int32Array;
  raw: Snapshot;
}

/** Reads a .heapsnapshot and groups its nodes by constructor (closures by the script they come from). */
export function loadHeap(path: string): Heap {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const { node_fields, node_types, edge_fields, edge_types } = raw.snapshot.meta;
  const width = node_fields.length;
  const typeAt = node_fields.indexOf('type');
  const nameAt = node_fields.indexOf('name');
  const sizeAt = node_fields.indexOf('self_size');
  const idAt = node_fields.indexOf('id');
  const countAt = node_fields.indexOf('edge_count');
  const edgeWidth = edge_fields.length;
  const edgeTypeAt = edge_fields.indexOf('type');
  const edgeNameAt = edge_fields.indexOf('name_or_index');
  const toAt = edge_fields.indexOf('to_node');
  const types = node_types[0];
  const edgeTypes = edge_types[0];
  const nodeCount = raw.nodes.length / width;
  const firstRaw = new Int32Array(nodeCount);
  for (let n = 0, e = 0; n < nodeCount; e += raw.nodes[n * width + countAt]! * edgeWidth, n++) firstRaw[n] = e;
  const firstEdge = new Int32Array(nodeCount + 1);
  const edgeTo = new Int32Array(raw.edges.length / edgeWidth);
  let strong = 0;
  for (let n = 0; n < nodeCount; n++) {
    firstEdge[n] = strong;
    const count = raw.nodes[n * width + countAt]!;
    for (let k = 0; k < count; k++) {
      const e = firstRaw[n]! + k * edgeWidth;
      const kind = edgeTypes[raw.edges[e + edgeTypeAt]!];
      if (kind === 'weak' || kind === 'shortcut') continue;
      edgeTo[strong++] = raw.edges[e + toAt]! / width;
    }
  }
  firstEdge[nodeCount] = strong;
  /** The node an edge of node `n` with this property name points to. */
  const follow = (n: number, name: string): number | undefined => {
    const count = raw.nodes[n * width + countAt]!;
    for (let k = 0; k < count; k++) {
      const e = firstRaw[n]! + k * edgeWidth;
      const kind = edgeTypes[raw.edges[e + edgeTypeAt]!];
      if (kind !== 'element' && kind !== 'hidden' && raw.strings[raw.edges[e + edgeNameAt]!] === name)
        return raw.edges[e + toAt]! / width;
    }
    return undefined;
  };
  const nameOf = (n: number) => raw.strings[raw.nodes[n * width + nameAt]!]!;
  /** Where a closure's code lives: closure → shared function info → script. */
  const scriptOf = (closure: number): string => {
    const shared = follow(closure, 'shared');
    const script = shared === undefined ? undefined : follow(shared, 'script_or_debug_info');
    return script === undefined ? '?' : shortScript(nameOf(script));
  };
  const keys: string[] = [];
  const selfSize: number[] = [];
  const ids: number[] = [];
  for (let n = 0; n < nodeCount; n++) {
    const type = types[raw.nodes[n * width + typeAt]!]!;
    const name = nameOf(n);
    let key = groupKey(type, name);
    if (type === 'closure') key = `${key} @ ${scriptOf(n)}`;
    else if (type === 'object' && name === 'Generator') {
      const fn = follow(n, 'function');
      if (fn !== undefined) key = `${key} of ${nameOf(fn) || '(anonymous)'} @ ${scriptOf(fn)}`;
    }
    keys.push(key);
    selfSize.push(raw.nodes[n * width + sizeAt]!);
    ids.push(raw.nodes[n * width + idAt]!);
  }
  return { keys, selfSize, ids, firstEdge, edgeTo: edgeTo.subarray(0, strong), raw };
}

/** `…/node_modules/.pnpm/x@1/node_modules/graphql-ws/dist/server.mjs` → `graphql-ws/dist/server.mjs`. */
function shortScript(url: string): string {
  const m = /.*node_modules\/(.*)$/.exec(url);
  if (m) return m[1]!;
  return url.replace(/^file:\/\/.*?\/(server|bench|test)\//, '$1/');
}

function groupKey(type: string, name: string): string {
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)';
  if (type === 'code') return '(code)';
  if (type === 'number') return '(heap number)';
  return `${type}:${name.length > 40 ? `${name.slice(0, 37)}...` : name}`;
}
