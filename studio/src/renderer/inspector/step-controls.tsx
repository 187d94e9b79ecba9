import { useMutation } from 'urql';
import { errorSummary, toFormErrors } from '../graphql/field-errors.js';
import type { RunSummary } from '../lib/run-summary.js';
import { CancelRunMutation, ContinueRunMutation, StepRunMutation } from '../playground/playground-documents.js';
import { PlanEditForm } from './plan-edit-form.js';
import { useRunControls } from './use-run-controls.js';

/**
 * A paused run (step mode, plan review, or paused on request): what runs next, Step / Continue / Cancel, and the plan
 * editor for its pending tasks, each for credentials the server lets do it (a support key only cancels; an
 * integrator key drives and cancels the runs it started, and only reads the others).
 */
export function StepControls({ run, agentNames }: { run: RunSummary; agentNames: readonly string[] }) {
  const { drives, cancels } = useRunControls(run.runId);
  const [step, runStep] = useMutation(StepRunMutation);
  const [cont, runContinue] = useMutation(ContinueRunMutation);
  const [cancel, runCancel] = useMutation(CancelRunMutation);
  const pending = (run.plan?.tasks ?? []).filter((t) => (run.taskStates[t.id] ?? 'pending') === 'pending');
  const error = step.error ?? cont.error ?? cancel.error;
  const busy = step.fetching || cont.fetching || cancel.fetching;
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
          {drives && (
            <>
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
            </>
          )}
          {cancels && (
            <button
              type="button"
              className="btn btn-danger-ghost"
              disabled={busy}
              onClick={() => void runCancel({ id: run.runId })}
            >
              Cancel run
            </button>
          )}
        </div>
      </div>
      {!drives && (
        <p className="muted">
          A designer steps or continues it, with an admin key, or the integrator key that started it.
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error.graphQLErrors.some((e) => e.extensions.code === 'CONFLICT')
            ? 'This run is no longer paused: it was cancelled, finished, or stepped from somewhere else.'
            : (errorSummary(toFormErrors(error)) ?? error.message)}
        </p>
      )}
      {run.plan && pending.length > 0 && drives && (
        <PlanEditForm runId={run.runId} plan={run.plan} pendingIds={pending.map((t) => t.id)} agentNames={agentNames} />
      )}
    </section>
  );
}
