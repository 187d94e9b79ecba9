import { useMemo } from 'react';
import { useQuery } from 'urql';
import { usePermissions } from '../connection/permissions.js';
import { useRouter } from '../shell/router.js';
import { EmptyState } from '../ui/empty-state.js';
import { Tabs } from '../ui/tabs.js';
import { AgentCardList } from './agent-card-list.js';
import { AgentCardView } from './agent-card-view.js';
import { AgentDraftsQuery, AgentsQuery, BuiltinUpdatesQuery } from './agent-documents.js';
import { draftFromAgent, duplicateDraft, emptyDraft } from './agent-draft.js';
import { AgentEditor } from './agent-editor.js';
import { BuiltinUpdatesPanel } from './builtin-updates-panel.js';
import { HandoffGraph } from './handoff-graph.js';
import { ToolsQuery } from './tool-documents.js';

// A saved draft changes these lists even when they held no draft before (the cache keys on types seen).
const draftTypes = { additionalTypenames: ['AgentDraft', 'Agent'] };

/**
 * Agents: the cards, the hand-off graph, and the editor for one card (#/agents/edit/<name>, #/agents/new). Credentials
 * that may not edit cards see the published cards read-only: drafts, tools and built-in updates are admins' only.
 */
export function AgentsView() {
  const { route, navigate } = useRouter();
  const editable = usePermissions()('editAgents');
  const [{ data, fetching, error }, refetchAgents] = useQuery({ query: AgentsQuery, context: draftTypes });
  const [updates, refetchUpdates] = useQuery({ query: BuiltinUpdatesQuery, pause: !editable });
  const [drafts] = useQuery({ query: AgentDraftsQuery, context: draftTypes, pause: !editable });
  const [tools] = useQuery({ query: ToolsQuery, pause: !editable });
  const agents = data?.agents ?? [];
  // New cards that exist only as drafts: listed and editable, not live.
  const draftOnly = useMemo(() => (drafts.data?.agentDrafts ?? []).filter((d) => !d.published), [drafts.data]);
  const [, sub, name] = route.segments;
  const from = route.query.get('from');

  const editorProps = useMemo(() => {
    if (sub === 'new') {
      const source = from ? agents.find((a) => a.name === from) : undefined;
      const initial = source ? duplicateDraft(source, new Set(agents.map((a) => a.name))) : emptyDraft;
      return { key: `new-${from ?? ''}`, initial, agent: undefined };
    }
    if (sub === 'edit' && name) {
      const agent = agents.find((a) => a.name === name);
      if (agent)
        // Keyed by name: the editor follows newer versions itself, so a save does not remount it under the user.
        return { key: `edit-${agent.name}`, initial: draftFromAgent(agent.draft ?? agent), agent };
      const cardDraft = draftOnly.find((d) => d.name === name);
      return cardDraft ? { key: `draft-${cardDraft.name}`, initial: draftFromAgent(cardDraft), cardDraft } : null;
    }
    return null;
  }, [sub, name, from, agents, draftOnly]);

  if (error && !data) return <EmptyState title="Cannot load agents">{error.message}</EmptyState>;
  if ((fetching && !data) || (drafts.fetching && !drafts.data)) return <EmptyState title="Loading agents…" />;

  if (!editable && (sub === 'new' || sub === 'edit')) {
    const agent = sub === 'edit' ? agents.find((a) => a.name === name) : undefined;
    if (agent) return <AgentCardView agent={agent} />;
    return (
      <EmptyState title={sub === 'new' ? 'Cards are created with an admin key' : `No agent named ${name}`}>
        <a href="#/agents">Back to the cards</a>
      </EmptyState>
    );
  }
  if (sub === 'new' || sub === 'edit') {
    if (!editorProps) return <EmptyState title={`No agent named ${name}`} />;
    const { key, ...rest } = editorProps;
    return (
      <AgentEditor
        key={key}
        {...rest}
        agents={agents}
        tools={tools.data?.tools ?? []}
        toolsLoading={tools.fetching && !tools.data}
      />
    );
  }

  const tab = sub === 'graph' ? 'graph' : 'cards';
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Agents</h1>
          <p className="subtitle">
            {agents.length} cards · {agents.filter((a) => a.enabled).length} enabled
            {draftOnly.length > 0 && ` · ${draftOnly.length} draft only`}. The planner routes each task to one of the
            enabled published cards; drafts are not live until published.
          </p>
        </div>
        {editable && (
          <div className="actions">
            <button type="button" className="btn btn-primary" onClick={() => navigate('/agents/new')}>
              New agent
            </button>
          </div>
        )}
      </header>
      <Tabs<'cards' | 'graph'>
        label="Agents view"
        tabs={[
          { id: 'cards', label: 'Cards', count: agents.length },
          { id: 'graph', label: 'Hand-off graph' },
        ]}
        selected={tab}
        onSelect={(t) => navigate(t === 'graph' ? '/agents/graph' : '/agents')}
      />
      <div className="page-body scroll">
        <BuiltinUpdatesPanel
          kind="AGENT"
          updates={updates.data?.builtinUpdates ?? []}
          versionOf={(n) => agents.find((a) => a.name === n)?.version}
          hrefOf={(n) => `#/agents/edit/${encodeURIComponent(n)}`}
          onApplied={() => {
            refetchAgents({ requestPolicy: 'network-only' });
            refetchUpdates({ requestPolicy: 'network-only' });
          }}
        />
        {tab === 'graph' ? (
          <HandoffGraph agents={agents} onOpen={(n) => navigate(`/agents/edit/${encodeURIComponent(n)}`)} />
        ) : (
          <AgentCardList agents={agents} draftOnly={draftOnly} editable={editable} />
        )}
      </div>
    </div>
  );
}
