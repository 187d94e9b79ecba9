import type { AgentData, CardDraftData } from './agent-documents.js';

/**
 * Which state of the card the editor shows: its published version, or its draft (with the published
 * version it started from, and a warning when another version went live since).
 */
export function CardStateBadge(props: {
  agent: Pick<AgentData, 'version'> | undefined;
  draft: Pick<CardDraftData, 'revision' | 'baseVersion'> | null;
}) {
  const { agent, draft } = props;
  if (draft)
    return (
      <>
        <span className="badge badge-amber" title="Live traffic does not see a draft until it is published">
          Draft
        </span>
        <span className="muted card-state-note">
          {agent ? `revision ${draft.revision} of v${draft.baseVersion ?? agent.version}` : 'new card, not live yet'}
          {agent &&
            draft.baseVersion !== null &&
            draft.baseVersion !== agent.version &&
            ` · v${agent.version} is live now`}
        </span>
      </>
    );
  if (agent)
    return (
      <span className="badge badge-green" title="Live traffic uses this version">
        Published v{agent.version}
      </span>
    );
  return null;
}
