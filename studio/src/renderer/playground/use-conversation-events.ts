import { useMemo } from 'react';
import { useSubscription } from 'urql';
import { type StudioEvent, toStudioEvent } from '../lib/baton-event.js';
import { ConversationEventsSubscription } from './playground-documents.js';

interface Acc {
  events: StudioEvent[];
  ids: Set<string>;
}

/**
 * A conversation's whole event log, live: the subscription replays stored events, then streams new ones
 * with MESSAGE_DELTAs. A reconnect replays again, so stored events are de-duplicated by id.
 */
export function useConversationEvents(conversationId: string | null) {
  const [result] = useSubscription(
    {
      query: ConversationEventsSubscription,
      variables: { conversationId: conversationId ?? '' },
      pause: !conversationId,
    },
    (acc: Acc | undefined, data): Acc => {
      const prev = acc ?? { events: [], ids: new Set<string>() };
      const event = toStudioEvent(data.conversationEvents);
      if (event.id !== null) {
        if (prev.ids.has(event.id)) return prev;
        prev.ids.add(event.id);
      }
      return { events: [...prev.events, event], ids: prev.ids };
    },
  );
  const events = useMemo(() => result.data?.events ?? [], [result.data]);
  return { events, error: result.error };
}
