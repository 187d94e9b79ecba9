import { useState } from 'react';
import { useMutation } from 'urql';
import { ApplyBuiltinUpdateMutation, type BuiltinUpdateData } from './agent-documents.js';

const wording = {
  AGENT: {
    one: 'a built-in card you edited',
    many: (n: number) => `${n} built-in cards you edited`,
    rest: "Your cards are unchanged; apply an update to take the release's version (yours stays in the card's history).",
    list: 'Built-in cards with an update',
  },
  ARTICLE: {
    one: 'a seeded article you edited or deleted',
    many: (n: number) => `${n} seeded articles you edited or deleted`,
    rest: "Your articles are unchanged; apply an update to replace yours with the release's, or to add a new one.",
    list: 'Seeded articles with an update',
  },
} as const;

/**
 * Built-in cards (or seeded knowledge articles) you edited that this Baton release changed, and articles it
 * adds: each with what applying it would change (yours → the release's), applied with one button. Doing
 * nothing keeps yours. What you never edited was upgraded at start and is not listed.
 */
export function BuiltinUpdatesPanel({
  kind,
  updates,
  versionOf,
  hrefOf,
  onApplied,
}: {
  kind: 'AGENT' | 'ARTICLE';
  updates: readonly BuiltinUpdateData[];
  /** A card's version as shown: applying over a card saved since is refused. */
  versionOf?(name: string): number | undefined;
  hrefOf?(name: string): string;
  onApplied(): void;
}) {
  const [applying, apply] = useMutation(ApplyBuiltinUpdateMutation);
  const [open, setOpen] = useState<string | null>(null);
  const shown = updates.filter((u) => u.kind === kind);
  if (shown.length === 0) return null;
  const words = wording[kind];
  const applyTo = async (name: string) => {
    const result = await apply({ kind, name, expectedVersion: versionOf?.(name) });
    if (!result.error) onApplied();
  };
  return (
    <section className="alert alert-warn builtin-updates" aria-label="Built-in updates">
      <p>
        <strong>This Baton release updates {shown.length === 1 ? words.one : words.many(shown.length)}.</strong>{' '}
        {words.rest}
      </p>
      {applying.error && (
        <p className="alert alert-error" role="alert">
          {applying.error.message}
        </p>
      )}
      <ul aria-label={words.list}>
        {shown.map((u) => (
          <li key={u.name}>
            {hrefOf ? <a href={hrefOf(u.name)}>{u.name}</a> : <span className="mono">{u.name}</span>}
            {u.reason === 'new' ? ' (new)' : ''}: {u.changes.map((c) => c.field).join(', ')}{' '}
            <button type="button" className="btn" onClick={() => setOpen(open === u.name ? null : u.name)}>
              {open === u.name ? 'Hide changes' : 'Review'}
            </button>{' '}
            <button
              type="button"
              className="btn btn-primary"
              disabled={applying.fetching}
              onClick={() => void applyTo(u.name)}
            >
              {u.reason === 'new' ? `Add ${u.name}` : `Apply update to ${u.name}`}
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
