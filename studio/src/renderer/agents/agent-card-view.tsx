import { useState } from 'react';
import { Tabs } from '../ui/tabs.js';
import type { AgentData } from './agent-documents.js';
import { AgentHistory } from './agent-history.js';
import { PromptPreview } from './prompt-preview.js';

/**
 * One published card, read-only, for credentials that may not edit cards (a support or integrator key): what the
 * planner routes on, the card's tools and hand-offs, its model, the exact prompt it gets and its history.
 */
export function AgentCardView({ agent }: { agent: AgentData }) {
  const [side, setSide] = useState<'prompt' | 'history'>('prompt');
  const model = agent.model;
  return (
    <div className="page page-split">
      <header className="page-header">
        <div>
          <nav aria-label="Breadcrumb" className="crumbs">
            <a href="#/agents">Agents</a>
            <span aria-hidden="true">/</span>
          </nav>
          <h1>
            {agent.name}
            <span className={`badge ${agent.enabled ? 'badge-green' : 'badge-gray'}`}>
              {agent.enabled ? 'enabled' : 'disabled'}
            </span>
            {agent.builtin && <span className="badge badge-gray">built-in</span>}
          </h1>
          <p className="subtitle">v{agent.version} is live. Read-only: cards are edited with an admin key.</p>
        </div>
      </header>
      <div className="split">
        <article className="form scroll card-read" aria-label="Agent card">
          <section className="form-section">
            <h2>Card</h2>
            <dl className="kv">
              <dt>Description</dt>
              <dd>{agent.description}</dd>
              <dt>Skills</dt>
              <dd>
                <ul className="chips" aria-label="Skills">
                  {agent.skills.map((s) => (
                    <li key={s} className="chip">
                      {s}
                    </li>
                  ))}
                </ul>
              </dd>
            </dl>
            <h3>Instructions</h3>
            <p className="card-read-text">{agent.instructions || <span className="muted">None</span>}</p>
          </section>
          <section className="form-section">
            <h2>Tools and hand-offs</h2>
            <dl className="kv">
              <dt>Tools</dt>
              <dd>
                {agent.tools.length ? (
                  <ul className="plain-list mono" aria-label="Tools">
                    {agent.tools.map((t) => (
                      <li key={t}>{t}</li>
                    ))}
                  </ul>
                ) : (
                  '—'
                )}
              </dd>
              <dt>Hand-offs</dt>
              <dd>{agent.handoffs.join(', ') || '—'}</dd>
            </dl>
          </section>
          <section className="form-section">
            <h2>Model</h2>
            <dl className="kv">
              <dt>Provider</dt>
              <dd>{model.provider ?? 'server default'}</dd>
              <dt>Model</dt>
              <dd className="mono">{model.model ?? 'server default'}</dd>
              <dt>Temperature</dt>
              <dd>{model.temperature ?? 'default'}</dd>
              <dt>Timeout</dt>
              <dd>{model.timeoutMs === null ? 'default' : `${model.timeoutMs} ms`}</dd>
              <dt>Max steps</dt>
              <dd>{agent.maxSteps}</dd>
            </dl>
          </section>
        </article>
        <aside className="side-panel scroll" aria-label={side === 'prompt' ? 'Prompt preview' : 'History'}>
          <Tabs<'prompt' | 'history'>
            label="Card details"
            tabs={[
              { id: 'prompt', label: 'Prompt preview' },
              { id: 'history', label: 'History', count: agent.version },
            ]}
            selected={side}
            onSelect={setSide}
          />
          {side === 'prompt' ? (
            <PromptPreview key={`${agent.name}@${agent.version}`} name={agent.name} draft={false} stale={false} />
          ) : (
            <AgentHistory
              key={`${agent.name}@${agent.version}`}
              name={agent.name}
              version={agent.version}
              dirty={false}
              readOnly
            />
          )}
        </aside>
      </div>
    </div>
  );
}
