import { ChatState, type UserInfo } from '../chat/chat-state.js';
import { verifiedCustomer } from '../chat/chat-state-loader.js';
import type { IdentityEventData, IdentityMethod } from '../domain/identity.js';
import type { Services } from '../services.js';

type Deps = Pick<Services, 'conversations' | 'customerSessions' | 'eventStore' | 'settings' | 'events'>;

/** A conversation's identity level now, as its next run would see it (GraphQL `Conversation.identity`). */
export async function conversationIdentity(services: Deps, conversationId: string): Promise<UserInfo> {
  const [conversation, session, settings, history] = await Promise.all([
    services.conversations.get(conversationId),
    services.customerSessions.get(conversationId),
    services.settings.get(),
    services.eventStore.list({ conversationId, types: ['IDENTITY'] }),
  ]);
  return ChatState.fromHistory({
    conversationId,
    runId: '',
    settings,
    agents: [],
    verified: verifiedCustomer(conversation.customerId, session),
    history,
  }).userInfo;
}

/**
 * Records how a conversation was verified outside the chat (a storefront token, or a customer an API
 * key vouched for) as its IDENTITY event.
 */
export async function recordVerification(
  services: Deps,
  conversationId: string,
  verified: { customerId: string; method: Extract<IdentityMethod, 'customer_token' | 'api_key'>; verifiedUntil?: Date },
): Promise<void> {
  const data: IdentityEventData = {
    level: 'verified',
    method: verified.method,
    customerId: verified.customerId,
    ...(verified.verifiedUntil ? { verifiedUntil: verified.verifiedUntil.toISOString() } : {}),
    policy: (await services.settings.get()).identityPolicy,
  };
  services.events.publish(await services.events.append([{ conversationId, type: 'IDENTITY', data }]));
}
