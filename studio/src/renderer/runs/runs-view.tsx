import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { AgentsQuery } from '../agents/agent-documents.js';
import { graphql } from '../graphql/graphql.js';
import { formatDuration, formatRelative, plural } from '../lib/format.js';
import { EmptyState } from '../ui/empty-state.js';
import { StatusBadge } from '../ui/status-badge.js';

const RunsQuery = graphql(`
  query RunHistory($agentName: String, $status: [RunStatus!], $since: DateTime, $first: Int) {
    runs(agentName: $agentName, status: $status, since: $since, first: $first) {
      id
      conversationId
      status
      mode
      createdAt
      finishedAt
      reply
      error
      question
      tasks {
        id
        agent
        statusMessage
      }
    }
  }
`);

const statuses = ['COMPLETED', 'RUNNING', 'PAUSED', 'PENDING', 'FAILED', 'CANCELLED'] as const;
const windows = [
  { id: 'all', label: 'Any time', ms: Number.POSITIVE_INFINITY },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;

/** The history of conversations and their runs, filtered by agent, status and time; each opens in the inspector. */
export function RunsView() {
  const [agent, setAgent] = useState('');
  const [status, setStatus] = useState('');
  const [since, setSince] = useState<(typeof windows)[number]['id']>('all');
  // The window is fixed when a filter is picked, so the query variables stay stable between renders.
  const sinceIso = useMemo(() => {
    const ms = windows.find((w) => w.id === since)!.ms;
    return Number.isFinite(ms) ? new Date(Date.now() - ms).toISOString() : null;
  }, [since]);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: RunsQuery,
    variables: {
      agentName: agent || null,
      status: status ? [status as (typeof statuses)[number]] : null,
      since: sinceIso,
      first: 200,
    },
  });
  const [agents] = useQuery({ query: AgentsQuery });
  const rows = data?.runs ?? [];
  const conversations = new Set(rows.map((r) => r.conversationId)).size;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Runs</h1>
          <p className="subtitle">
            {plural(rows.length, 'run')} in {plural(conversations, 'conversation')}
          </p>
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={() => refetch({ requestPolicy: 'network-only' })}>
            Refresh
          </button>
        </div>
      </header>
      <section className="filters" aria-label="Filter runs">
        <label>
          Agent
          <select value={agent} onChange={(e) => setAgent(e.target.value)}>
            <option value="">All agents</option>
            {(agents.data?.agents ?? []).map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All statuses</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time
          <select value={since} onChange={(e) => setSince(e.target.value as typeof since)}>
            {windows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
      </section>
      <div className="page-body scroll">
        {error && <EmptyState title="Cannot load runs">{error.message}</EmptyState>}
        {fetching && !data && <EmptyState title="Loading runs…" />}
        {data && rows.length === 0 && (
          <EmptyState title="No runs match">Change the filters, or start a run in the Playground.</EmptyState>
        )}
        {rows.length > 0 && (
          <table className="table table-rows">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Run</th>
                <th scope="col">Agents</th>
                <th scope="col">Status</th>
                <th scope="col">Mode</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((run) => {
                const href = `#/playground/${run.conversationId}?run=${run.id}`;
                return (
                  <tr key={run.id} className="row-link">
                    <td className="nowrap" title={run.createdAt}>
                      {formatRelative(run.createdAt)}
                    </td>
                    <td className="cell-main">
                      {/* The link covers the whole row (see .row-link), so a click anywhere on it opens the run. */}
                      <a href={href} className="row-link-target" title={run.question ?? undefined}>
                        {run.question ? `“${run.question}”` : <span className="muted">(no message)</span>}
                      </a>
                      <span className="muted mono cell-sub">
                        run {run.id.slice(0, 8)} · conversation {run.conversationId.slice(0, 8)}
                      </span>
                    </td>
                    <td>{[...new Set(run.tasks.map((t) => t.agent))].join(', ') || '—'}</td>
                    <td>
                      <StatusBadge status={run.status} />
                    </td>
                    <td className="muted">{run.mode.toLowerCase()}</td>
                    <td className="mono nowrap">
                      {run.finishedAt
                        ? formatDuration(new Date(run.finishedAt).getTime() - new Date(run.createdAt).getTime())
                        : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
