import { useQuery } from 'urql';
import { JsonView } from '../ui/json-view.js';
import { AgentPromptQuery } from './agent-documents.js';

/** The exact system prompt and tool list the agent gets (`agentPrompt`), for the saved card or its saved draft. */
export function PromptPreview({ name, stale, draft }: { name: string; stale: boolean; draft: boolean }) {
  const [{ data, fetching, error }] = useQuery({
    query: AgentPromptQuery,
    variables: { name, draft },
    requestPolicy: 'network-only',
  });
  const prompt = data?.agentPrompt;
  return (
    <div className="prompt-preview">
      <div className="panel-title">
        <h2>Prompt preview</h2>
        {draft && <span className="badge badge-amber">draft</span>}
        {stale && <span className="badge badge-amber">shows the saved {draft ? 'draft' : 'card'}</span>}
      </div>
      {fetching && !prompt && <p className="muted">Loading…</p>}
      {error && <p className="field-error">{error.message}</p>}
      {prompt && (
        <>
          <h3>System prompt</h3>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable regions must be reachable by keyboard */}
          <pre className="prompt-text" tabIndex={0} data-testid="system-prompt">
            {prompt.systemPrompt}
          </pre>
          <h3>Tools ({prompt.tools.length})</h3>
          <ul className="prompt-tools">
            {prompt.tools.map((t) => (
              <li key={t.name}>
                <details>
                  <summary>
                    <span className="mono">{t.name}</span>
                    <span className="check-desc">{t.description}</span>
                  </summary>
                  <JsonView value={t.parameters} label={`${t.name} parameters`} />
                </details>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
