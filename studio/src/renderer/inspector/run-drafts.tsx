import { useQuery } from 'urql';
import { RunDraftsQuery } from '../playground/playground-documents.js';

/** A badge when the run used card drafts instead of the published cards (which ones, on hover and in text). */
export function RunDrafts({ runId }: { runId: string }) {
  const [{ data }] = useQuery({ query: RunDraftsQuery, variables: { id: runId } });
  const drafts = data?.run?.drafts ?? [];
  if (!drafts.length) return null;
  return (
    <span
      className="badge badge-amber"
      role="note"
      aria-label="Run used drafts"
      title="This run used these card drafts instead of the published cards"
    >
      drafts: {drafts.join(', ')}
    </span>
  );
}
