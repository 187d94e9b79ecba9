import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { toFormErrors } from '../graphql/field-errors.js';
import type { RunSummary } from '../lib/run-summary.js';
import {
  CancelRunMutation,
  ContinueRunMutation,
  EditPlanMutation,
  StepRunMutation,
} from '../playground/playground-documents.js';
import { Field } from '../ui/field.js';

interface TaskEdit {
  agent: string;
  instruction: string;
}

/**
 * Step mode: what runs next, and Step / Continue / Cancel. While paused, the pending tasks' agents and
 * instructions can be edited; the edit is recorded in a PLAN event and the run continues with it.
 */
export function StepControls({ run, agentNames }: { run: RunSummary; agentNames: readonly string[] }) {
  const [step, runStep] = useMutation(StepRunMutation);
  const [cont, runContinue] = useMutation(ContinueRunMutation);
  const [cancel, runCancel] = useMutation(CancelRunMutation);
  const [edit, runEdit] = useMutation(EditPlanMutation);
  const pending = (run.plan?.tasks ?? []).filter((t) => (run.taskStates[t.id] ?? 'pending') === 'pending');
  const [edits, setEdits] = useState<Record<string, TaskEdit>>({});
  // A new PLAN (an edit, or a step) resets the form to what the server now holds.
  const planKey = JSON.stringify(pending.map((t) => [t.id, t.agent, t.instruction]));
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the pending tasks change
  useEffect(() => setEdits({}), [planKey]);

  const changed = pending.filter((t) => {
    const e = edits[t.id];
    return e && (e.agent !== t.agent || e.instruction !== t.instruction);
  });
  const error = step.error ?? cont.error ?? cancel.error ?? edit.error;
  const busy = step.fetching || cont.fetching || cancel.fetching || edit.fetching;
  const next = run.nextTaskIds
    .map((id) => run.plan?.tasks.find((t) => t.id === id))
    .filter((t) => t !== undefined)
    .map((t) => `${t.id} → ${t.agent}`);

  return (
    <section className="step-controls" aria-label="Step controls">
      <div className="step-head">
        <div>
          <strong>Paused {run.pauseReason === 'planned' ? 'after planning' : 'before the next task'}.</strong>{' '}
          <span className="muted">Next: {next.join(', ') || '—'}</span>
        </div>
        <div className="actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => void runStep({ id: run.runId })}
          >
            Step
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void runContinue({ id: run.runId })}>
            Continue
          </button>
          <button
            type="button"
            className="btn btn-danger-ghost"
            disabled={busy}
            onClick={() => void runCancel({ id: run.runId })}
          >
            Cancel run
          </button>
        </div>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error.graphQLErrors.some((e) => e.extensions.code === 'CONFLICT')
            ? 'This run is no longer paused: it was cancelled, finished, or stepped from somewhere else.'
            : (toFormErrors(error).message ?? error.message)}
        </p>
      )}
      {pending.length > 0 && (
        <details className="plan-edit" open>
          <summary>Edit pending tasks ({pending.length})</summary>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void runEdit({
                runId: run.runId,
                edits: changed.map((t) => ({
                  taskId: t.id,
                  agent: edits[t.id]!.agent,
                  instruction: edits[t.id]!.instruction,
                })),
              });
            }}
          >
            {pending.map((t) => {
              const value = edits[t.id] ?? { agent: t.agent, instruction: t.instruction };
              const set = (patch: Partial<TaskEdit>) => setEdits((all) => ({ ...all, [t.id]: { ...value, ...patch } }));
              return (
                <div key={t.id} className="plan-edit-task">
                  <span className="mono plan-edit-id">{t.id}</span>
                  <Field label={`Agent for ${t.id}`}>
                    {(a) => (
                      <select {...a} value={value.agent} onChange={(e) => set({ agent: e.target.value })}>
                        {[...new Set([t.agent, ...agentNames])].map((n) => (
                          <option key={n} value={n}>
                            {n}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={`Instruction for ${t.id}`} className="grow">
                    {(a) => (
                      <textarea
                        {...a}
                        rows={2}
                        value={value.instruction}
                        onChange={(e) => set({ instruction: e.target.value })}
                      />
                    )}
                  </Field>
                </div>
              );
            })}
            <div className="actions">
              <button type="submit" className="btn" disabled={busy || changed.length === 0}>
                Apply edit{changed.length > 1 ? 's' : ''}
              </button>
            </div>
          </form>
        </details>
      )}
    </section>
  );
}
