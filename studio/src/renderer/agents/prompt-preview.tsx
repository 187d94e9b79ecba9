import { useQuery } from 'urql';
import { JsonView } from '../ui/json-view.js';
import { AgentPromptQuery } from './agent-documents.js';

/** The exact system prompt and tool list the agent gets (`agentPrompt`), for the saved card. */
export function PromptPreview({ name, stale }: { name: string; stale: boolean }) {
  const [{ data, fetching, error }] = useQuery({
    query: AgentPromptQuery,
    variables: { name },
    requestPolicy: 'network-only',
  });
  const prompt = data?.agentPrompt;
  return (
    <div className="prompt-preview">
      <div className="panel-title">
        <h2>Prompt preview</h2>
        {stale && <span className="badge badge-amber">shows the saved card</span>}
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
