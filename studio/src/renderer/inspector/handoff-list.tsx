import type { StudioEventOf } from '../lib/baton-event.js';
import { formatClock } from '../lib/format.js';
import { EmptyState } from '../ui/empty-state.js';

/** The run's hand-offs: who passed the task to whom, and why. */
export function HandoffList({ handoffs }: { handoffs: readonly StudioEventOf<'HANDOFF'>[] }) {
  if (!handoffs.length) return <EmptyState title="No hand-offs in this run" />;
  return (
    <ul className="handoffs">
      {handoffs.map((h, i) => (
        <li key={h.id ?? i} className="handoff">
          <div className="handoff-route">
            <strong>{h.data.from}</strong>
            <span aria-hidden="true">→</span>
            <span className="sr-only">handed off to</span>
            <strong>{h.data.to}</strong>
            <span className="spacer" />
            <span className="mono muted">
              {h.taskId} · {formatClock(h.createdAt)}
            </span>
          </div>
          <p>{h.data.reason}</p>
        </li>
      ))}
    </ul>
  );
}
