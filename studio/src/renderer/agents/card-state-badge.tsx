import type { AgentData, CardDraftData } from './agent-documents.js';

type Published = Pick<AgentData, 'version'> | undefined;
type Draft = Pick<CardDraftData, 'revision' | 'baseVersion'> | null;

/** Which state of the card the editor shows: its published version, or its draft. */
export function CardStateBadge({ agent, draft }: { agent: Published; draft: Draft }) {
  if (draft)
    return (
      <span className="badge badge-amber" title="Live traffic does not see a draft until it is published">
        Draft
      </span>
    );
  if (agent)
    return (
      <span className="badge badge-green" title="Live traffic uses this version">
        Published v{agent.version}
      </span>
    );
  return null;
}

/** The line under the title: which draft revision, from which version, and what live traffic uses. */
export function cardStateNote(agent: Published, draft: Draft): string | null {
  if (!draft) return agent ? 'Live traffic uses this version. Save a draft to try changes first.' : null;
  if (!agent) return `Draft revision ${draft.revision} of a new card: not live until published.`;
  const moved = draft.baseVersion !== null && draft.baseVersion !== agent.version;
  return `Draft revision ${draft.revision} of v${draft.baseVersion ?? agent.version}; live traffic uses v${agent.version}${
    moved ? ', published since this draft started' : ''
  }.`;
}
