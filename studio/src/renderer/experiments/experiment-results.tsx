import { useState } from 'react';
import { useQuery } from 'urql';
import { CompareExperimentsQuery, type ExperimentData, ExperimentResultsQuery } from './experiment-documents.js';

/** One experiment's failed cases and confusion, and what changed against an earlier experiment. */
export function ExperimentResults(props: {
  experiment: ExperimentData;
  previous?: ExperimentData;
  all: readonly ExperimentData[];
}) {
  const [baseId, setBaseId] = useState(props.previous?.id ?? '');
  const [{ data }] = useQuery({ query: ExperimentResultsQuery, variables: { id: props.experiment.id } });
  const [compare] = useQuery({
    query: CompareExperimentsQuery,
    variables: { baseId, id: props.experiment.id },
    pause: !baseId,
  });
  const results = data?.experiment.results ?? [];
  const failed = results.filter((r) => !r.passed);
  const c = compare.data?.compareExperiments;
  const others = props.all.filter((e) => e.id !== props.experiment.id && e.status === 'COMPLETED');
  return (
    <section className="experiment-results" aria-label={`Results of ${props.experiment.name}`}>
      <h3>
        {props.experiment.name}: {props.experiment.passed}/{props.experiment.total} passed
      </h3>
      {others.length > 0 && (
        <div className="compare">
          <label className="inline-label">
            Compare with{' '}
            <select value={baseId} onChange={(e) => setBaseId(e.target.value)}>
              <option value="">—</option>
              {others.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
          {c && (
            <section aria-label="Comparison">
              <p>
                Pass rate {c.passRateDelta >= 0 ? '+' : ''}
                {(c.passRateDelta * 100).toFixed(1)} points · {c.improved.length} better · {c.regressed.length} worse ·{' '}
                {c.unchanged} unchanged
              </p>
              {c.regressed.length > 0 && (
                <ul className="case-list regressed" aria-label="Got worse">
                  {c.regressed.map((r) => (
                    <li key={r.position}>
                      #{r.position} {r.label}
                    </li>
                  ))}
                </ul>
              )}
              {c.improved.length > 0 && (
                <ul className="case-list improved" aria-label="Got better">
                  {c.improved.map((r) => (
                    <li key={r.position}>
                      #{r.position} {r.label}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
        </div>
      )}
      <h4>Failed cases ({failed.length})</h4>
      <ul className="case-list" aria-label="Failed cases">
        {failed.map((r) => (
          <li key={r.position}>
            <strong>
              #{r.position} {r.label}
            </strong>
            {r.failures.map((f) => (
              <div key={f} className="muted">
                {f}
              </div>
            ))}
          </li>
        ))}
      </ul>
      {(data?.experiment.confusion.length ?? 0) > 0 && (
        <table className="table" aria-label="Confusion by agent">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Right</th>
              <th scope="col">Planned, not expected</th>
              <th scope="col">Expected, missed</th>
            </tr>
          </thead>
          <tbody>
            {data?.experiment.confusion.map((row) => (
              <tr key={row.agent}>
                <td>{row.agent}</td>
                <td>{row.truePositives}</td>
                <td>{row.falsePositives}</td>
                <td>{row.falseNegatives}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
