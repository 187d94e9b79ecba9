import type { BatonEvent } from '../domain/events.js';
import type { IdentityLevel } from '../domain/identity.js';
import type { Plan } from '../domain/plan.js';
import { NotFoundError } from '../errors.js';
import type { ChatMessage } from '../models/model-provider.js';
import type { Services } from '../services.js';
import { ChatState, KNOWLEDGE_RETRIEVER, type VerifiedCustomer } from './chat-state.js';

/** ChatState as it stood right after one stored event of a run, for the studio's inspector. */
export interface ChatStateAtEvent {
  eventId: number;
  /** The task the event belongs to, whose view of the history this is; null before and after tasks (the planner's view). */
  taskId: string | null;
  /** Whose view of the history this is: the task's agent, or PlannerAgent outside tasks. */
  viewer: string;
  /** The model history `viewer` is given, with the who-said-what system notes (ChatState.renderHistory). */
  messages: ChatMessage[];
  customerId: string | null;
  identifiedBy: string | null;
  /** The identity level at that moment: anonymous, claimed or verified. */
  identityLevel: IdentityLevel;
  knowledge: { title: string; score: number | null }[];
  plan: Plan | null;
  planSource: string | null;
  completedTaskIds: string[];
  failedTaskIds: string[];
  /** Tasks started and not finished at that moment: with parallel tasks, more than one. */
  runningTaskIds: string[];
  pendingTaskIds: string[];
}

const PLANNER = 'PlannerAgent';

/**
 * Replays a run's stored events up to `eventId` with the server's own ChatState. With tasks running in
 * parallel each agent has its own view: a task's agent is given the transcript as it stood when its
 * task started, plus its own task's messages and tool calls since; siblings' later work is not in it.
 */
export async function chatStateAt(
  services: Pick<Services, 'eventStore' | 'conversations' | 'settings' | 'agents' | 'agentDrafts' | 'config'>,
  runId: string,
  eventId: number,
): Promise<ChatStateAtEvent> {
  const run = await services.conversations.getRun(runId);
  const upTo = await services.eventStore.list({ conversationId: run.conversationId, upTo: eventId });
  const at = upTo.at(-1);
  if (!at || at.id !== eventId || at.runId !== runId)
    throw new NotFoundError(`No event ${eventId} in this run`, { details: { field: 'eventId' } });
  const own = upTo.filter((e) => e.runId === runId);

  let plan: Plan | null = null;
  let planSource: string | null = null;
  const started = new Map<string, number>();
  const completed: string[] = [];
  const failed: string[] = [];
  let knowledge: ChatStateAtEvent['knowledge'] = [];
  for (const e of own) {
    if (e.type === 'PLAN') {
      plan = e.data.plan;
      planSource = e.data.source;
    } else if (e.type === 'TASK_STARTED' && e.taskId) started.set(e.taskId, e.id ?? 0);
    else if (e.type === 'TASK_COMPLETED' && e.taskId) completed.push(e.taskId);
    else if (e.type === 'TASK_FAILED' && e.taskId) failed.push(e.taskId);
    else if (e.type === 'TOOL_CALL' && e.agentName === KNOWLEDGE_RETRIEVER) {
      const results = (e.data.output as { results?: { title: string; score?: number }[] } | undefined)?.results;
      knowledge = (results ?? []).map((r) => ({ title: r.title, score: r.score ?? null }));
    }
  }
  const finished = new Set([...completed, ...failed]);
  const running = [...started.keys()].filter((id) => !finished.has(id));
  const taskId = at.taskId && started.has(at.taskId) ? at.taskId : null;
  const viewer = (taskId && plan?.tasks.find((t) => t.id === taskId)?.agent) || at.agentName || PLANNER;

  // The transcript this view was built from: everything before the task started, then the task's own.
  const startedAt = taskId ? started.get(taskId)! : eventId;
  const history = upTo.filter(
    (e): e is BatonEvent =>
      (e.type === 'MESSAGE' || e.type === 'TOOL_CALL' || e.type === 'IDENTITY') &&
      ((e.id ?? 0) <= startedAt || (taskId !== null && e.runId === runId && e.taskId === taskId)),
  );
  const [settings, agents, conversation] = await Promise.all([
    services.settings.get(),
    run.drafts ? services.agentDrafts.enabled({ names: run.drafts }) : services.agents.enabled(),
    services.conversations.get(run.conversationId),
  ]);
  const state = ChatState.fromHistory({
    conversationId: run.conversationId,
    runId,
    settings,
    agents,
    verified: verifiedAt(upTo, conversation.customerId, at.createdAt),
    history,
    historyChars: services.config.model.historyChars,
  });
  return {
    eventId,
    taskId,
    viewer,
    messages: state.renderHistory(viewer),
    customerId: state.userInfo.customerId ?? null,
    identifiedBy: state.userInfo.identifiedBy ?? null,
    identityLevel: state.userInfo.level,
    knowledge,
    plan,
    planSource,
    completedTaskIds: completed,
    failedTaskIds: failed,
    runningTaskIds: running,
    pendingTaskIds: (plan?.tasks ?? []).map((t) => t.id).filter((id) => !finished.has(id) && !started.has(id)),
  };
}

/** The verification in force at the end of `events`: the latest one recorded, else an API key's customer. */
function verifiedAt(
  events: readonly BatonEvent[],
  conversationCustomerId: string | null,
  now: Date,
): VerifiedCustomer | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type !== 'IDENTITY' || e.data.level !== 'verified' || !e.data.customerId || !e.data.method) continue;
    if (e.data.method === 'email' || e.data.method === 'name_zip') continue;
    const until = e.data.verifiedUntil ? new Date(e.data.verifiedUntil) : undefined;
    if (until && until <= now) return null;
    return { customerId: e.data.customerId, method: e.data.method, verifiedUntil: until };
  }
  return conversationCustomerId ? { customerId: conversationCustomerId, method: 'api_key' } : null;
}
