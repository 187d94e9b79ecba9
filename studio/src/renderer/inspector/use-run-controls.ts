import { useQuery } from 'urql';
import { usePermissions } from '../connection/permissions.js';
import { RunControlsQuery } from '../playground/playground-documents.js';

/**
 * Whether the studio's credentials may drive (pause, step, continue, edit the plan) and cancel run `runId`, as the
 * server says for this run (an integrator key drives the runs it started, and no others). Until it has said, or when it
 * cannot (a server without `Run.viewerDrives`), what the credentials' role may do with any run.
 */
export function useRunControls(runId: string): { drives: boolean; cancels: boolean } {
  const may = usePermissions();
  const [{ data }] = useQuery({ query: RunControlsQuery, variables: { id: runId } });
  const run = data?.run;
  return {
    drives: run?.viewerDrives ?? may('stepRuns'),
    cancels: run?.viewerCancels ?? may('cancelRuns'),
  };
}
