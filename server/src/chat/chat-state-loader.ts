import { rawToEvent } from '../db/event-store.js';
import { LATER_BYTES, TRANSCRIPT_EVENTS, WITHIN_WINDOW } from '../db/run-repository.js';
import type { BatonEvent } from '../domain/events.js';
import { DEFAULT_HISTORY_CHARS, transcriptBytes } from '../domain/history-window.js';
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
 * With `upToRunId`, runs created after that one are left out, and that run's own events are all read. The
 * rest is the newest part a model call can be shown (MODEL_HISTORY_CHARS, see transcriptBytes), and every
 * IDENTITY event.
 */
export async function loadTranscriptEvents(
  services: Pick<Services, 'database'>,
  conversationId: string,
  upToRunId?: string,
  historyChars = DEFAULT_HISTORY_CHARS,
): Promise<BatonEvent[]> {
  // Raw SQL: this read is on every turn's critical path, and a query builder costs more CPU than it.
  // Compared in SQL: timestamps have microseconds, which a JS Date would round away.
  const rows = await services.database.query(
    `select id, conversation_id, seq, run_id, task_id, agent_name, type, data, created_at from (
      select e.id, e.conversation_id, e.seq, e.run_id, e.task_id, e.agent_name, e.type, e.data, e.created_at,
        e.run_created_at, ${LATER_BYTES}
      from ${TRANSCRIPT_EVENTS('$1::uuid')}
      where $2::uuid is null or e.run_created_at <= (select created_at from runs where id = $2::uuid)
    ) t
    where t.run_id = $2::uuid or ${WITHIN_WINDOW('$3::int')}
    order by t.run_created_at, t.seq`,
    [conversationId, upToRunId ?? null, transcriptBytes(historyChars)],
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
    /** MODEL_HISTORY_CHARS: how much of the transcript a model call is shown. */
    historyChars?: number;
  },
): Promise<ChatState> {
  const [settings, agents, conversationCustomerId, session] = await Promise.all([
    services.settings.get(),
    options.drafts && services.agentDrafts
      ? services.agentDrafts.enabled({ names: options.drafts })
      : services.agents.enabled(),
    options.customerId !== undefined ? options.customerId : services.conversations.customerId(options.conversationId),
    options.session !== undefined ? options.session : services.customerSessions.get(options.conversationId),
  ]);
  return ChatState.fromHistory({
    conversationId: options.conversationId,
    runId: options.runId,
    settings,
    agents,
    verified: verifiedCustomer(conversationCustomerId, session),
    historyChars: options.historyChars,
    history: options.history.filter((e) => e.type === 'MESSAGE' || e.type === 'TOOL_CALL' || e.type === 'IDENTITY'),
  });
}
