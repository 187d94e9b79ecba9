import { useState } from 'react';
import { useMutation } from 'urql';
import { type AgentData, ApplyBuiltinUpdateMutation, type BuiltinUpdateData } from './agent-documents.js';

/**
 * Built-in cards you edited that this Baton release changed: each with what applying its content would
 * change (yours → the release's). Applying replaces your edits, which stay in the card's history; doing
 * nothing keeps your card. Cards you never edited were upgraded at start and are not listed.
 */
export function BuiltinUpdatesPanel({
  updates,
  agents,
  onApplied,
}: {
  updates: readonly BuiltinUpdateData[];
  agents: readonly AgentData[];
  onApplied(): void;
}) {
  const [applying, apply] = useMutation(ApplyBuiltinUpdateMutation);
  const [open, setOpen] = useState<string | null>(null);
  const cards = updates.filter((u) => u.kind === 'AGENT');
  if (cards.length === 0) return null;
  const applyTo = async (name: string) => {
    const expectedVersion = agents.find((a) => a.name === name)?.version;
    const result = await apply({ kind: 'AGENT', name, expectedVersion });
    if (!result.error) onApplied();
  };
  return (
    <section className="alert alert-warn builtin-updates" aria-label="Built-in updates">
      <p>
        <strong>
          This Baton release updates {cards.length === 1 ? 'a built-in card' : `${cards.length} built-in cards`} you
          edited.
        </strong>{' '}
        Your cards are unchanged; apply an update to take the release's version (yours stays in the card's history).
      </p>
      {applying.error && (
        <p className="alert alert-error" role="alert">
          {applying.error.message}
        </p>
      )}
      <ul aria-label="Built-in cards with an update">
        {cards.map((u) => (
          <li key={u.name}>
            <a href={`#/agents/edit/${encodeURIComponent(u.name)}`}>{u.name}</a>:{' '}
            {u.changes.map((c) => c.field).join(', ')}{' '}
            <button type="button" className="btn" onClick={() => setOpen(open === u.name ? null : u.name)}>
              {open === u.name ? 'Hide changes' : 'Review'}
            </button>{' '}
            <button
              type="button"
              className="btn btn-primary"
              disabled={applying.fetching}
              onClick={() => void applyTo(u.name)}
            >
              Apply update to {u.name}
            </button>
            {open === u.name && (
              <dl className="builtin-update-changes" aria-label={`Changes to ${u.name}`}>
                {u.changes.map((c) => (
                  <div key={c.field}>
                    <dt>{c.field}</dt>
                    <dd>
                      <span>Yours</span>
                      <pre>
                        <del>{c.before}</del>
                      </pre>
                      <span>This release</span>
                      <pre>
                        <ins>{c.after}</ins>
                      </pre>
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
