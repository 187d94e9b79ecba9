import type { Plan, StudioEvent } from './baton-event.js';

export type RunState = 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
export type TaskState = 'pending' | 'running' | 'completed' | 'failed';

export interface RunSummary {
  runId: string;
  mode: 'AUTO' | 'STEP';
  state: RunState;
  startedAt: string;
  finishedAt: string | null;
  plan: Plan | null;
  /** Where the current plan came from: planner, fallback, edit or refusal. */
  planSource: string | null;
  planVersions: number;
  taskStates: Record<string, TaskState>;
  /** While paused: the tasks the next step runs. */
  nextTaskIds: string[];
  pauseReason: 'planned' | 'before_task' | null;
  reply: string | null;
  error: string | null;
  /** The user message this run answers. */
  question: string | null;
}

/** What the inspector needs to know about one run, folded from its events (stored and live). */
export function summarizeRun(events: readonly StudioEvent[], runId: string): RunSummary | null {
  const own = events.filter((e) => e.runId === runId);
  const start = own.find((e) => e.type === 'RUN_STARTED');
  if (start?.type !== 'RUN_STARTED') return null;
  const summary: RunSummary = {
    runId,
    mode: start.data.mode,
    state: 'running',
    startedAt: start.createdAt,
    finishedAt: null,
    plan: null,
    planSource: null,
    planVersions: 0,
    taskStates: {},
    nextTaskIds: [],
    pauseReason: null,
    reply: null,
    error: null,
    question: null,
  };
  const messageId = start.data.messageEventId;
  const question = events.find(
    (e) =>
      e.type === 'MESSAGE' &&
      e.data.role === 'user' &&
      (e.runId === runId || (messageId && e.id === String(messageId))),
  );
  if (question?.type === 'MESSAGE') summary.question = question.data.text;

  for (const e of own) {
    switch (e.type) {
      case 'PLAN':
        summary.plan = e.data.plan;
        summary.planSource = e.data.source;
        summary.planVersions++;
        for (const t of e.data.plan.tasks) summary.taskStates[t.id] ??= 'pending';
        break;
      case 'TASK_STARTED':
        if (e.taskId) summary.taskStates[e.taskId] = 'running';
        summary.state = 'running';
        break;
      case 'TASK_COMPLETED':
        if (e.taskId) summary.taskStates[e.taskId] = 'completed';
        break;
      case 'TASK_FAILED':
        if (e.taskId) summary.taskStates[e.taskId] = 'failed';
        break;
      case 'RUN_PAUSED':
        summary.state = 'paused';
        summary.nextTaskIds = e.data.nextTaskIds;
        summary.pauseReason = e.data.pauseReason;
        break;
      case 'RUN_RESUMED':
        summary.state = 'running';
        break;
      case 'RUN_COMPLETED':
        summary.state = 'completed';
        summary.reply = e.data.reply;
        summary.finishedAt = e.createdAt;
        break;
      case 'RUN_FAILED':
        summary.state = 'failed';
        summary.error = `${e.data.code}: ${e.data.reason}`;
        summary.finishedAt = e.createdAt;
        break;
      case 'RUN_CANCELLED':
        summary.state = 'cancelled';
        summary.error = e.data.reason;
        summary.finishedAt = e.createdAt;
        break;
      default:
        break;
    }
    // Any task activity after a pause means the run moved on.
    if (
      summary.state === 'paused' &&
      (e.type === 'TASK_STARTED' || e.type === 'TOOL_CALL' || e.type === 'MESSAGE_DELTA')
    )
      summary.state = 'running';
  }
  if (summary.state !== 'paused') {
    summary.nextTaskIds = [];
    summary.pauseReason = null;
  }
  return summary;
}

/** The runs of a conversation, oldest first. */
export function runIdsOf(events: readonly StudioEvent[]): string[] {
  const ids: string[] = [];
  for (const e of events) if (e.type === 'RUN_STARTED' && e.runId && !ids.includes(e.runId)) ids.push(e.runId);
  return ids;
}
