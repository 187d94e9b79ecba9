import type { RunRepository } from '../db/run-repository.js';
import type { RunRow } from '../db/schema/conversations.js';
import type { EventLog } from './event-log.js';

/**
 * Cancels a run that no process of this replica executes: the row is marked, and RUN_CANCELLED is recorded here when
 * no live lease holds the run (queued, paused, or its owner died); a run leased elsewhere notices at its next lease
 * renewal and records the cancellation itself. Undefined when the run had ended already.
 */
export async function cancelUnownedRun(
  deps: { runs: Pick<RunRepository, 'cancel'>; events: EventLog },
  runId: string,
  reason: string,
): Promise<RunRow | undefined> {
  const row = await deps.runs.cancel(runId, reason);
  if (!row) return undefined;
  await recordCancelled(deps, row, reason);
  return row;
}

/**
 * Records RUN_CANCELLED for a row just marked CANCELLED (by `cancel`, or the paused-run deadline), unless a live lease
 * holds the run: then its executor records it when it notices.
 */
export async function recordCancelled(deps: { events: EventLog }, row: RunRow, reason: string): Promise<void> {
  if (row.leaseOwner && !(row.leaseExpiresAt && row.leaseExpiresAt < new Date())) return;
  deps.events.publish(
    await deps.events.append([
      { type: 'RUN_CANCELLED', conversationId: row.conversationId, runId: row.id, data: { reason } },
    ]),
  );
}
