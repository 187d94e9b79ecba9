import { useMemo } from 'react';
import { plural } from '../lib/format.js';
import { layeredLayout } from '../lib/layered-layout.js';
import type { AgentData } from './agent-documents.js';

const H = 52;
/** Wide enough for the longest name in 13px semibold (about 8 px a character) and its padding. */
const widthFor = (names: readonly string[]) => Math.max(188, ...names.map((n) => Math.ceil(n.length * 8.2) + 28));

/** Agents as nodes and their hand-offs as arrows; each node opens its card. */
export function HandoffGraph({ agents, onOpen }: { agents: readonly AgentData[]; onOpen(name: string): void }) {
  const W = useMemo(() => widthFor(agents.map((a) => a.name)), [agents]);
  const layout = useMemo(
    () =>
      layeredLayout({
        nodes: agents.map((a) => ({ id: a.name })),
        edges: agents.flatMap((a) => a.handoffs.map((to) => ({ from: a.name, to }))),
        nodeWidth: W,
        nodeHeight: H,
        gapX: 72,
        gapY: 18,
      }),
    [agents, W],
  );
  const byName = new Map(agents.map((a) => [a.name, a]));
  const pad = 16;
  return (
    <figure className="graph-figure">
      <svg
        className="graph"
        viewBox={`${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}`}
        width={layout.width + 2 * pad}
        height={layout.height + 2 * pad}
        role="img"
        aria-label="Hand-off graph"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0 0 L10 5 L0 10 z" className="graph-arrow" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <path
            key={`${e.from}-${e.to}`}
            d={e.path}
            className={`graph-edge ${e.back ? 'graph-edge-back' : ''}`}
            markerEnd="url(#arrow)"
          >
            <title>
              {e.from} → {e.to}
            </title>
          </path>
        ))}
        {layout.nodes.map((n) => {
          const a = byName.get(n.id)!;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it has the role and keys
            <g
              key={n.id}
              transform={`translate(${n.x} ${n.y})`}
              className={`graph-node ${a.enabled ? '' : 'graph-node-off'}`}
              role="button"
              tabIndex={0}
              aria-label={`Open ${n.id}`}
              onClick={() => onOpen(n.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onOpen(n.id);
                }
              }}
            >
              <rect width={W} height={H} rx={8} />
              <text x={12} y={22} className="graph-node-title">
                {n.id}
              </text>
              <text x={12} y={40} className="graph-node-sub">
                {a.enabled
                  ? `${plural(a.tools.length, 'tool')} · ${plural(a.handoffs.length, 'hand-off')}`
                  : 'disabled'}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        Arrows point from an agent to the agents it may hand a task to. Dashed arrows close a loop.
      </figcaption>
    </figure>
  );
}
