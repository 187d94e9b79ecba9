import type { Plan, PlanTask } from './baton-event.js';

/** A task as the plan editor holds it: a pending task of the plan, or one the designer added. */
export interface DraftTask extends PlanTask {
  added: boolean;
  removed: boolean;
}

/** The editor's copy of a paused run's plan: pending tasks are editable, the rest only shown as dependencies. */
export interface PlanDraft {
  tasks: DraftTask[];
  /** Ids of tasks that ran (or run): they can be depended on, not edited. */
  fixed: string[];
}

export function draftOf(plan: Plan, pendingIds: readonly string[]): PlanDraft {
  const pending = new Set(pendingIds);
  return {
    tasks: plan.tasks
      .filter((t) => pending.has(t.id))
      .map((t) => ({ ...t, dependsOn: [...t.dependsOn], added: false, removed: false })),
    fixed: plan.tasks.filter((t) => !pending.has(t.id)).map((t) => t.id),
  };
}

/** Changes one task; never mutates the draft it was given (React may call updaters twice). */
export function updateTask(draft: PlanDraft, id: string, patch: Partial<PlanTask>): PlanDraft {
  return { ...draft, tasks: draft.tasks.map((t) => (t.id === id ? { ...t, ...patch } : t)) };
}

/** Removes a task (an added one disappears); tasks that waited on it no longer do. */
export function removeTask(draft: PlanDraft, id: string): PlanDraft {
  return {
    ...draft,
    tasks: draft.tasks
      .filter((t) => !(t.id === id && t.added))
      .map((t) => (t.id === id ? { ...t, removed: true } : { ...t, dependsOn: t.dependsOn.filter((d) => d !== id) })),
  };
}

export function restoreTask(draft: PlanDraft, id: string): PlanDraft {
  return { ...draft, tasks: draft.tasks.map((t) => (t.id === id ? { ...t, removed: false } : t)) };
}

/** Adds a task under the next free `tN` id. */
export function addTask(draft: PlanDraft, task: Omit<PlanTask, 'id'>): PlanDraft {
  const taken = new Set([...draft.fixed, ...draft.tasks.map((t) => t.id)]);
  let n = taken.size + 1;
  while (taken.has(`t${n}`)) n++;
  return { ...draft, tasks: [...draft.tasks, { ...task, id: `t${n}`, added: true, removed: false }] };
}

/** The tasks a task may depend on: every other task still in the plan. */
export function dependencyChoices(draft: PlanDraft, id: string): string[] {
  return [...draft.fixed, ...draft.tasks.filter((t) => !t.removed).map((t) => t.id)].filter((x) => x !== id);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** What editPlan gets: per-task edits (changed fields only, or removal) and added tasks. */
export function revisionOf(draft: PlanDraft, plan: Plan) {
  const original = new Map(plan.tasks.map((t) => [t.id, t]));
  const edits = draft.tasks.flatMap((t) => {
    const was = original.get(t.id);
    if (t.added || !was) return [];
    if (t.removed) return [{ taskId: t.id, remove: true }];
    const edit: {
      taskId: string;
      agent?: string;
      instruction?: string;
      statusMessage?: string;
      dependsOn?: string[];
    } = { taskId: t.id };
    if (t.agent !== was.agent) edit.agent = t.agent;
    if (t.instruction !== was.instruction) edit.instruction = t.instruction;
    if (t.statusMessage !== was.statusMessage) edit.statusMessage = t.statusMessage;
    if (!sameList(t.dependsOn, was.dependsOn)) edit.dependsOn = t.dependsOn;
    return Object.keys(edit).length > 1 ? [edit] : [];
  });
  const add = draft.tasks
    .filter((t) => t.added)
    .map((t) => ({
      id: t.id,
      agent: t.agent,
      instruction: t.instruction,
      statusMessage: t.statusMessage,
      dependsOn: t.dependsOn,
    }));
  // Removals go last: an edit in the same revision re-wires what depended on them first.
  edits.sort((a, b) => Number('remove' in a) - Number('remove' in b));
  return { edits, add };
}
