import { useMemo } from 'react';
import type { Plan } from '../lib/baton-event.js';
import { layeredLayout } from '../lib/layered-layout.js';
import type { TaskState } from '../lib/run-summary.js';

const W = 216;
const H = 60;

/** The plan as a DAG: one node per task (id, agent, state), arrows along `dependsOn`. */
export function PlanDag(props: { plan: Plan; states: Record<string, TaskState>; next: readonly string[] }) {
  const layout = useMemo(
    () =>
      layeredLayout({
        nodes: props.plan.tasks.map((t) => ({ id: t.id })),
        edges: props.plan.tasks.flatMap((t) => t.dependsOn.map((d) => ({ from: d, to: t.id }))),
        nodeWidth: W,
        nodeHeight: H,
        gapX: 48,
        gapY: 14,
      }),
    [props.plan],
  );
  const tasks = new Map(props.plan.tasks.map((t) => [t.id, t]));
  const pad = 8;
  return (
    <svg
      className="graph plan-dag"
      viewBox={`${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}`}
      width={layout.width + 2 * pad}
      height={layout.height + 2 * pad}
      role="img"
      aria-label={`Plan: ${props.plan.tasks.map((t) => `${t.id} ${t.agent} ${props.states[t.id] ?? 'pending'}`).join(', ')}`}
    >
      <defs>
        <marker id="plan-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0 0 L10 5 L0 10 z" className="graph-arrow" />
        </marker>
      </defs>
      {layout.edges.map((e) => (
        <path key={`${e.from}-${e.to}`} d={e.path} className="graph-edge" markerEnd="url(#plan-arrow)" />
      ))}
      {layout.nodes.map((n) => {
        const t = tasks.get(n.id)!;
        const state = props.states[n.id] ?? 'pending';
        const isNext = props.next.includes(n.id);
        return (
          <g
            key={n.id}
            transform={`translate(${n.x} ${n.y})`}
            className={`graph-node task-${state} ${isNext ? 'task-next' : ''}`}
          >
            <rect width={W} height={H} rx={8} />
            <circle cx={14} cy={18} r={4} className="task-dot" />
            <text x={24} y={23} className="graph-node-title">
              {t.agent.length > 24 ? `${t.agent.slice(0, 23)}…` : t.agent}
            </text>
            <text x={24} y={44} className="graph-node-sub">
              {t.id} · {isNext ? 'next' : state}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
