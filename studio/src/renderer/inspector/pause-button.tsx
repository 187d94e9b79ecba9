import { useMutation } from 'urql';
import { errorSummary, toFormErrors } from '../graphql/field-errors.js';
import { PauseRunMutation } from '../playground/playground-documents.js';
import { useRunControls } from './use-run-controls.js';

/**
 * Asks a running run to pause at its next task boundary (after planning, or before its next tasks); shown to
 * credentials that may drive the run.
 */
export function PauseButton({ runId }: { runId: string }) {
  const { drives } = useRunControls(runId);
  const [pause, runPause] = useMutation(PauseRunMutation);
  if (!drives) return null;
  const requested = pause.data?.pauseRun.pauseRequested === true;
  return (
    <>
      <button
        type="button"
        className="btn btn-sm"
        disabled={pause.fetching || requested}
        title="Tasks already running finish; no new task starts until you step or continue"
        onClick={() => void runPause({ id: runId })}
      >
        {requested ? 'Pausing at the next task…' : 'Pause'}
      </button>
      {pause.error && (
        <span className="field-error" role="alert">
          {errorSummary(toFormErrors(pause.error))}
        </span>
      )}
    </>
  );
}
