import { z } from 'zod';

/** One unit of work the planner assigns to a specialist. */
export const planTaskSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'task ids use letters, digits, - and _'),
  agent: z.string().min(1).max(80),
  instruction: z.string().min(1).max(4_000),
  statusMessage: z.string().min(1).max(300),
  dependsOn: z.array(z.string()).default([]),
});

export const planSchema = z
  .object({
    /** True for off-topic or abusive messages: the run answers with the workspace's refusal message. */
    refuse: z.boolean().default(false),
    tasks: z.array(planTaskSchema).max(12),
  })
  .superRefine((plan, ctx) => {
    if (!plan.refuse && plan.tasks.length === 0)
      ctx.addIssue({ code: 'custom', path: ['tasks'], message: 'a plan needs at least one task unless it refuses' });
    const ids = new Set<string>();
    plan.tasks.forEach((task, i) => {
      if (ids.has(task.id))
        ctx.addIssue({ code: 'custom', path: ['tasks', i, 'id'], message: `duplicate task id "${task.id}"` });
      ids.add(task.id);
    });
    plan.tasks.forEach((task, i) => {
      for (const dep of task.dependsOn) {
        if (!ids.has(dep) || dep === task.id)
          ctx.addIssue({ code: 'custom', path: ['tasks', i, 'dependsOn'], message: `unknown dependency "${dep}"` });
      }
    });
    if (hasCycle(plan.tasks))
      ctx.addIssue({ code: 'custom', path: ['tasks'], message: 'task dependencies form a cycle' });
  });

export type PlanTask = z.output<typeof planTaskSchema>;
export type Plan = z.output<typeof planSchema>;

/** The JSON the model is asked to produce (no defaults, all fields required), for structured output. */
export const planOutputSchema = z.object({
  refuse: z.boolean(),
  tasks: z.array(
    z.object({
      id: z.string(),
      agent: z.string(),
      instruction: z.string(),
      statusMessage: z.string(),
      dependsOn: z.array(z.string()),
    }),
  ),
});

/**
 * The plan's tasks with every task after the tasks it depends on, otherwise in listed order: the
 * order outputs are delivered in. A plan may list a task before its dependency.
 */
export function deliveryOrder<T extends { id: string; dependsOn: string[] }>(tasks: readonly T[]): T[] {
  const placed = new Set<string>();
  const known = new Set(tasks.map((t) => t.id));
  const out: T[] = [];
  while (out.length < tasks.length) {
    const next = tasks.find((t) => !placed.has(t.id) && t.dependsOn.every((d) => placed.has(d) || !known.has(d)));
    // A cycle (never in a validated plan): the rest keeps its listed order.
    const rest = next ? [next] : tasks.filter((t) => !placed.has(t.id));
    for (const t of rest) {
      placed.add(t.id);
      out.push(t);
    }
  }
  return out;
}

function hasCycle(tasks: ReadonlyArray<{ id: string; dependsOn: string[] }>): boolean {
  const deps = new Map(tasks.map((t) => [t.id, t.dependsOn]));
  const state = new Map<string, 1 | 2>();
  const visit = (id: string): boolean => {
    const s = state.get(id);
    if (s === 1) return true;
    if (s === 2) return false;
    state.set(id, 1);
    for (const d of deps.get(id) ?? []) if (deps.has(d) && visit(d)) return true;
    state.set(id, 2);
    return false;
  };
  return tasks.some((t) => visit(t.id));
}
