import { useState } from 'react';
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

/** Keeps this conversation as a scenario in a dataset (created if new), to run in experiments. */
export function SaveToDataset({ conversationId }: { conversationId: string }) {
  const [name, setName] = useState('playground');
  const [result, run] = useMutation(SaveConversationMutation);
  return (
    <form
      className="actions save-dataset"
      aria-label="Save to a dataset"
      onSubmit={(e) => {
        e.preventDefault();
        void run({ conversationId, datasetName: name });
      }}
    >
      <label htmlFor="save-dataset" className="inline-label">
        Dataset
      </label>
      <input id="save-dataset" className="input-sm" value={name} onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="btn" disabled={result.fetching || !name.trim()}>
        Save as scenario
      </button>
      {result.data && (
        <span className="notice" role="status">
          <a href={`#/experiments/${result.data.saveConversationToDataset.id}`}>
            Saved to {result.data.saveConversationToDataset.name}
          </a>
        </span>
      )}
      {result.error && (
        <span className="field-error" role="alert">
          {toFormErrors(result.error).message ?? Object.values(toFormErrors(result.error).fields)[0]}
        </span>
      )}
    </form>
  );
}
