import { useEffect, useId, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { toFormErrors } from '../graphql/field-errors.js';
import { graphql } from '../graphql/graphql.js';

const SaveConversationMutation = graphql(`
  mutation SaveConversationToDataset($conversationId: ID!, $datasetName: String!) {
    saveConversationToDataset(conversationId: $conversationId, datasetName: $datasetName) {
      id
      name
    }
  }
`);

/**
 * Keeps this conversation as a scenario in a dataset (created if new), to run in experiments: a small button beside
 * the conversation it saves, which asks for the dataset in a dialog.
 */
export function SaveToDataset({ conversationId }: { conversationId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-sm" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Save as scenario…
      </button>
      {open && <SaveDialog conversationId={conversationId} onClose={() => setOpen(false)} />}
    </>
  );
}

/** The dataset's name, then where the scenario went; Escape or Cancel closes it. */
function SaveDialog({ conversationId, onClose }: { conversationId: string; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const inputId = useId();
  const [name, setName] = useState('playground');
  const [result, run] = useMutation(SaveConversationMutation);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const saved = result.data?.saveConversationToDataset;
  const errors = result.error ? toFormErrors(result.error) : null;
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>Save as a scenario</h2>
      <form
        aria-label="Save to a dataset"
        onSubmit={(e) => {
          e.preventDefault();
          void run({ conversationId, datasetName: name });
        }}
      >
        <p className="dialog-body">
          Each shopper message of this conversation becomes a turn, expecting the agents its run used. Replay it in
          Experiments.
        </p>
        <div className="field">
          <label htmlFor={inputId}>Dataset</label>
          <input
            id={inputId}
            value={name}
            readOnly={saved !== undefined}
            onChange={(e) => setName(e.target.value)}
            autoFocus
          />
          <p className="field-hint">A new name creates the dataset.</p>
        </div>
        {saved && (
          <p className="notice" role="status">
            <a href={`#/experiments/${saved.id}`}>Saved to {saved.name}</a>
          </p>
        )}
        {errors && (
          <p className="field-error" role="alert">
            {errors.message ?? Object.values(errors.fields)[0]}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {saved ? 'Close' : 'Cancel'}
          </button>
          {!saved && (
            <button type="submit" className="btn btn-primary" disabled={result.fetching || !name.trim()}>
              Save as scenario
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}
