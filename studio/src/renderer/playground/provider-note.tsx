import { useQuery } from 'urql';
import { graphql, type ResultOf } from '../graphql/graphql.js';

export const ModelProviderQuery = graphql(`
  query ModelProvider {
    modelProvider {
      name
      ruleBased
      defaultModel
      plannerModel
      description
    }
  }
`);

export type ModelProviderInfo = ResultOf<typeof ModelProviderQuery>['modelProvider'];

/** The server's model provider, fetched once per view. */
export function useModelProvider(): ModelProviderInfo | null {
  const [result] = useQuery({ query: ModelProviderQuery, requestPolicy: 'cache-first' });
  return result.data?.modelProvider ?? null;
}

/**
 * Which provider and model answer, above the chat. The offline provider is named for what it is: a
 * designer judging a card by its replies must know they come from rules, not from a language model.
 */
export function ProviderNote({ provider }: { provider: ModelProviderInfo | null }) {
  if (!provider) return null;
  return provider.ruleBased ? (
    <p className="provider-note provider-note-standin" role="note" aria-label="Model provider">
      <span className="badge badge-amber">rule-based stand-in</span>{' '}
      <span title={provider.description}>
        Replies come from Baton’s offline rules (<span className="mono">{provider.defaultModel}</span>), not a language
        model: brand voice and card instructions change them little (a card with no tools answers from what its
        instructions state).
      </span>
    </p>
  ) : (
    <p className="provider-note" role="note" aria-label="Model provider">
      <span className="badge badge-blue">{provider.name}</span> Agents run on{' '}
      <span className="mono">{provider.defaultModel}</span>
      {provider.plannerModel !== provider.defaultModel && (
        <>
          , the planner on <span className="mono">{provider.plannerModel}</span>
        </>
      )}
      , unless a card names another model.
    </p>
  );
}

/** The model a task's agent runs with: its card's model, else the provider's default. */
export function modelFor(provider: ModelProviderInfo | null, cardModel: string | null | undefined): string {
  if (!provider) return cardModel ?? '—';
  if (provider.ruleBased) return provider.defaultModel;
  return cardModel ?? provider.defaultModel;
}
