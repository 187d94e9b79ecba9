import type { StudioEvent } from '../lib/baton-event.js';
import { describeEvent, eventDuration } from '../lib/describe-event.js';
import { formatClock, formatDuration } from '../lib/format.js';
import { JsonView } from '../ui/json-view.js';

/**
 * Every event of the run in order: clock time, offset from the run's start, type, agent, what happened and
 * how long it took (reported durations, else the gap to the next event). Selecting a row shows its data and
 * sets the point in time for the ChatState tab.
 */
export function EventTimeline(props: {
  events: readonly StudioEvent[];
  selectedIndex: number | null;
  onSelect(index: number): void;
}) {
  const start = props.events[0] ? new Date(props.events[0].createdAt).getTime() : 0;
  return (
    <ol className="timeline" aria-label="Timeline">
      {props.events.map((e, i) => {
        const at = new Date(e.createdAt).getTime();
        const nextAt = props.events[i + 1] ? new Date(props.events[i + 1]!.createdAt).getTime() : null;
        const reported = eventDuration(e);
        const selected = props.selectedIndex === i;
        return (
          <li key={e.id ?? `delta-${i}`} className={`timeline-row ${selected ? 'timeline-row-selected' : ''}`}>
            <button
              type="button"
              className="timeline-button"
              aria-expanded={selected}
              onClick={() => props.onSelect(i)}
            >
              <span className="timeline-time mono">{formatClock(e.createdAt)}</span>
              <span className="timeline-type">
                <span className={`type-badge type-${e.type}`}>{e.type}</span>
              </span>
              <span className="timeline-agent">{e.agentName ?? ''}</span>
              <span className="timeline-offset mono">+{formatDuration(at - start)}</span>
              <span className="timeline-desc">{describeEvent(e)}</span>
              <span
                className="timeline-duration mono"
                title={reported !== null ? 'reported duration' : 'until next event'}
              >
                {reported !== null ? formatDuration(reported) : nextAt !== null ? formatDuration(nextAt - at) : ''}
              </span>
            </button>
            {selected && (
              <div className="timeline-detail">
                <JsonView value={shownData(e.data)} label={`${e.type} data`} />
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** The fields an event has: the schema's type name and the fields it left unset (null) are noise here. */
const shownData = (data: StudioEvent['data']) =>
  Object.fromEntries(Object.entries(data).filter(([key, value]) => key !== '__typename' && value !== null));
