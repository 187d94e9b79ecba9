import type { EventBus } from '../db/event-bus.js';
import type { EventQuery, EventStore } from '../db/event-store.js';
import type { BatonEvent } from './events.js';

const PAGE = 500;
/** A subscriber this far behind is cut off; it reconnects with `after` and loses nothing. */
const MAX_BUFFERED = 20_000;

export class SubscriberTooSlowError extends Error {
  readonly code = 'SUBSCRIBER_TOO_SLOW';
}

export interface EventStreamOptions {
  store: EventStore;
  bus: EventBus;
  /** Which stored events to replay; the same filter applies to live events. */
  query: Omit<EventQuery, 'upTo' | 'limit'>;
  /** Whether transient events (MESSAGE_DELTA) are wanted. */
  includeTransient?: boolean;
  /** Stop after this event (e.g. RUN_COMPLETED for a run stream). */
  until?: (event: BatonEvent) => boolean;
  signal?: AbortSignal;
}

export function matchesQuery(event: BatonEvent, q: EventStreamOptions['query']): boolean {
  if (q.conversationId && event.conversationId !== q.conversationId) return false;
  if (q.runId && event.runId !== q.runId) return false;
  if (q.types?.length && !q.types.includes(event.type)) return false;
  if (q.agentNames?.length && !(event.agentName && q.agentNames.includes(event.agentName))) return false;
  return true;
}

/**
 * Replays stored events after the cursor, then continues live, with no gap and no duplicate at
 * the seam: it subscribes before reading, and drops live events the replay already yielded.
 */
export async function* replayThenLive(options: EventStreamOptions): AsyncGenerator<BatonEvent> {
  const { store, bus, query } = options;
  const buffer: BatonEvent[] = [];
  let wake: (() => void) | undefined;
  let overflow = false;
  let aborted = false;
  const unsubscribe = bus.subscribe((event) => {
    if (!matchesQuery(event, query)) return;
    if (event.id === null && !options.includeTransient) return;
    if (buffer.length >= MAX_BUFFERED) overflow = true;
    else buffer.push(event);
    wake?.();
  });
  const onAbort = () => {
    aborted = true;
    wake?.();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    let cursor = query.after ?? 0;
    for (;;) {
      const page = await store.list({ ...query, after: cursor, limit: PAGE });
      for (const event of page) {
        cursor = event.id ?? cursor;
        yield event;
        if (options.until?.(event)) return;
      }
      if (page.length < PAGE) break;
    }
    for (;;) {
      if (aborted) return;
      if (overflow) throw new SubscriberTooSlowError(`subscriber fell behind; resubscribe with after: ${cursor}`);
      const event = buffer.shift();
      if (!event) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (event.id !== null) {
        if (event.id <= cursor) continue;
        cursor = event.id;
      }
      yield event;
      if (options.until?.(event)) return;
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener('abort', onAbort);
  }
}
