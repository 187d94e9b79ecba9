import { rawToEvent } from '../db/event-store.js';
import type { BatonEvent } from '../domain/events.js';
import type { IdentityMethod } from '../domain/identity.js';
import type { Services } from '../services.js';
import { ChatState, type VerifiedCustomer } from './chat-state.js';

/**
 * Who the conversation is verified as right now: a session (a storefront token, or a typed code) acts
 * only until it ends; a customer an API key vouched for (no session) has no end.
 */
export function verifiedCustomer(
  conversationCustomerId: string | null,
  session: { customerId: string; method: string; verifiedUntil: Date } | null | undefined,
  now = new Date(),
): VerifiedCustomer | null {
  if (session)
    return session.verifiedUntil > now
      ? {
          customerId: session.customerId,
          method: session.method as IdentityMethod,
          verifiedUntil: session.verifiedUntil,
        }
      : null;
  return conversationCustomerId ? { customerId: conversationCustomerId, method: 'api_key' } : null;
}

/**
 * A conversation's transcript events (MESSAGE, TOOL_CALL, TASK_COMPLETED, IDENTITY), ordered by run and then
 * by seq, so a queued message never appears before the reply to the one sent before it. Messages with
 * no run (the shopper's and the colleague's while a person owns the conversation) sort by their own time.
 * With `upToRunId`, runs created after that one are left out.
 */
export async function loadTranscriptEvents(
  services: Pick<Services, 'database'>,
  conversationId: string,
  upToRunId?: string,
): Promise<BatonEvent[]> {
  // Raw SQL: this read is on every turn's critical path, and a query builder costs more CPU than it.
  // Compared in SQL: timestamps have microseconds, which a JS Date would round away.
  const rows = await services.database.query(
    `select e.id, e.conversation_id, e.seq, e.run_id, e.task_id, e.agent_name, e.type, e.data, e.created_at
    from events e left join runs r on r.id = e.run_id
    where e.conversation_id = $1::uuid and e.type in ('MESSAGE', 'TOOL_CALL', 'TASK_COMPLETED', 'IDENTITY')
      and ($2::uuid is null or coalesce(r.created_at, e.created_at) <= (select created_at from runs where id = $2::uuid))
    order by coalesce(r.created_at, e.created_at), e.seq`,
    [conversationId, upToRunId ?? null],
  );
  return rows.map(rawToEvent);
}

/** Builds the ChatState a run (or a prompt preview) starts from. */
export async function loadChatState(
  services: Pick<Services, 'settings' | 'agents' | 'conversations' | 'customerSessions'> &
    Partial<Pick<Services, 'agentDrafts'>>,
  options: {
    conversationId: string;
    runId: string;
    history: BatonEvent[];
    /** The conversation's customer, when the caller has read it already (undefined: read it here). */
    customerId?: string | null;
    /** Its verification session, when the caller has read it already (undefined: read it here; null: none). */
    session?: { customerId: string; method: string; verifiedUntil: Date } | null;
    /** The card drafts the run was started against (run.drafts); otherwise only published cards. */
    drafts?: string[] | null;
  },
): Promise<ChatState> {
  const [settings, agents, conversationCustomerId, session] = await Promise.all([
    services.settings.get(),
    options.drafts && services.agentDrafts
      ? services.agentDrafts.enabled({ names: options.drafts })
      : services.agents.enabled(),
    options.customerId !== undefined
      ? options.customerId
      : services.conversations.get(options.conversationId).then((c) => c.customerId),
    options.session !== undefined ? options.session : services.customerSessions.get(options.conversationId),
  ]);
  return ChatState.fromHistory({
    conversationId: options.conversationId,
    runId: options.runId,
    settings,
    agents,
    verified: verifiedCustomer(conversationCustomerId, session),
    history: options.history.filter((e) => e.type === 'MESSAGE' || e.type === 'TOOL_CALL' || e.type === 'IDENTITY'),
  });
}
