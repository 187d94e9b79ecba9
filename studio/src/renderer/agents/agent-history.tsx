import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorSummary, toFormErrors } from '../graphql/field-errors.js';
import { formatRelative } from '../lib/format.js';
import { TextDiff } from '../ui/text-diff.js';
import { VersionPicker } from '../ui/version-picker.js';
import { AgentVersionsQuery, RollbackAgentMutation } from './agent-documents.js';

const label: Record<string, string> = { systemPrompt: 'prompt preview', maxSteps: 'max steps', handoffs: 'hand-offs' };

/**
 * A card's published versions (who saved each, when, why) with its draft marked on top, a field-by-field
 * diff between any two versions, and rollback: restoring an earlier version publishes it as a new one (not offered
 * when `readOnly`).
 */
export function AgentHistory(props: { name: string; version: number; dirty: boolean; readOnly?: boolean }) {
  const [picked, setPicked] = useState<{ from: number; to: number } | null>(null);
  const from = picked?.from ?? Math.max(1, props.version - 1);
  const to = picked?.to ?? props.version;
  const [{ data, error }] = useQuery({
    query: AgentVersionsQuery,
    variables: { name: props.name, from, to },
    requestPolicy: 'network-only',
  });
  const [rollback, runRollback] = useMutation(RollbackAgentMutation);
  const versions = data?.agent?.versions ?? [];
  const draft = data?.agent?.draft ?? null;
  const choose = (which: 'from' | 'to', value: number) => setPicked({ from, to, [which]: value });

  return (
    <div className="agent-history">
      <div className="panel-title">
        <h2>History</h2>
        <span className="muted">v{props.version} is live</span>
      </div>
      <ol className="version-list" aria-label="Versions">
        {draft && (
          <li className="version-draft" aria-label="Draft">
            <div>
              <span className="badge badge-amber">Draft</span> <strong>revision {draft.revision}</strong>{' '}
              <span className="muted">by {draft.author}</span>{' '}
              <span className="muted">· {formatRelative(draft.updatedAt)}</span>
              <div className="version-note">
                {draft.baseVersion !== null && `from v${draft.baseVersion} · `}
                {draft.changes.length
                  ? `changes ${draft.changes.map((c) => label[c.field] ?? c.field).join(', ')}`
                  : 'no changes from the published card'}
                ; not live until published
              </div>
            </div>
          </li>
        )}
        {versions.map((v) => (
          <li key={v.version} className={v.version === props.version ? 'version-current' : ''}>
            <div>
              <strong>v{v.version}</strong> <span className="muted">by {v.author}</span>{' '}
              <span className="muted">· {formatRelative(v.createdAt)}</span>
              {v.note && <div className="version-note">{v.note}</div>}
            </div>
            {v.version !== props.version && !props.readOnly && (
              <button
                type="button"
                className="btn btn-sm"
                disabled={rollback.fetching || props.dirty}
                title={props.dirty ? 'Save or discard your changes first' : undefined}
                onClick={() =>
                  void runRollback({ name: props.name, version: v.version, expectedVersion: props.version })
                }
              >
                Roll back to v{v.version}
              </button>
            )}
          </li>
        ))}
      </ol>
      {rollback.error && (
        <p className="field-error" role="alert">
          {errorSummary(toFormErrors(rollback.error))}
        </p>
      )}
      {versions.length > 1 && (
        <>
          <VersionPicker versions={versions.map((v) => v.version)} from={from} to={to} onChoose={choose} />
          {error && <p className="field-error">{errorSummary(toFormErrors(error))}</p>}
          <section aria-label={`Changes from v${from} to v${to}`} className="version-diff">
            {data?.agent?.versionDiff.length === 0 && <p className="muted">No differences.</p>}
            {data?.agent?.versionDiff.map((c) => (
              <div key={c.field} className="version-diff-field">
                <h3>{label[c.field] ?? c.field}</h3>
                <TextDiff before={c.before} after={c.after} label={`${label[c.field] ?? c.field} diff`} />
              </div>
            ))}
          </section>
        </>
      )}
    </div>
  );
}
