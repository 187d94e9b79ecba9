import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { toFormErrors } from '../graphql/field-errors.js';
import type { Plan } from '../lib/baton-event.js';
import {
  addTask,
  dependencyChoices,
  draftOf,
  type PlanDraft,
  removeTask,
  restoreTask,
  revisionOf,
  updateTask,
} from '../lib/plan-draft.js';
import { EditPlanMutation } from '../playground/playground-documents.js';
import { Field, FieldSet } from '../ui/field.js';

/**
 * Plan review while a run is paused: change the pending tasks' agents, instructions, status lines and
 * dependencies, remove tasks, add tasks, and say why. The server checks the plan stays a DAG and
 * records the edit as a new plan version.
 */
export function PlanEditForm(props: {
  runId: string;
  plan: Plan;
  pendingIds: readonly string[];
  agentNames: readonly string[];
}) {
  const [edit, runEdit] = useMutation(EditPlanMutation);
  const fresh = () => draftOf(props.plan, props.pendingIds);
  const [draft, setDraft] = useState<PlanDraft>(fresh);
  const [reason, setReason] = useState('');
  // A new PLAN (an edit, or a step) resets the form to what the server now holds.
  const planKey = JSON.stringify([props.plan, props.pendingIds]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the plan or pending tasks change
  useEffect(() => {
    setDraft(fresh());
    setReason('');
  }, [planKey]);

  const revision = revisionOf(draft, props.plan);
  const changes = revision.edits.length + revision.add.length;
  const errors = toFormErrors(edit.error);
  const errorFor = (field: string) => errors.fields[field];
  const agents = (current: string) => [...new Set([current, ...props.agentNames])];

  return (
    <details className="plan-edit" open>
      <summary>Edit the plan ({draft.tasks.filter((t) => !t.removed).length} pending)</summary>
      <form
        aria-label="Edit the plan"
        onSubmit={(e) => {
          e.preventDefault();
          void runEdit({ runId: props.runId, ...revision, reason: reason.trim() || null });
        }}
      >
        {draft.tasks.map((t, i) => (
          <div key={t.id} className={`plan-edit-task ${t.removed ? 'plan-edit-removed' : ''}`}>
            <div className="plan-edit-id">
              <span className="mono">{t.id}</span>
              {t.added && <span className="badge badge-blue">new</span>}
              {t.removed ? (
                <button type="button" className="btn btn-sm" onClick={() => setDraft((d) => restoreTask(d, t.id))}>
                  Keep {t.id}
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn-sm btn-danger-ghost"
                  onClick={() => setDraft((d) => removeTask(d, t.id))}
                >
                  Remove {t.id}
                </button>
              )}
            </div>
            {!t.removed && (
              <div className="plan-edit-fields">
                <Field label={`Agent for ${t.id}`} error={errorFor(`edits.${i}.agent`)}>
                  {(a) => (
                    <select
                      {...a}
                      value={t.agent}
                      onChange={(e) => setDraft((d) => updateTask(d, t.id, { agent: e.target.value }))}
                    >
                      {agents(t.agent).map((n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={`Status line for ${t.id}`} error={errorFor(`edits.${i}.statusMessage`)}>
                  {(a) => (
                    <input
                      {...a}
                      value={t.statusMessage}
                      onChange={(e) => setDraft((d) => updateTask(d, t.id, { statusMessage: e.target.value }))}
                    />
                  )}
                </Field>
                <Field label={`Instruction for ${t.id}`} className="grow" error={errorFor(`edits.${i}.instruction`)}>
                  {(a) => (
                    <textarea
                      {...a}
                      rows={2}
                      value={t.instruction}
                      onChange={(e) => setDraft((d) => updateTask(d, t.id, { instruction: e.target.value }))}
                    />
                  )}
                </Field>
                <FieldSet legend={`${t.id} runs after`} error={errorFor(`tasks.${t.id}.dependsOn`)}>
                  <div className="check-row">
                    {dependencyChoices(draft, t.id).map((dep) => (
                      <label key={dep} className="check">
                        <input
                          type="checkbox"
                          aria-label={`${t.id} runs after ${dep}`}
                          checked={t.dependsOn.includes(dep)}
                          onChange={(e) =>
                            setDraft((d) =>
                              updateTask(d, t.id, {
                                dependsOn: e.target.checked
                                  ? [...t.dependsOn, dep]
                                  : t.dependsOn.filter((x) => x !== dep),
                              }),
                            )
                          }
                        />
                        <span className="mono">{dep}</span>
                      </label>
                    ))}
                  </div>
                </FieldSet>
              </div>
            )}
          </div>
        ))}
        <div className="actions plan-edit-bar">
          <button
            type="button"
            className="btn"
            disabled={draft.tasks.length + draft.fixed.length >= 12}
            onClick={() =>
              setDraft((d) =>
                addTask(d, {
                  agent: props.agentNames[0] ?? '',
                  instruction: '',
                  statusMessage: 'Working on it...',
                  dependsOn: [],
                }),
              )
            }
          >
            Add task
          </button>
          <Field label="Why (shown with the plan version)" className="grow">
            {(a) => <input {...a} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <button type="submit" className="btn btn-primary" disabled={edit.fetching || changes === 0}>
            Apply edit{changes > 1 ? 's' : ''}
          </button>
        </div>
        {errors.message && (
          <p className="field-error" role="alert">
            {errors.message}
          </p>
        )}
        {Object.entries(errors.fields)
          .filter(([f]) => f.startsWith('add.') || f === 'tasks' || f === 'edits')
          .map(([f, m]) => (
            <p key={f} className="field-error" role="alert">
              {f}: {m}
            </p>
          ))}
      </form>
    </details>
  );
}
