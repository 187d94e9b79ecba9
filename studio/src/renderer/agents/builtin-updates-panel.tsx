import { useState } from 'react';
import { type CombinedError, useMutation } from 'urql';
import { formatRelative } from '../lib/format.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ApplyBuiltinUpdateMutation, type BuiltinUpdateData, DeclineBuiltinUpdateMutation } from './agent-documents.js';

const wording = {
  AGENT: {
    one: 'a built-in card you edited',
    many: (n: number) => `${n} built-in cards you edited`,
    rest: "Your cards are unchanged; apply an update to take the release's version (yours stays in the card's history), or keep yours.",
    list: 'Built-in cards with an update',
    declinedList: 'Declined built-in card updates',
  },
  ARTICLE: {
    one: 'a seeded article you edited or deleted',
    many: (n: number) => `${n} seeded articles you edited or deleted`,
    rest: "Your articles are unchanged; apply an update to replace yours with the release's, or to add a new one, or keep yours.",
    list: 'Seeded articles with an update',
    declinedList: 'Declined seeded article updates',
  },
} as const;

/**
 * Built-in cards (or seeded knowledge articles) you edited that this Baton release changed, and articles it
 * adds: each with what applying it would change (yours → the release's), applied with one button, or declined
 * ("Keep mine": no longer offered to anyone until a later release changes it again). Declined offers stay
 * listed apart, and can be applied after all. What you never edited was upgraded at start and is not listed.
 */
export function BuiltinUpdatesPanel({
  kind,
  updates,
  versionOf,
  hrefOf,
  onApplied,
}: {
  kind: 'AGENT' | 'ARTICLE';
  /** The offers, declined ones included (marked `declined`). */
  updates: readonly BuiltinUpdateData[];
  /** A card's version as shown: applying or declining over a card saved since is refused. */
  versionOf?(name: string): number | undefined;
  hrefOf?(name: string): string;
  /** After an offer was applied or declined: the offers (and what they change) are fetched again. */
  onApplied(): void;
}) {
  const [applying, apply] = useMutation(ApplyBuiltinUpdateMutation);
  const [declining, decline] = useMutation(DeclineBuiltinUpdateMutation);
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<BuiltinUpdateData | null>(null);
  const ofKind = updates.filter((u) => u.kind === kind);
  if (ofKind.length === 0) return null;
  const offered = ofKind.filter((u) => !u.declined);
  const declined = ofKind.filter((u) => u.declined);
  const words = wording[kind];
  const busy = applying.fetching || declining.fetching;
  const error = applying.error ?? declining.error;
  // `offer` names the content the designer reviewed: a replica of another release refuses instead of acting on other content.
  const applyTo = async ({ name, offer }: BuiltinUpdateData) => {
    const result = await apply({ kind, name, expectedVersion: versionOf?.(name), offer });
    // A CONFLICT (the card was saved since, or another offer stands): its message stays up over the offers as they are now.
    if (!result.error || conflict(result.error)) onApplied();
  };
  const keepMine = async ({ name, offer }: BuiltinUpdateData) => {
    setConfirming(null);
    const result = await decline({ kind, name, expectedVersion: versionOf?.(name), offer });
    if (result.error && conflict(result.error)) onApplied();
    if (!result.error) {
      setOpen(null);
      onApplied();
    }
  };

  const item = (u: BuiltinUpdateData) => (
    <li key={u.name}>
      {hrefOf ? <a href={hrefOf(u.name)}>{u.name}</a> : <span className="mono">{u.name}</span>}
      {u.reason === 'new' ? ' (new)' : ''}: {u.changes.map((c) => c.field).join(', ')}
      {u.declined && (
        <span className="muted">
          {' '}
          — declined by {u.declined.by}, {formatRelative(u.declined.at)}
        </span>
      )}{' '}
      <button type="button" className="btn" onClick={() => setOpen(open === u.name ? null : u.name)}>
        {open === u.name ? 'Hide changes' : 'Review'}
      </button>{' '}
      <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void applyTo(u)}>
        {u.reason === 'new' ? `Add ${u.name}` : `Apply update to ${u.name}`}
      </button>
      {open === u.name && !u.declined && (
        <>
          {' '}
          <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(u)}>
            Keep mine
          </button>
        </>
      )}
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
  );

  const errorAlert = error && (
    <p className="alert alert-error" role="alert">
      {error.message}
    </p>
  );
  const declinedList = declined.length > 0 && (
    <details>
      <summary>Declined offers ({declined.length})</summary>
      <p className="muted">You kept yours. A later release that changes them again offers its version.</p>
      <ul aria-label={words.declinedList}>{declined.map(item)}</ul>
    </details>
  );

  return (
    <>
      {offered.length > 0 ? (
        <section className="alert alert-warn builtin-updates" aria-label="Built-in updates">
          <p>
            <strong>This Baton release updates {offered.length === 1 ? words.one : words.many(offered.length)}.</strong>{' '}
            {words.rest}
          </p>
          {errorAlert}
          <ul aria-label={words.list}>{offered.map(item)}</ul>
          {declinedList}
        </section>
      ) : (
        <section className="alert alert-muted builtin-updates" aria-label="Declined built-in updates">
          {errorAlert}
          {declinedList}
        </section>
      )}
      {confirming && (
        <ConfirmDialog
          title={confirming.reason === 'new' ? `Leave out ${confirming.name}?` : `Keep your ${confirming.name}?`}
          confirmLabel="Keep mine"
          onCancel={() => setConfirming(null)}
          onConfirm={() => void keepMine(confirming)}
        >
          {confirming.reason === 'new'
            ? `${confirming.name} is not added, and this release stops offering it, to you and everyone else.`
            : `${confirming.name} stays as you have it, and this release stops offering its version, to you and everyone else.`}{' '}
          A later Baton release that changes it again will offer that. Until then you can still apply it from Declined
          offers.
        </ConfirmDialog>
      )}
    </>
  );
}

const conflict = (error: CombinedError) => error.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT');
