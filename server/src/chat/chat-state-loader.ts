import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { rowToEvent } from '../db/event-store.js';
import { runs } from '../db/schema/conversations.js';
import { events } from '../db/schema/events.js';
import type { Services } from '../services.js';
import { ChatState } from './chat-state.js';
import type { BatonEvent } from './events.js';

/**
 * A conversation's transcript events (MESSAGE, TOOL_CALL, TASK_COMPLETED), ordered by run and then
 * by id, so a queued message never appears before the reply to the one sent before it.
 * With `upToRunId`, runs created after that one are left out.
 */
export async function loadTranscriptEvents(
  services: Services,
  conversationId: string,
  upToRunId?: string,
): Promise<BatonEvent[]> {
  const rows = await services.db
    .select({ event: events })
    .from(events)
    .innerJoin(runs, eq(runs.id, events.runId))
    .where(
      and(
        eq(events.conversationId, conversationId),
        inArray(events.type, ['MESSAGE', 'TOOL_CALL', 'TASK_COMPLETED']),
        // Compared in SQL: timestamps have microseconds, which a JS Date would round away.
        upToRunId ? sql`${runs.createdAt} <= (select created_at from runs where id = ${upToRunId})` : undefined,
      ),
    )
    .orderBy(asc(runs.createdAt), asc(events.id));
  return rows.map((r) => rowToEvent(r.event));
}

/** Builds the ChatState a run (or a prompt preview) starts from. */
export async function loadChatState(
  services: Services,
  options: {
    conversationId: string;
    runId: string;
    history: BatonEvent[];
    /** The conversation's customer, when the caller has read it already (undefined: read it here). */
    customerId?: string | null;
  },
): Promise<ChatState> {
  const [settings, agents, customerId] = await Promise.all([
    services.settings.get(),
    services.agents.enabled(),
    options.customerId !== undefined
      ? options.customerId
      : services.conversations.get(options.conversationId).then((c) => c.customerId),
  ]);
  return ChatState.fromHistory({
    conversationId: options.conversationId,
    runId: options.runId,
    settings,
    agents,
    customerId,
    history: options.history.filter((e) => e.type === 'MESSAGE' || e.type === 'TOOL_CALL'),
  });
}
