import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { graphql } from '../graphql/graphql.js';
import { EmptyState } from '../ui/empty-state.js';

export const AnalyticsQuery = graphql(`
  query Analytics($since: DateTime!, $until: DateTime!) {
    analytics(since: $since, until: $until) {
      agents {
        agent
        runs
        tasks
        conversations
        containment
        handoffs
        handoffRate
        latencyP50Ms
        latencyP95Ms
        tokens
        cost
        unpricedTokens
        toolCalls
        toolErrorRate
        plans
        planFallbacks
      }
      days {
        day
        runs
        tasks
        handoffs
        toolErrors
        tokens
        cost
        planFallbacks
      }
      currency
    }
  }
`);

const windows = [
  { days: 1, label: 'Last 24 hours' },
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
];
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(0)}%`);
const ms = (x: number | null) => (x === null ? '—' : x < 1000 ? `${x} ms` : `${(x / 1000).toFixed(1)} s`);
/** A cost in the prices' currency: cents below 100, whole units above. */
const money = (x: number, currency: string) =>
  new Intl.NumberFormat('en', {
    style: 'currency',
    currency,
    maximumFractionDigits: x < 1 ? 4 : x < 100 ? 2 : 0,
  }).format(x);

/** An agent's cost, or why there is none; tokens of models without a price are named. */
function CostCell(props: { cost: number | null; unpricedTokens: number; tokens: number; currency: string | null }) {
  const { cost, unpricedTokens, tokens, currency } = props;
  if (cost === null || !currency) return <td className="muted">{tokens ? 'no price set' : '—'}</td>;
  return (
    <td title={unpricedTokens ? `${unpricedTokens} tokens of models with no price set are not included` : undefined}>
      {money(cost, currency)}
      {unpricedTokens > 0 && ' *'}
    </td>
  );
}

/** How the agents do over a time window: per agent, and by day. */
export function AnalyticsView() {
  const [days, setDays] = useState(7);
  // One window per choice: the query's variables stay the same between renders.
  const variables = useMemo(() => {
    const until = new Date(Date.now() + 60_000);
    return { since: new Date(until.getTime() - days * 86_400_000).toISOString(), until: until.toISOString() };
  }, [days]);
  const [{ data, error, fetching }] = useQuery({ query: AnalyticsQuery, variables, requestPolicy: 'network-only' });
  const a = data?.analytics;
  const specialists = (a?.agents ?? []).filter((s) => s.tasks > 0);
  const planner = a?.agents.find((s) => s.agent === 'PlannerAgent');
  const currency = a?.currency ?? null;
  const priced = Boolean(currency && a?.days.some((d) => d.cost !== null));
  const unpriced = (a?.agents ?? []).some((s) => s.unpricedTokens > 0);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Analytics</h1>
          <p className="subtitle">
            {planner
              ? `${planner.plans} plans, ${planner.planFallbacks} fell back to the default agent.`
              : 'How the agents do.'}
          </p>
        </div>
        <div className="actions">
          <label className="inline-label">
            Window{' '}
            <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {windows.map((w) => (
                <option key={w.days} value={w.days}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <div className="page-body scroll">
        {error && <EmptyState title="Cannot load analytics">{error.message}</EmptyState>}
        {fetching && !a && <EmptyState title="Loading…" />}
        {a && specialists.length === 0 && <EmptyState title="No runs in this window" />}
        {a && specialists.length > 0 && (
          <>
            <div className="analytics-charts">
              <figure className="chart" aria-label="Runs and tasks by day">
                <figcaption>Runs and tasks by day</figcaption>
                <ResponsiveContainer width="100%" height={200}>
                  <BarChart data={a.days}>
                    <CartesianGrid stroke="#e4e4e8" strokeDasharray="3 3" />
                    <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                    <YAxis tick={{ fontSize: 11 }} width={40} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="runs" fill="#5b4ce0" isAnimationActive={false} />
                    <Bar dataKey="tasks" fill="#9f95f0" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
              <figure className="chart" aria-label="Tokens and tool errors by day">
                <figcaption>Tokens, hand-offs and tool errors by day</figcaption>
                <ResponsiveContainer width="100%" height={200}>
                  <BarChart data={a.days}>
                    <CartesianGrid stroke="#e4e4e8" strokeDasharray="3 3" />
                    <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                    <YAxis yAxisId="t" tick={{ fontSize: 11 }} width={48} />
                    <YAxis yAxisId="n" orientation="right" tick={{ fontSize: 11 }} width={32} />
                    <Tooltip />
                    <Legend />
                    <Bar yAxisId="t" dataKey="tokens" fill="#3c8d5a" isAnimationActive={false} />
                    <Bar yAxisId="n" dataKey="handoffs" fill="#d08a2c" isAnimationActive={false} />
                    <Bar yAxisId="n" dataKey="toolErrors" name="tool errors" fill="#c0392b" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
              {priced && currency && (
                <figure className="chart" aria-label="Cost by day">
                  <figcaption>Cost by day ({currency})</figcaption>
                  <ResponsiveContainer width="100%" height={200}>
                    <BarChart data={a.days.map((d) => ({ day: d.day, cost: d.cost ?? 0 }))}>
                      <CartesianGrid stroke="#e4e4e8" strokeDasharray="3 3" />
                      <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                      <YAxis tick={{ fontSize: 11 }} width={48} />
                      <Tooltip formatter={(v) => money(Number(v), currency)} />
                      <Legend />
                      <Bar dataKey="cost" fill="#2f7fa8" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                </figure>
              )}
            </div>
            <table className="table" aria-label="Agents">
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Runs</th>
                  <th scope="col">Tasks</th>
                  <th scope="col">Containment</th>
                  <th scope="col">Hand-off rate</th>
                  <th scope="col">Latency p50</th>
                  <th scope="col">p95</th>
                  <th scope="col">Tokens</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Tool error rate</th>
                </tr>
              </thead>
              <tbody>
                {specialists.map((s) => (
                  <tr key={s.agent}>
                    <td>{s.agent}</td>
                    <td>{s.runs}</td>
                    <td>{s.tasks}</td>
                    <td title={`${s.conversations} conversations`}>{pct(s.containment)}</td>
                    <td>{pct(s.handoffRate)}</td>
                    <td>{ms(s.latencyP50Ms)}</td>
                    <td>{ms(s.latencyP95Ms)}</td>
                    <td>{s.tokens}</td>
                    <CostCell cost={s.cost} unpricedTokens={s.unpricedTokens} tokens={s.tokens} currency={currency} />
                    <td title={`${s.toolCalls} tool calls`}>{pct(s.toolErrorRate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              Containment: the share of an agent’s conversations that never asked for a person. Token counts from the
              offline stand-in are estimates. Latency percentiles are within 1%.{' '}
              {priced
                ? unpriced
                  ? '* Cost covers the models with a price (Settings → Model prices); the other tokens are not included.'
                  : 'Cost from the model prices in Settings.'
                : 'No price set: enter model prices in Settings to see cost.'}
            </p>
          </>
        )}
      </div>
    </div>
  );
}
