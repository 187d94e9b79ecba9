import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { usePermissions } from '../connection/permissions.js';
import { toFormErrors } from '../graphql/field-errors.js';
import { formatDuration } from '../lib/format.js';
import { chosenDrafts, type DraftChoice, DraftPicker, noDrafts, useDraftNames } from '../playground/draft-picker.js';
import { useRouter } from '../shell/router.js';
import { EmptyState } from '../ui/empty-state.js';
import { Field } from '../ui/field.js';
import { StatusBadge } from '../ui/status-badge.js';
import { DatasetQuery, DatasetsQuery, ImportDatasetMutation, StartExperimentMutation } from './experiment-documents.js';
import { ExperimentResults } from './experiment-results.js';
import { PassRateChart } from './pass-rate-chart.js';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/**
 * Experiments (#/experiments/<dataset>): datasets, running experiments with progress, results and a pass-rate chart.
 * Credentials that may not run experiments read the datasets and results.
 */
export function ExperimentsView() {
  const { route, navigate } = useRouter();
  const runs = usePermissions()('runExperiments');
  const [datasets, refetchDatasets] = useQuery({ query: DatasetsQuery, requestPolicy: 'cache-and-network' });
  const selected = route.segments[1] ?? datasets.data?.datasets[0]?.id ?? null;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Experiments</h1>
          <p className="subtitle">
            Run a dataset of cases against the published cards, or against card drafts, and compare the results.
          </p>
        </div>
      </header>
      <div className="experiments">
        <aside className="experiments-side">
          <ul className="dataset-list" aria-label="Datasets">
            {(datasets.data?.datasets ?? []).map((d) => (
              <li key={d.id}>
                <a href={`#/experiments/${d.id}`} aria-current={d.id === selected ? 'page' : undefined}>
                  <strong>{d.name}</strong> <span className="muted">{d.caseCount} cases</span>
                </a>
              </li>
            ))}
          </ul>
          {runs && (
            <ImportForm
              onImported={(id) => {
                refetchDatasets({ requestPolicy: 'network-only' });
                navigate(`/experiments/${id}`);
              }}
            />
          )}
        </aside>
        <section className="experiments-main scroll">
          {selected ? (
            <DatasetPanel key={selected} id={selected} runs={runs} />
          ) : (
            <EmptyState title="No datasets yet">{runs ? 'Import a JSONL file.' : 'An admin imports them.'}</EmptyState>
          )}
        </section>
      </div>
    </div>
  );
}

function ImportForm({ onImported }: { onImported(id: string): void }) {
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [result, run] = useMutation(ImportDatasetMutation);
  const errors = toFormErrors(result.error);
  return (
    <form
      className="import-form"
      aria-label="Import a dataset"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await run({ name, jsonl: text });
        if (r.data) {
          setName('');
          setText('');
          onImported(r.data.importDataset.id);
        }
      }}
    >
      <h2>Import JSONL</h2>
      <Field label="Dataset name" error={errors.fields.name}>
        {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="JSONL file" hint="Routing cases {utterance, agents} and scenarios {kind: scenario, name, turns}.">
        {(a) => (
          <input
            {...a}
            type="file"
            accept=".jsonl,.json,.txt"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file) {
                setText(await file.text());
                if (!name) setName(file.name.replace(/\.jsonl?$/, ''));
              }
            }}
          />
        )}
      </Field>
      {(errors.message || Object.entries(errors.fields).find(([f]) => f.startsWith('line') || f === 'jsonl')) && (
        <p className="field-error" role="alert">
          {errors.message ??
            Object.entries(errors.fields)
              .filter(([f]) => f !== 'name')
              .map(([f, m]) => `${f}: ${m}`)
              .join('; ')}
        </p>
      )}
      <button type="submit" className="btn" disabled={!name.trim() || !text || result.fetching}>
        Import {text ? `(${text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).length} lines)` : ''}
      </button>
    </form>
  );
}

