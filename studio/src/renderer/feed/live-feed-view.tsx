import { useEffect, useRef, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { AgentsQuery } from '../agents/agent-documents.js';
import { graphql } from '../graphql/graphql.js';
import { useEventSubscription } from '../graphql/use-event-subscription.js';
import { EventFields, type EventType, type StudioEvent, toStudioEvent } from '../lib/baton-event.js';
import { describeEvent } from '../lib/describe-event.js';
import { formatClock } from '../lib/format.js';
import { EmptyState } from '../ui/empty-state.js';
import { Switch } from '../ui/switch.js';

const FeedSubscription = graphql(
  `
  subscription EventFeed($types: [EventType!], $agentNames: [String!], $after: ID) {
    eventFeed(types: $types, agentNames: $agentNames, after: $after) {
      ...EventFields
    }
  }
`,
  [EventFields],
);

const FeedCursorQuery = graphql(`
  query EventFeedCursor {
    eventFeedCursor
  }
`);

const feedTypes: EventType[] = [
  'RUN_STARTED',
  'PLAN',
  'TASK_STARTED',
  'MESSAGE',
  'TOOL_CALL',
  'HANDOFF',
  'TASK_COMPLETED',
  'TASK_FAILED',
  'RUN_PAUSED',
  'RUN_COMPLETED',
  'RUN_FAILED',
  'RUN_CANCELLED',
];
const keep = 500;

/** Every conversation's events as they happen (`eventFeed`), with type and agent filters, pause and auto-scroll. */
export function LiveFeedView() {
  const [agents] = useQuery({ query: AgentsQuery });
  const [types, setTypes] = useState<EventType[]>([]);
  const [agent, setAgent] = useState('');
  const [paused, setPaused] = useState(false);
  const [autoScroll, setAutoScroll] = useState(true);
  const toggleType = (t: EventType) => setTypes((ts) => (ts.includes(t) ? ts.filter((x) => x !== t) : [...ts, t]));

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Live feed</h1>
          <p className="subtitle">
            Events from every conversation as they happen{' '}
            <span className={`live-dot ${paused ? 'live-dot-paused' : ''}`} aria-hidden="true" />
            <span className="sr-only">{paused ? 'paused' : 'live'}</span>
          </p>
        </div>
        <div className="actions">
          <Switch label="Auto-scroll" showLabel checked={autoScroll} onChange={setAutoScroll} />
          <button type="button" className={`btn ${paused ? 'btn-primary' : ''}`} onClick={() => setPaused((p) => !p)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </div>
      </header>
      <section className="filters" aria-label="Filter events">
        <label>
          Agent
          <select value={agent} onChange={(e) => setAgent(e.target.value)}>
            <option value="">All agents</option>
            {(agents.data?.agents ?? []).map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
            <option value="PlannerAgent">PlannerAgent</option>
            <option value="KnowledgeRetriever">KnowledgeRetriever</option>
          </select>
        </label>
        <fieldset className="type-filter">
          <legend>Types</legend>
          {feedTypes.map((t) => (
            <label key={t} className={`chip-toggle ${types.includes(t) ? 'chip-toggle-on' : ''}`}>
              <input type="checkbox" checked={types.includes(t)} onChange={() => toggleType(t)} />
              {t}
            </label>
          ))}
        </fieldset>
      </section>
      {/* A filter change is a new subscription, from now on. */}
      <FeedList key={`${types.join()}|${agent}`} types={types} agent={agent} paused={paused} autoScroll={autoScroll} />
    </div>
  );
}

/**
 * The feed's events with the given filters. It starts at the live end, and every resubscription (a dropped
 * connection, a cut-off for reading too slowly) goes on after the last event received: nothing committed meanwhile
 * is missed, nothing shows twice.
 */
export function useLiveFeed(types: EventType[], agent: string) {
  const client = useClient();
  return useEventSubscription(
    FeedSubscription,
    { types: types.length ? types : null, agentNames: agent ? [agent] : null },
    (data) => toStudioEvent(data.eventFeed),
    {
      keep,
      resume: {
        start: async () => {
          const r = await client.query(FeedCursorQuery, {}, { requestPolicy: 'network-only' }).toPromise();
          if (!r.data) throw r.error;
          return r.data.eventFeedCursor;
        },
      },
    },
  );
}

function FeedList(props: { types: EventType[]; agent: string; paused: boolean; autoScroll: boolean }) {
  const result = useLiveFeed(props.types, props.agent);
  const all = result.events;
  const [cleared, setCleared] = useState<StudioEvent | null>(null);
  const [frozen, setFrozen] = useState<StudioEvent[] | null>(null);
  const visible = all.slice(cleared ? all.indexOf(cleared) + 1 : 0);
  // Pausing freezes what is on screen; events keep arriving underneath and show on resume.
  // biome-ignore lint/correctness/useExhaustiveDependencies: freeze the rows visible at the moment of pausing
  useEffect(() => setFrozen(props.paused ? visible : null), [props.paused]);
  const shown = frozen ?? visible;
  const waiting = frozen ? visible.length - frozen.filter((e) => visible.includes(e)).length : 0;
  const list = useRef<HTMLOListElement>(null);
  const count = shown.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when rows are added
  useEffect(() => {
    if (props.autoScroll) list.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [count, props.autoScroll]);

  return (
    <>
      <div className="feed-status">
        <span className="muted">
          {shown.length} events{frozen && waiting > 0 ? ` · ${waiting} new while paused` : ''}
        </span>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => setCleared(all.at(-1) ?? null)}
          disabled={!visible.length}
        >
          Clear
        </button>
      </div>
      <div className="page-body scroll">
        {result.error && <EmptyState title="Feed disconnected">{result.error.message}</EmptyState>}
        {!result.error && result.reconnecting && (
          <p className="alert alert-warn" role="status">
            Reconnecting… Events from the meantime appear once the connection is back.
          </p>
        )}
        {!result.error && !result.reconnecting && shown.length === 0 && (
          <EmptyState title={props.paused ? 'Paused' : 'Waiting for events…'}>
            Start a conversation anywhere (the Playground, the API, a storefront) and its events appear here.
          </EmptyState>
        )}
        <ol className="feed" ref={list} aria-label="Events" aria-live={props.paused ? 'off' : 'polite'}>
          {shown.map((e, i) => (
            <li key={e.id ?? `d${i}`} className="feed-row">
              <span className="mono muted">{formatClock(e.createdAt)}</span>
              <span className={`type-badge type-${e.type}`}>{e.type}</span>
              <span className="feed-agent truncate">{e.agentName ?? '—'}</span>
              <span className="feed-desc truncate" title={describeEvent(e)}>
                {describeEvent(e)}
              </span>
              <a
                className="mono feed-conv"
                href={`#/playground/${e.conversationId}${e.runId ? `?run=${e.runId}` : ''}`}
              >
                {e.conversationId.slice(0, 8)}
              </a>
            </li>
          ))}
        </ol>
      </div>
    </>
  );
}
