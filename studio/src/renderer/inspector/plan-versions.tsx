import { useState } from 'react';
import { useQuery } from 'urql';
import { formatClock } from '../lib/format.js';
import { PlanVersionsQuery } from '../playground/playground-documents.js';
import { VersionPicker } from '../ui/version-picker.js';

const fieldLabel: Record<string, string> = {
  agent: 'agent',
  instruction: 'instruction',
  statusMessage: 'status line',
  dependsOn: 'runs after',
};

/**
 * The plan's versions (planner, then each edit with who and why), and what changed between two of them.
 * `count` is how many PLAN events the inspector has seen; the inspector keys this view on it, so a new
 * version refetches.
 */
export function PlanVersions(props: { runId: string; count: number }) {
  const [picked, setPicked] = useState<{ from: number; to: number } | null>(null);
  const latest = props.count;
  const from = picked?.from ?? Math.max(1, latest - 1);
  const to = picked?.to ?? latest;
  const [result] = useQuery({
    query: PlanVersionsQuery,
    variables: { id: props.runId, from, to },
    pause: latest < 2,
    requestPolicy: 'network-only',
  });
  if (latest < 2) return null;
  const run = result.data?.run;
  const versions = run?.planVersions ?? [];
  const choose = (which: 'from' | 'to', value: number) => setPicked({ from, to, [which]: value });

  return (
    <section className="plan-versions" aria-label="Plan versions">
      <h3>Plan versions</h3>
      <ol className="plan-version-list">
        {versions.map((v) => (
          <li key={v.version}>
            <strong>v{v.version}</strong> <span className="badge badge-gray">{v.source}</span> by {v.by}
            <span className="muted"> · {formatClock(v.createdAt)}</span>
            {v.reason && <span className="plan-version-reason"> — “{v.reason}”</span>}
            <span className="muted"> · {v.tasks.map((t) => `${t.id} ${t.agent}`).join(', ')}</span>
          </li>
        ))}
      </ol>
      <VersionPicker versions={versions.map((v) => v.version)} from={from} to={to} onChoose={choose} />
      {result.error && <p className="field-error">{result.error.message}</p>}
      {run && (
        <table className="table plan-diff" aria-label={`Changes from v${from} to v${to}`}>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Change</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {run.planDiff.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No differences.
                </td>
              </tr>
            )}
            {run.planDiff.map((c) => (
              <tr key={`${c.taskId}-${c.kind}-${c.field ?? ''}`} className={`diff-${c.kind.toLowerCase()}`}>
                <td className="mono">{c.taskId}</td>
                <td>{c.kind === 'CHANGED' ? (fieldLabel[c.field ?? ''] ?? c.field) : c.kind.toLowerCase()}</td>
                <td>{c.before !== null && <del>{c.before || '—'}</del>}</td>
                <td>{c.after !== null && <ins>{c.after || '—'}</ins>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
