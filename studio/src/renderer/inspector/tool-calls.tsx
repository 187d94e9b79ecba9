import type { StudioEventOf } from '../lib/baton-event.js';
import { formatClock, formatDuration } from '../lib/format.js';
import { storeRefusal } from '../lib/store-refusal.js';
import { ChangeLines } from '../ui/change-lines.js';
import { EmptyState } from '../ui/empty-state.js';
import { JsonView } from '../ui/json-view.js';
import { StoreRefusalNote } from '../ui/store-refusal-note.js';

/** A call that changes the shopper's order or account, held by the server until they agree to it. */
const heldForYes = (c: StudioEventOf<'TOOL_CALL'>) => c.data.toolErrorCode === 'CONFIRMATION_REQUIRED';

/** Each tool call with its agent, arguments, output or error (and why the store refused it), and duration. */
export function ToolCalls({ calls }: { calls: readonly StudioEventOf<'TOOL_CALL'>[] }) {
  if (!calls.length) return <EmptyState title="No tool calls in this run yet" />;
  return (
    <ul className="tool-calls">
      {calls.map((c, i) => {
        const refusal = storeRefusal(c.data.refusalReason, c.data.refusalFacts);
        return (
          <li key={c.id ?? i} className="tool-call" aria-label={`${c.data.tool} call`}>
            <div className="tool-call-head">
              <span className="mono tool-name">{c.data.tool}</span>
              <span className="muted">{c.agentName}</span>
              {c.data.refused && <span className="badge badge-red">refused</span>}
              {refusal && <span className="badge badge-red">refused by the store</span>}
              {heldForYes(c) && <span className="badge badge-amber">waits for yes</span>}
              {c.data.consented && <span className="badge badge-green">shopper said yes</span>}
              {c.data.toolError && !c.data.refused && !refusal && !heldForYes(c) && (
                <span className="badge badge-red">error</span>
              )}
              {c.data.identifiedCustomerId && (
                <span className="badge badge-green">identified {c.data.identifiedCustomerId}</span>
              )}
              <span className="spacer" />
              <span className="mono muted">{formatClock(c.createdAt)}</span>
              <span className="mono">{formatDuration(c.data.durationMs)}</span>
            </div>
            <div className="tool-call-body">
              <div>
                <h4>Arguments</h4>
                <JsonView value={c.data.arguments} label={`${c.data.tool} arguments`} />
              </div>
              <div>
                <h4>{heldForYes(c) ? 'Held, not run' : c.data.toolError ? 'Error' : 'Output'}</h4>
                {c.data.toolError ? (
                  <>
                    <p className={heldForYes(c) ? 'muted' : 'field-error'}>{c.data.toolError}</p>
                    {refusal && <StoreRefusalNote refusal={refusal} />}
                    {c.data.change && (
                      <section className="held-change" aria-label="What the shopper is asked to agree to">
                        <h4>What the shopper is asked to agree to (written by the store)</h4>
                        <p className="held-change-title">{c.data.change.title}</p>
                        <ChangeLines lines={c.data.change.lines} />
                      </section>
                    )}
                    {c.data.preview != null && (
                      <>
                        <h4>After a yes (rehearsed, rolled back)</h4>
                        <JsonView value={c.data.preview} label={`${c.data.tool} preview`} />
                      </>
                    )}
                  </>
                ) : (
                  <JsonView value={c.data.toolOutput} label={`${c.data.tool} output`} />
                )}
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