/** One dataset's experiments; `runs`: may start one (the form and the drafts to run against). */
function DatasetPanel({ id, runs }: { id: string; runs: boolean }) {
  const [{ data, error }, refetch] = useQuery({
    query: DatasetQuery,
    variables: { id },
    requestPolicy: 'network-only',
  });
  const [start, runStart] = useMutation(StartExperimentMutation);
  const [provider, setProvider] = useState<'SERVER' | 'OFFLINE'>('SERVER');
  const [concurrency, setConcurrency] = useState('4');
  const [picked, setPicked] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<DraftChoice>(noDrafts);
  const draftNames = useDraftNames();
  const experiments = data?.dataset.experiments ?? [];
  const running = experiments.some((e) => e.status === 'RUNNING');
  // Progress: poll while an experiment runs.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), 400);
    return () => clearInterval(timer);
  }, [running, refetch]);
  if (error && !data) return <EmptyState title="Cannot load the dataset">{error.message}</EmptyState>;
  if (!data) return <EmptyState title="Loading…" />;
  const shown = experiments.find((e) => e.id === picked) ?? experiments.at(-1);
  const previous = shown ? experiments[experiments.indexOf(shown) - 1] : undefined;

  return (
    <div className="dataset-panel">
      <div className="panel-title">
        <h2>
          {data.dataset.name} <span className="muted">· {data.dataset.caseCount} cases</span>
        </h2>
        {runs && (
          <form
            className="actions"
            aria-label="Run an experiment"
            onSubmit={async (e) => {
              e.preventDefault();
              const r = await runStart({
                datasetId: id,
                provider,
                concurrency: Number(concurrency),
                useDrafts: chosenDrafts(drafts, draftNames),
              });
              if (r.data) {
                setPicked(null);
                refetch({ requestPolicy: 'network-only' });
              }
            }}
          >
            <label className="inline-label">
              Provider{' '}
              <select value={provider} onChange={(e) => setProvider(e.target.value as 'SERVER' | 'OFFLINE')}>
                <option value="SERVER">The server’s</option>
                <option value="OFFLINE">Offline stand-in</option>
              </select>
            </label>
            <label className="inline-label">
              Concurrency{' '}
              <input
                className="input-xs"
                type="number"
                min={1}
                max={16}
                value={concurrency}
                onChange={(e) => setConcurrency(e.target.value)}
              />
            </label>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={start.fetching || (drafts.on && !chosenDrafts(drafts, draftNames)?.length)}
            >
              Run experiment
            </button>
          </form>
        )}
      </div>
      {runs && <DraftPicker value={drafts} onChange={setDrafts} hint="other cards stay published" />}
      {start.error && (
        <p className="field-error" role="alert">
          {Object.values(toFormErrors(start.error).fields)[0] ?? toFormErrors(start.error).message}
        </p>
      )}
      <PassRateChart experiments={experiments.filter((e) => e.status === 'COMPLETED')} />
      <table className="table" aria-label="Experiments">
        <thead>
          <tr>
            <th scope="col">Experiment</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Pass rate</th>
            <th scope="col">Provider</th>
            <th scope="col">Duration</th>
            <th scope="col">Tokens</th>
          </tr>
        </thead>
        <tbody>
          {[...experiments].reverse().map((e) => (
            <tr
              key={e.id}
              className={`clickable ${e.id === shown?.id ? 'row-selected' : ''}`}
              onClick={() => setPicked(e.id)}
            >
              <td>
                <button type="button" className="link-button" onClick={() => setPicked(e.id)}>
                  {e.name}
                </button>
                <div>
                  {e.drafts.length ? (
                    <span className="badge badge-amber" title="Ran against these card drafts (with their revision)">
                      drafts: {e.drafts.map((d) => `${d.name} r${d.revision}`).join(', ')}
                    </span>
                  ) : (
                    <span className="muted">published cards</span>
                  )}
                </div>
              </td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>
                <progress max={e.total} value={e.done} aria-label={`${e.name} progress`} /> {e.done}/{e.total}
              </td>
              <td>{pct(e.passRate)}</td>
              <td className="mono">{e.provider === 'offline' ? 'offline (rule-based stand-in)' : e.provider}</td>

              <td>{formatDuration(e.durationMs)}</td>
              <td>{e.tokens}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && shown.status !== 'RUNNING' && (
        <ExperimentResults key={shown.id} experiment={shown} previous={previous} all={experiments} />
      )}
    </div>
  );
}
