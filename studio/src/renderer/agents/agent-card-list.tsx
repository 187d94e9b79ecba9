import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { Switch } from '../ui/switch.js';
import { type AgentData, type CardDraftData, SetAgentEnabledMutation } from './agent-documents.js';

/**
 * The cards as a grid: name (opens the editor), description, skills, tools, hand-offs and the enabled
 * switch (a badge when not `editable`); a card being drafted says so, and new cards that exist only as drafts follow.
 */
export function AgentCardList({
  agents,
  draftOnly,
  editable,
}: {
  agents: readonly AgentData[];
  draftOnly: readonly CardDraftData[];
  editable: boolean;
}) {
  const [toggle, setEnabled] = useMutation(SetAgentEnabledMutation);
  // The switch flips at once; the server's answer settles it (a failure flips it back) and holds until
  // the refetched list agrees, so a refetch still under way (or an older one) cannot flip it back.
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const flip = async (name: string, enabled: boolean) => {
    setPending((p) => ({ ...p, [name]: enabled }));
    const result = await setEnabled({ name, enabled });
    const settled = result.data?.setAgentEnabled.enabled;
    setPending(({ [name]: _, ...rest }) => (settled === undefined ? rest : { ...rest, [name]: settled }));
  };
  useEffect(() => {
    const shown = new Map(agents.map((a) => [a.name, a.enabled]));
    setPending((p) => {
      const open = Object.entries(p).filter(([name, enabled]) => shown.get(name) !== enabled);
      return open.length === Object.keys(p).length ? p : Object.fromEntries(open);
    });
  }, [agents]);
  return (
    <>
      {toggle.error && (
        <div className="alert alert-error" role="alert">
          {toggle.error.message}
        </div>
      )}
      <ul className="card-grid" aria-label="Agent cards">
        {agents.map((a) => (
          <li key={a.id} className={`agent-card ${a.enabled ? '' : 'agent-card-off'}`}>
            <div className="agent-card-head">
              <a className="agent-card-name" href={`#/agents/edit/${encodeURIComponent(a.name)}`}>
                {a.name}
              </a>
              {editable ? (
                <Switch
                  label={`${a.name} enabled`}
                  checked={pending[a.name] ?? a.enabled}
                  onChange={(enabled) => void flip(a.name, enabled)}
                />
              ) : (
                <span className={`badge ${a.enabled ? 'badge-green' : 'badge-gray'}`}>
                  {a.enabled ? 'enabled' : 'disabled'}
                </span>
              )}
            </div>
            <p className="agent-card-desc">{a.description}</p>
            <ul className="chips" aria-label="Skills">
              {a.skills.slice(0, 3).map((s) => (
                <li key={s} className="chip" title={s}>
                  {s}
                </li>
              ))}
              {a.skills.length > 3 && <li className="chip chip-more">+{a.skills.length - 3}</li>}
            </ul>
            <dl className="agent-card-meta">
              <div>
                <dt>Tools</dt>
                <dd>{a.tools.length}</dd>
              </div>
              <div>
                <dt>Hand-offs</dt>
                <dd className="truncate" title={a.handoffs.join(', ')}>
                  {a.handoffs.length ? a.handoffs.join(', ') : '—'}
                </dd>
              </div>
              {(a.builtin || a.draft) && (
                <div>
                  <dd>
                    {a.builtin && <span className="badge badge-gray">built-in</span>}{' '}
                    {a.draft && (
                      <span
                        className="badge badge-amber"
                        title={`Draft revision ${a.draft.revision} by ${a.draft.author}`}
                      >
                        draft
                      </span>
                    )}
                  </dd>
                </div>
              )}
            </dl>
          </li>
        ))}
        {draftOnly.map((d) => (
          <li key={`draft-${d.name}`} className="agent-card agent-card-draft">
            <div className="agent-card-head">
              <a className="agent-card-name" href={`#/agents/edit/${encodeURIComponent(d.name)}`}>
                {d.name}
              </a>
              <span className="badge badge-amber" title="Not live until published">
                draft only
              </span>
            </div>
            <p className="agent-card-desc">{d.description}</p>
            <ul className="chips" aria-label="Skills">
              {d.skills.slice(0, 3).map((s) => (
                <li key={s} className="chip" title={s}>
                  {s}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </>
  );
}
