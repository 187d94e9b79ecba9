import type { StudioEvent } from '../lib/baton-event.js';
import { chatStateAt } from '../lib/chat-state-at.js';
import { describeEvent } from '../lib/describe-event.js';
import { formatClock } from '../lib/format.js';
import { JsonView } from '../ui/json-view.js';

/** ChatState as it stood at the selected event: transcript with who-said-what notes, context and plan pointer. */
export function ChatStatePanel(props: { events: readonly StudioEvent[]; index: number; customerId: string | null }) {
  const at = props.events[props.index];
  if (!at) return null;
  const state = chatStateAt(props.events, props.index, { customerId: props.customerId });
  return (
    <div className="state-panel">
      <p className="state-at">
        As of <span className="mono">{formatClock(at.createdAt)}</span> ·{' '}
        <span className={`type-badge type-${at.type}`}>{at.type}</span> {describeEvent(at)}
        <span className="muted"> — pick another event in the timeline to move in time.</span>
      </p>
      <div className="state-grid">
        <section aria-label="Messages">
          <h4>
            Messages <span className="muted">as {state.viewer ?? 'the planner'} sees them</span>
          </h4>
          <ol className="state-messages">
            {state.messages.map((m, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a replayed transcript is append-only
              <li key={i} className={`state-msg state-msg-${m.kind}`}>
                {m.kind === 'user' && (
                  <>
                    <span className="state-role">user</span>
                    {m.text}
                  </>
                )}
                {m.kind === 'assistant' && (
                  <>
                    <span className="state-role">assistant · {m.agentName}</span>
                    {m.text}
                  </>
                )}
                {m.kind === 'tool' && (
                  <>
                    <span className="state-role">tool · {m.agentName}</span>
                    <span className="mono">{m.tool}</span>
                    {m.error ? <span className="field-error"> {m.error}</span> : null}
                  </>
                )}
                {m.kind === 'note' && <span className="state-note">{m.text}</span>}
              </li>
            ))}
          </ol>
        </section>
        <section aria-label="Context">
          <h4>User</h4>
          <dl className="kv">
            <dt>Customer</dt>
            <dd className="mono">{state.userInfo.customerId ?? 'not identified'}</dd>
            <dt>Identified by</dt>
            <dd>{state.userInfo.identifiedBy ?? '—'}</dd>
          </dl>
          <h4>Plan pointer</h4>
          <dl className="kv">
            <dt>Source</dt>
            <dd>{state.planSource ?? 'no plan yet'}</dd>
            <dt>Active</dt>
            <dd className="mono">{state.pointer.activeTaskId ?? '—'}</dd>
            <dt>Done</dt>
            <dd className="mono">{[...state.pointer.completed, ...state.pointer.failed].join(', ') || '—'}</dd>
            <dt>Pending</dt>
            <dd className="mono">{state.pointer.pending.join(', ') || '—'}</dd>
          </dl>
          <h4>Knowledge</h4>
          {state.knowledge.length ? (
            <ul className="plain-list">
              {state.knowledge.map((k) => (
                <li key={k.title}>
                  {k.title} {k.score !== undefined && <span className="muted mono">{k.score.toFixed(2)}</span>}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None retrieved yet.</p>
          )}
          {state.plan && (
            <details>
              <summary>Plan JSON</summary>
              <JsonView value={state.plan} label="Plan" />
            </details>
          )}
        </section>
      </div>
    </div>
  );
}
