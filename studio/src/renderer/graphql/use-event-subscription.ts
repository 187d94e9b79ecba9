import type { AnyVariables, CombinedError, TypedDocumentNode } from '@urql/core';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useClient } from 'urql';
import type { StudioEvent } from '../lib/baton-event.js';
import { EventLog } from '../lib/event-log.js';
import type { SubscriptionResume } from './create-client.js';

/** How a subscription with an `after` argument resumes (the live feed): where it starts, the first time. */
export interface ResumeFrom {
  /** The cursor to start after, asked once per log (e.g. `eventFeedCursor`: the live end). */
  start(): Promise<string>;
}

/** Where a log's subscriptions (re)start: the start cursor, asked once, then the last stored event received. */
interface Follow {
  log: EventLog;
  start: Promise<string> | null;
  after: string | null;
}

/**
 * Follows an event subscription into an EventLog. The subscription is opened in an effect with the
 * client's own `subscription()`, not urql's useSubscription: that hook folds results in a state updater
 * (which StrictMode runs twice) and, after StrictMode's unmount and remount, could stay unsubscribed.
 * Here a re-run effect simply subscribes again, and the log drops what a replay repeats.
 *
 * Without `resume`, a subscription replays from the start when it reconnects (graphql-ws re-sends it). With it,
 * every (re)subscription passes `after`: the start cursor, then the id of the last stored event received, or the
 * `extensions.after` of SUBSCRIBER_TOO_SLOW. `reconnecting` is true while the socket is down.
 */
export function useEventSubscription<Data, Variables extends AnyVariables>(
  query: TypedDocumentNode<Data, Variables>,
  /** null: not subscribed (e.g. no conversation yet). */
  variables: Variables | null,
  eventOf: (data: Data) => StudioEvent,
  options: { keep?: number; resume?: ResumeFrom } = {},
): { events: readonly StudioEvent[]; error: CombinedError | undefined; reconnecting: boolean } {
  const client = useClient();
  const key = variables === null ? '' : JSON.stringify(variables);
  // A new log when the variables change by value (callers pass a fresh object each render).
  const follow = useMemo<Follow>(
    () => ({ log: new EventLog(key, options.keep), start: null, after: null }),
    [key, options.keep],
  );
  const log = follow.log;
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [reconnecting, setReconnecting] = useState(false);
  // The effect reads this render's arguments; it re-runs when the log changes, i.e. when the variables do.
  const current = { query, variables, eventOf, resume: options.resume };

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-subscribe when the log (the variables) changes
  useEffect(() => {
    const { query, variables, eventOf, resume } = current;
    if (variables === null) return;
    setError(undefined);
    setReconnecting(false);
    let stopped = false;
    let unsubscribe = () => {};
    const subscribe = () => {
      const context = resume
        ? {
            resume: {
              variables: () => ({ ...variables, after: follow.after }),
              onConnection: (up) => {
                if (!stopped) setReconnecting(!up);
              },
            } satisfies SubscriptionResume,
          }
        : undefined;
      const subscription = client
        .subscription(query, (resume ? { ...variables, after: follow.after } : variables) as Variables, context)
        .subscribe((result) => {
          if (stopped) return;
          const event = result.data ? eventOf(result.data) : null;
          if (event) {
            log.add(event);
            if (event.id !== null) follow.after = event.id;
          }
          const tooSlow = result.error?.graphQLErrors.find((e) => e.extensions?.code === 'SUBSCRIBER_TOO_SLOW');
          const resumeAfter = tooSlow?.extensions?.after;
          if (resume && typeof resumeAfter === 'string') {
            // Cut off for reading too slowly: go on from where the server says, with nothing missed.
            follow.after = resumeAfter;
            queueMicrotask(() => {
              if (stopped) return;
              subscription.unsubscribe();
              subscribe();
            });
          } else if (result.error) setError(result.error);
        });
      unsubscribe = () => subscription.unsubscribe();
    };
    if (!resume) subscribe();
    else {
      follow.start ??= resume.start();
      follow.start.then(
        (cursor) => {
          if (stopped) return;
          follow.after ??= cursor;
          subscribe();
        },
        (err: CombinedError) => {
          // Asked again on the next mount.
          follow.start = null;
          if (!stopped) setError(err);
        },
      );
    }
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [client, follow]);

  const events = useSyncExternalStore(log.subscribe, log.getSnapshot);
  return { events, error, reconnecting };
}
