import type { BatonEvent, NewEvent } from '../domain/events.js';
import type { RunStart } from './chat-orchestrator.js';
import { KNOWLEDGE_RETRIEVER, type KnowledgeArticle } from './chat-state.js';
import type { TaskOutput } from './compose-reply.js';
import type { Run } from './conversation-service.js';
import { readKnowledgeArticles } from './knowledge-retriever.js';

/**
 * Where a run that already has a plan picks up: the outputs of its completed tasks and its knowledge.
 * `planStored`: whether its PLAN event is stored; if not, the run stopped while its plan streamed, and
 * `run.plan` holds only the tasks that had started.
 */
export function resumePoint(run: Run, history: BatonEvent[], planStored: boolean): NonNullable<RunStart['resume']> {
  const mine = history.filter((e) => e.runId === run.id);
  const outputs: TaskOutput[] = [];
  for (const taskId of run.completedTaskIds) {
    const done = mine.find((e) => e.type === 'TASK_COMPLETED' && e.taskId === taskId);
    if (done?.type === 'TASK_COMPLETED')
      outputs.push({ taskId, agentName: done.agentName ?? '', text: done.data.output });
  }
  const retrieval = mine.find((e) => e.type === 'TOOL_CALL' && e.agentName === KNOWLEDGE_RETRIEVER);
  // The stored output is the store's own shape (`body`, not `content`): read it as the retriever did.
  const knowledge: KnowledgeArticle[] =
    retrieval?.type === 'TOOL_CALL' ? readKnowledgeArticles(retrieval.data.output).slice(0, 3) : [];
  return { plan: run.plan!, outputs, knowledge, ...(planStored ? {} : { planPending: true }) };
}

/**
 * After a crash, the interrupted task runs again from its start. Its writes return their first result
 * (idempotency keys are run:task:callIndex), so the TOOL_CALLs they produce repeat ones the log
 * already holds; those are not recorded twice. The n-th TOOL_CALL of a task has call index n, so a
 * call matches the recorded one at the same position with the same tool, arguments and result.
 * Once the new attempt diverges, everything after is recorded.
 */
export class ReplayedToolCalls {
  private readonly byTask = new Map<string, string[]>();
  private readonly position = new Map<string, number>();
  private readonly diverged = new Set<string>();

  constructor(history: BatonEvent[], run: Run) {
    for (const e of history)
      if (e.type === 'TOOL_CALL' && e.runId === run.id && e.taskId && !run.completedTaskIds.includes(e.taskId))
        this.byTask.set(e.taskId, [...(this.byTask.get(e.taskId) ?? []), toolCallKey(e.data)]);
  }

  drop(batch: NewEvent[]): NewEvent[] {
    return batch.filter((e) => {
      if (e.type !== 'TOOL_CALL' || !e.taskId || !this.byTask.has(e.taskId) || this.diverged.has(e.taskId)) return true;
      const n = this.position.get(e.taskId) ?? 0;
      this.position.set(e.taskId, n + 1);
      if (this.byTask.get(e.taskId)![n] === toolCallKey(e.data)) return false;
      this.diverged.add(e.taskId);
      return true;
    });
  }
}

/** What identifies a tool call's effect: tool, arguments and result, with object keys in a stable order. */
function toolCallKey(data: { tool: string; arguments?: unknown; output?: unknown; error?: string }): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(canonical([data.tool, data.arguments ?? null, data.output ?? null, data.error ?? null]));
}
