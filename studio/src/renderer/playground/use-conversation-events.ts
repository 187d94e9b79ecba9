import type { CombinedError } from '@urql/core';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useClient } from 'urql';
import { toStudioEvent } from '../lib/baton-event.js';
import { ConversationEventLog } from '../lib/conversation-event-log.js';
import { ConversationEventsSubscription } from './playground-documents.js';

/**
 * A conversation's whole event log, live: the subscription replays stored events, then streams new ones
 * with MESSAGE_DELTAs. Events go into a ConversationEventLog rather than through a state updater, so
 * StrictMode's double-invoked updaters, its re-run effects (a second subscription that replays) and
 * reconnects can neither drop nor double an event.
 */
export function useConversationEvents(conversationId: string | null) {
  const client = useClient();
  // One log per conversation; the effect below may subscribe more than once into the same log.
  const log = useMemo(() => new ConversationEventLog(conversationId), [conversationId]);
  const [error, setError] = useState<CombinedError | undefined>(undefined);

  useEffect(() => {
    if (!conversationId) return;
    setError(undefined);
    const subscription = client.subscription(ConversationEventsSubscription, { conversationId }).subscribe((result) => {
      if (result.error) setError(result.error);
      if (result.data) log.add(toStudioEvent(result.data.conversationEvents));
    });
    return () => subscription.unsubscribe();
  }, [client, conversationId, log]);

  const events = useSyncExternalStore(log.subscribe, log.getSnapshot);
  return { events, error };
}
