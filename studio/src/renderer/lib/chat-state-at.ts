import type { Plan } from '../../../../server/src/chat/plan.js';
import type { StudioEvent } from './baton-event.js';

/** The retriever's TOOL_CALLs are context, not transcript (as in the server's ChatState). */
const KNOWLEDGE_RETRIEVER = 'KnowledgeRetriever';

export type StateMessage =
  | { kind: 'user'; text: string; eventId: string | null }
  | { kind: 'assistant'; text: string; agentName: string; eventId: string | null }
  | {
      kind: 'tool';
      tool: string;
      agentName: string;
      arguments: unknown;
      output: unknown;
      error?: string;
      eventId: string | null;
    }
  | { kind: 'note'; text: string };

export interface ChatStateView {
  /** Whose view of the history this is: the agent of the active task (notes name everyone else). */
  viewer: string | null;
  messages: StateMessage[];
  userInfo: { customerId: string | null; identifiedBy: string | null };
  knowledge: { title: string; score?: number }[];
  plan: Plan | null;
  planSource: string | null;
  /** The plan pointer: the active task, and which tasks are done or still to come. */
  pointer: { activeTaskId: string | null; completed: string[]; failed: string[]; pending: string[] };
}

/**
 * ChatState as it stood right after `events[index]`: the transcript with the who-said-what notes the
 * active agent would be given, the identified customer, retrieved knowledge and the plan pointer. Mirrors
 * server/src/chat/chat-state.ts, replayed in the studio from the event log.
 */
export function chatStateAt(
  events: readonly StudioEvent[],
  index: number,
  initial: { customerId?: string | null } = {},
): ChatStateView {
  const upto = events.slice(0, index + 1).filter((e) => e.id !== null);
  const current = events[index];
  const runId = current?.runId ?? null;
  const raw: Exclude<StateMessage, { kind: 'note' }>[] = [];
  const view: ChatStateView = {
    viewer: null,
    messages: [],
    userInfo: {
      customerId: initial.customerId ?? null,
      identifiedBy: initial.customerId ? 'token' : null,
    },
    knowledge: [],
    plan: null,
    planSource: null,
    pointer: { activeTaskId: null, completed: [], failed: [], pending: [] },
  };
  for (const e of upto) {
    if (e.type === 'MESSAGE') {
      if (e.data.role === 'user') raw.push({ kind: 'user', text: e.data.text, eventId: e.id });
      else if (!e.data.final)
        raw.push({ kind: 'assistant', text: e.data.text, agentName: e.agentName ?? 'Assistant', eventId: e.id });
    } else if (e.type === 'TOOL_CALL') {
      if (e.agentName === KNOWLEDGE_RETRIEVER) {
        if (e.runId === runId) {
          const results = (e.data.output as { results?: { title: string; score?: number }[] } | undefined)?.results;
          view.knowledge = (results ?? []).map((r) => ({ title: r.title, score: r.score }));
        }
      } else if (e.agentName)
        raw.push({
          kind: 'tool',
          tool: e.data.tool,
          agentName: e.agentName,
          arguments: e.data.arguments,
          output: e.data.output,
          error: e.data.error,
          eventId: e.id,
        });
      if (e.data.identifiedCustomerId && !view.userInfo.customerId)
        view.userInfo = { customerId: e.data.identifiedCustomerId, identifiedBy: 'chat' };
    }
    if (e.runId !== runId) continue;
    if (e.type === 'PLAN') {
      view.plan = e.data.plan;
      view.planSource = e.data.source;
    } else if (e.type === 'TASK_STARTED') view.pointer.activeTaskId = e.taskId;
    else if (e.type === 'TASK_COMPLETED' && e.taskId) view.pointer.completed.push(e.taskId);
    else if (e.type === 'TASK_FAILED' && e.taskId) view.pointer.failed.push(e.taskId);
  }
  const finished = new Set([...view.pointer.completed, ...view.pointer.failed]);
  if (view.pointer.activeTaskId && finished.has(view.pointer.activeTaskId)) view.pointer.activeTaskId = null;
  view.pointer.pending = (view.plan?.tasks ?? [])
    .map((t) => t.id)
    .filter((id) => !finished.has(id) && id !== view.pointer.activeTaskId);
  const activeTask = view.plan?.tasks.find((t) => t.id === view.pointer.activeTaskId);
  view.viewer = activeTask?.agent ?? current?.agentName ?? null;

  for (let i = 0; i < raw.length; i++) {
    const m = raw[i]!;
    view.messages.push(m);
    if (m.kind === 'assistant' && m.agentName !== view.viewer)
      view.messages.push({
        kind: 'note',
        text: `[System Note] The assistant message above was authored by ${m.agentName}.`,
      });
    const next = raw[i + 1];
    if (m.kind === 'tool' && !(next?.kind === 'tool' && next.agentName === m.agentName) && m.agentName !== view.viewer)
      view.messages.push({ kind: 'note', text: `[System Note] The tool calls above were made by ${m.agentName}.` });
  }
  return view;
}
