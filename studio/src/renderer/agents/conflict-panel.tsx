import { useState } from 'react';
import { type AgentDraft, type DraftField, draftFieldText, mergeDrafts } from './agent-draft.js';

/**
 * Someone saved the card (or its draft) while it was open here. Reload takes their state and drops
 * these edits; Merge keeps every field only one side changed, and asks, field by field, where both did.
 */
export function ConflictPanel(props: {
  base: AgentDraft;
  mine: AgentDraft;
  theirs: AgentDraft;
  /** Who saved what, e.g. "UpsellAgent was saved by someone else (now v5) while you were editing it." */
  summary: string;
  onReload(): void;
  onMerge(merged: AgentDraft): void;
}) {
  const { theirs } = props;
  const { merged, conflicts } = mergeDrafts(props.base, props.mine, theirs);
  const [merging, setMerging] = useState(false);
  const [choice, setChoice] = useState<Partial<Record<DraftField, 'mine' | 'theirs'>>>({});
  const apply = () => {
    const result = { ...merged } as Record<DraftField, unknown>;
    for (const key of conflicts) if (choice[key] === 'theirs') result[key] = theirs[key];
    props.onMerge(result as unknown as AgentDraft);
  };
  return (
    <section className="alert alert-warn conflict-panel" role="alert" aria-label="Edit conflict">
      <p>
        <strong>{props.summary}</strong> Your changes are not saved yet.
      </p>
      <div className="actions">
        <button type="button" className="btn" onClick={props.onReload}>
          Reload their version
        </button>
        <button type="button" className="btn btn-primary" onClick={() => setMerging(true)} disabled={merging}>
          Merge…
        </button>
      </div>
      {merging && (
        <div className="conflict-merge">
          {conflicts.length === 0 ? (
            <p>No field was changed on both sides: their changes and yours combine as they are.</p>
          ) : (
            conflicts.map((key) => (
              <fieldset key={key} className="fieldset">
                <legend>{key}: changed on both sides</legend>
                {(['mine', 'theirs'] as const).map((side) => (
                  <label key={side} className="conflict-choice">
                    <input
                      type="radio"
                      name={`merge-${key}`}
                      checked={(choice[key] ?? 'mine') === side}
                      onChange={() => setChoice((c) => ({ ...c, [key]: side }))}
                    />
                    <span>{side === 'mine' ? 'Mine' : 'Theirs'}</span>
                    <pre>{draftFieldText(side === 'mine' ? props.mine : theirs, key)}</pre>
                  </label>
                ))}
              </fieldset>
            ))
          )}
          <button type="button" className="btn btn-primary" onClick={apply}>
            Use the merge (then save)
          </button>
        </div>
      )}
    </section>
  );
}
