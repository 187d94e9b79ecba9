import type { BatonEvent, EventOf } from '../domain/events.js';
import type { Plan, PlanTask } from '../domain/plan.js';

/** One version of a run's plan: the planner's, a fallback, or a designer's edit. */
export interface PlanVersion {
  /** 1 for the first plan, then one more per edit. */
  version: number;
  eventId: number;
  source: EventOf<'PLAN'>['data']['source'];
  /** Who made it: the planner, or the editor's name. */
  by: string;
  reason: string | null;
  createdAt: Date;
  plan: Plan;
}

/** A run's plan versions, oldest first, from its PLAN events. */
export function planVersions(events: readonly BatonEvent[]): PlanVersion[] {
  return events
    .filter((e): e is EventOf<'PLAN'> => e.type === 'PLAN' && e.id !== null)
    .map((e, i) => ({
      version: i + 1,
      eventId: e.id!,
      source: e.data.source,
      by: e.data.editedBy ?? e.agentName ?? 'PlannerAgent',
      reason: e.data.editReason ?? e.data.fallbackReason ?? null,
      createdAt: e.createdAt,
      plan: e.data.plan,
    }));
}

export type PlanTaskField = 'agent' | 'instruction' | 'statusMessage' | 'dependsOn';
const fields: PlanTaskField[] = ['agent', 'instruction', 'statusMessage', 'dependsOn'];

/** One difference between two plans: a task added or removed, or one field of a task changed. */
export interface PlanChange {
  kind: 'ADDED' | 'REMOVED' | 'CHANGED';
  taskId: string;
  field: PlanTaskField | null;
  /** The field's value (dependencies joined with ", "), or the task's agent and instruction when added or removed. */
  before: string | null;
  after: string | null;
}

const show = (task: PlanTask, field: PlanTaskField) =>
  field === 'dependsOn' ? task.dependsOn.join(', ') : (task[field] as string);
const summary = (task: PlanTask) => `${task.agent}: ${task.instruction}`;

/** What changed from plan `a` to plan `b`, task by task in `b`'s order, then removed tasks. */
export function diffPlans(a: Plan, b: Plan): PlanChange[] {
  const before = new Map(a.tasks.map((t) => [t.id, t]));
  const after = new Set(b.tasks.map((t) => t.id));
  const changes: PlanChange[] = [];
  for (const task of b.tasks) {
    const old = before.get(task.id);
    if (!old) {
      changes.push({ kind: 'ADDED', taskId: task.id, field: null, before: null, after: summary(task) });
      continue;
    }
    for (const field of fields) {
      const was = show(old, field);
      const now = show(task, field);
      if (was !== now) changes.push({ kind: 'CHANGED', taskId: task.id, field, before: was, after: now });
    }
  }
  for (const task of a.tasks)
    if (!after.has(task.id))
      changes.push({ kind: 'REMOVED', taskId: task.id, field: null, before: summary(task), after: null });
  return changes;
}
