import type { AnyVariables, CombinedError, TypedDocumentNode } from '@urql/core';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useClient } from 'urql';
import type { StudioEvent } from '../lib/baton-event.js';
import { EventLog } from '../lib/event-log.js';

/**
 * Follows an event subscription into an EventLog. The subscription is opened in an effect with the
 * client's own `subscription()`, not urql's useSubscription: that hook folds results in a state updater
 * (which StrictMode runs twice) and, after StrictMode's unmount and remount, could stay unsubscribed.
 * Here a re-run effect simply subscribes again, and the log drops what a replay repeats.
 */
export function useEventSubscription<Data, Variables extends AnyVariables>(
  query: TypedDocumentNode<Data, Variables>,
  /** null: not subscribed (e.g. no conversation yet). */
  variables: Variables | null,
  eventOf: (data: Data) => StudioEvent,
  options: { keep?: number } = {},
): { events: readonly StudioEvent[]; error: CombinedError | undefined } {
  const client = useClient();
  const key = variables === null ? '' : JSON.stringify(variables);
  // A new log when the variables change by value (callers pass a fresh object each render).
  const log = useMemo(() => new EventLog(key, options.keep), [key, options.keep]);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  // The effect reads this render's arguments; it re-runs when the log changes, i.e. when the variables do.
  const current = { query, variables, eventOf };

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-subscribe when the log (the variables) changes
  useEffect(() => {
    if (current.variables === null) return;
    setError(undefined);
    const subscription = client.subscription(current.query, current.variables).subscribe((result) => {
      if (result.error) setError(result.error);
      if (result.data) log.add(current.eventOf(result.data));
    });
    return () => subscription.unsubscribe();
  }, [client, log]);

  const events = useSyncExternalStore(log.subscribe, log.getSnapshot);
  return { events, error };
}
