import { useQuery } from 'urql';
import { errorSummary, toFormErrors } from '../graphql/field-errors.js';
import { graphql } from '../graphql/graphql.js';
import type { StudioEvent } from '../lib/baton-event.js';
import { describeEvent } from '../lib/describe-event.js';
import { formatClock } from '../lib/format.js';
import { EmptyState } from '../ui/empty-state.js';
import { JsonView } from '../ui/json-view.js';

const RunChatStateQuery = graphql(`
  query RunChatState($runId: ID!, $eventId: ID!) {
    run(id: $runId) {
      id
      chatStateAt(eventId: $eventId) {
        eventId
        taskId
        viewer
        messages {
          role
          content
          toolCallId
          toolCalls {
            id
            name
            arguments
          }
        }
        customerId
        identifiedBy
        identityLevel
        knowledge {
          title
          score
        }
        plan
        planSource
        completedTaskIds
        failedTaskIds
        runningTaskIds
        pendingTaskIds
      }
    }
  }
`);

/** `store__get_order` as the tool is named on cards: `store.get_order`. */
const toolName = (fn: string) => fn.replace('__', '.');
const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * ChatState as it stood right after the selected event, as the server replays it (Run.chatStateAt): the
 * exact history the event's agent was given, with who-said-what notes, the customer, knowledge and the
 * plan pointer. With parallel tasks, each task's event shows its own agent's view.
 */
export function ChatStatePanel(props: { runId: string; event: StudioEvent }) {
  const eventId = props.event.id;
  const [{ data, error, fetching }] = useQuery({
    query: RunChatStateQuery,
    variables: { runId: props.runId, eventId: eventId ?? '' },
    pause: eventId === null,
  });
  const state = data?.run.chatStateAt;
  const at = props.event;
  return (
    <div className="state-panel">
      <p className="state-at">
        As of <span className="mono">{formatClock(at.createdAt)}</span> ·{' '}
        <span className={`type-badge type-${at.type}`}>{at.type}</span> {describeEvent(at)}
        <span className="muted"> — pick another event in the timeline to move in time.</span>
      </p>
      {error && <EmptyState title="Cannot replay ChatState">{errorSummary(toFormErrors(error))}</EmptyState>}
      {!state && !error && <EmptyState title={fetching ? 'Replaying…' : 'No state'} />}
      {state && (
        <div className="state-grid">
          <section aria-label="Messages">
            <h4>
              Messages <span className="muted">as {state.viewer} sees them</span>
              {state.taskId && <span className="muted mono"> · task {state.taskId}</span>}
            </h4>
            <ol className="state-messages">
              {state.messages.map((m, i) => {
                const note = m.role === 'system' && m.content?.startsWith('[System Note]');
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a replayed history is fixed for one event
                  <li key={i} className={`state-msg state-msg-${note ? 'note' : m.role}`}>
                    {note ? (
                      <span className="state-note">{m.content}</span>
                    ) : (
                      <>
                        <span className="state-role">{m.role}</span>
                        {m.content !== null &&
                          (m.role === 'tool' ? <span className="mono">{clip(m.content)}</span> : m.content)}
                        {m.toolCalls.map((c) => (
                          <span key={c.id} className="mono state-call">
                            {toolName(c.name)}({clip(c.arguments, 120)})
                          </span>
                        ))}
                      </>
                    )}
                  </li>
                );
              })}
            </ol>
          </section>
          <section aria-label="Context">
            <h4>User</h4>
            <dl className="kv">
              <dt>Identity</dt>
              <dd>{state.identityLevel}</dd>
              <dt>Customer</dt>
              <dd className="mono">{state.customerId ?? 'not verified'}</dd>
              <dt>Reached by</dt>
              <dd>{state.identifiedBy ?? '—'}</dd>
            </dl>
            <h4>Plan pointer</h4>
            <dl className="kv">
              <dt>Source</dt>
              <dd>{state.planSource ?? 'no plan yet'}</dd>
              <dt>Running</dt>
              <dd className="mono">{state.runningTaskIds.join(', ') || '—'}</dd>
              <dt>Done</dt>
              <dd className="mono">{[...state.completedTaskIds, ...state.failedTaskIds].join(', ') || '—'}</dd>
              <dt>Pending</dt>
              <dd className="mono">{state.pendingTaskIds.join(', ') || '—'}</dd>
            </dl>
            <h4>Knowledge</h4>
            {state.knowledge.length ? (
              <ul className="plain-list">
                {state.knowledge.map((k) => (
                  <li key={k.title}>
                    {k.title} {k.score !== null && <span className="muted mono">{k.score.toFixed(2)}</span>}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None retrieved yet.</p>
            )}
            {state.plan != null && (
              <details>
                <summary>Plan JSON</summary>
                <JsonView value={state.plan} label="Plan" />
              </details>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
