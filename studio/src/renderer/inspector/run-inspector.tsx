import { useMemo, useState } from 'react';
import { isType, type StudioEvent } from '../lib/baton-event.js';
import { formatDuration } from '../lib/format.js';
import { summarizeRun } from '../lib/run-summary.js';
import type { ModelProviderInfo } from '../playground/provider-note.js';
import { EmptyState } from '../ui/empty-state.js';
import { StatusBadge } from '../ui/status-badge.js';
import { Tabs } from '../ui/tabs.js';
import { ChatStatePanel } from './chat-state-panel.js';
import { EventTimeline } from './event-timeline.js';
import { HandoffList } from './handoff-list.js';
import { PauseButton } from './pause-button.js';
import { PlanDag } from './plan-dag.js';
import { PlanVersions } from './plan-versions.js';
import { RunDrafts } from './run-drafts.js';
import { StepControls } from './step-controls.js';
import { ToolCalls } from './tool-calls.js';

type Tab = 'plan' | 'timeline' | 'tools' | 'handoffs' | 'state';

/** Everything about one run: step controls when paused, the plan DAG, timeline, tool calls, hand-offs and state. */
export function RunInspector(props: {
  events: readonly StudioEvent[];
  runId: string | null;
  agentNames: readonly string[];
  customerId: string | null;
  /** The server's model provider, and the model each agent runs with. */
  provider: ModelProviderInfo | null;
  models: Readonly<Record<string, string>>;
}) {
  const [tab, setTab] = useState<Tab>('plan');
  const [selected, setSelected] = useState<number | null>(null);
  const run = props.runId ? summarizeRun(props.events, props.runId) : null;
  // Streamed deltas are many and carry no meaning of their own: the timeline shows stored events.
  const runEvents = useMemo(
    () => props.events.filter((e) => e.runId === props.runId && e.id !== null),
    [props.events, props.runId],
  );
  if (!run) return <EmptyState title="No run selected">Send a message, or pick a run in the chat.</EmptyState>;

  const toolCalls = runEvents.filter((e) => isType(e, 'TOOL_CALL'));
  const handoffs = runEvents.filter((e) => isType(e, 'HANDOFF'));
  const selectedIndex = selected !== null && selected < runEvents.length ? selected : runEvents.length - 1;
  const selectedEvent = runEvents[selectedIndex];
  const duration = run.finishedAt ? new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime() : null;

  return (
    <section className="inspector" aria-label="Run inspector">
      <header className="inspector-head">
        <h2>
          Run <span className="mono">{run.runId.slice(0, 8)}</span>
        </h2>
        <StatusBadge status={run.state.toUpperCase()} />
        <span className="badge badge-gray">{run.mode.toLowerCase()}</span>
        <RunDrafts runId={run.runId} />
        {props.provider && (
          <span
            className={`badge ${props.provider.ruleBased ? 'badge-amber' : 'badge-blue'}`}
            title={props.provider.description}
          >
            {props.provider.ruleBased ? 'offline rule-based stand-in' : props.provider.name}
          </span>
        )}
        <span className="spacer" />
        {run.state === 'running' && <PauseButton runId={run.runId} />}
        <span className="muted">{duration !== null ? formatDuration(duration) : `${runEvents.length} events`}</span>
      </header>
      {run.question && <p className="inspector-question">“{run.question}”</p>}
      {run.state === 'paused' && <StepControls run={run} agentNames={props.agentNames} />}
      {run.state === 'cancelled' && (
        <p className="alert alert-muted" role="status">
          Cancelled{run.error ? ` (${run.error})` : ''}. It no longer runs or steps; send a message to start a new run.
        </p>
      )}
      {run.state === 'failed' && run.error && (
        <p className="alert alert-error" role="status">
          Failed: {run.error}
        </p>
      )}
      <Tabs<Tab>
        label="Inspector"
        selected={tab}
        onSelect={setTab}
        tabs={[
          { id: 'plan', label: 'Plan', count: run.plan?.tasks.length ?? 0 },
          { id: 'timeline', label: 'Timeline', count: runEvents.length },
          { id: 'tools', label: 'Tool calls', count: toolCalls.length },
          { id: 'handoffs', label: 'Hand-offs', count: handoffs.length },
          { id: 'state', label: 'ChatState' },
        ]}
      />
      <div className="inspector-body scroll" role="tabpanel" aria-label={tab}>
        {tab === 'plan' &&
          (run.plan ? (
            <div className="plan-view">
              <p className="muted">
                Source: <strong>{run.planSource}</strong>
                {run.planVersions > 1 && ` · ${run.planVersions} versions`}
                {run.plan.refuse && ' · refused'}
              </p>
              {run.plan.tasks.length > 0 && (
                <div className="dag-wrap">
                  <PlanDag plan={run.plan} states={run.taskStates} next={run.nextTaskIds} />
                </div>
              )}
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Task</th>
                    <th scope="col">Agent</th>
                    <th scope="col">Model</th>
                    <th scope="col">State</th>
                    <th scope="col">Instruction</th>
                  </tr>
                </thead>
                <tbody>
                  {run.plan.tasks.map((t) => (
                    <tr key={t.id}>
                      <td className="mono">{t.id}</td>
                      <td>{t.agent}</td>
                      <td className="mono muted">{props.models[t.agent] ?? props.provider?.defaultModel ?? '—'}</td>
                      <td>{run.taskStates[t.id] ?? 'pending'}</td>
                      <td>
                        {t.instruction}
                        {t.dependsOn.length > 0 && <span className="muted"> · after {t.dependsOn.join(', ')}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <PlanVersions key={run.planVersions} runId={run.runId} count={run.planVersions} />
            </div>
          ) : (
            <EmptyState title="Planning…" />
          ))}
        {tab === 'timeline' && (
          <EventTimeline
            events={runEvents}
            selectedIndex={selected}
            onSelect={(i) => setSelected((s) => (s === i ? null : i))}
          />
        )}
        {tab === 'tools' && <ToolCalls calls={toolCalls} />}
        {tab === 'handoffs' && <HandoffList handoffs={handoffs} />}
        {tab === 'state' && selectedEvent && <ChatStatePanel runId={run.runId} event={selectedEvent} />}
      </div>
    </section>
  );
}
