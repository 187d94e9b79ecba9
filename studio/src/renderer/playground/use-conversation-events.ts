import { useEventSubscription } from '../graphql/use-event-subscription.js';
import { toStudioEvent } from '../lib/baton-event.js';
import { ConversationEventsSubscription } from './playground-documents.js';

/**
 * A conversation's whole event log, live: the subscription replays stored events, then streams new ones
 * with MESSAGE_DELTAs. StrictMode's double-invoked updaters and re-run effects, re-subscriptions and
 * reconnects (each replays) neither drop nor double an event: see useEventSubscription and EventLog.
 */
export function useConversationEvents(conversationId: string | null) {
  return useEventSubscription(ConversationEventsSubscription, conversationId ? { conversationId } : null, (data) =>
    toStudioEvent(data.conversationEvents),
  );
}
