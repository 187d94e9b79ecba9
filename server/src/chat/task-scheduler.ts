import type { Plan, PlanTask } from '../domain/plan.js';

export interface SchedulerOptions {
  plan: Plan;
  /** Tasks already done (a resumed or stepped run). */
  completed: ReadonlySet<string>;
  /** How many tasks may start before the run pauses (step mode); Infinity runs them all. */
  budget: number;
  /** Step mode runs one task at a time, in plan order. */
  sequential: boolean;
  /** True once the run should pause: tasks in flight finish, no new task starts. */
  pauseRequested?: () => boolean;
  /** Called with every group of tasks that start together, in plan order, before any of them runs. */
  onStart?: (tasks: PlanTask[]) => Promise<void>;
  runTask: (task: PlanTask) => Promise<void>;
  signal: AbortSignal;
}

export type ScheduleResult = { kind: 'done' } | { kind: 'paused'; next: string[] };

/**
 * Runs a plan as a DAG: every task whose dependencies are done starts at once, so independent tasks
 * overlap. A failing task stops new starts and rethrows once in-flight tasks settle.
 */
export async function runDag(options: SchedulerOptions): Promise<ScheduleResult> {
  const { plan, signal } = options;
  const done = new Set(options.completed);
  const running = new Map<string, Promise<void>>();
  let budget = options.budget;
  let failure: unknown;

  const ready = () =>
    plan.tasks.filter((t) => !done.has(t.id) && !running.has(t.id) && t.dependsOn.every((d) => done.has(d)));

  for (;;) {
    if (failure) break;
    if (signal.aborted) break;
    const candidates = ready();
    const startable = (options.sequential ? (running.size ? [] : candidates.slice(0, 1)) : candidates).slice(
      0,
      options.pauseRequested?.() ? 0 : Math.max(0, budget),
    );
    budget -= startable.length;
    if (startable.length && options.onStart) {
      try {
        await options.onStart(startable);
      } catch (err) {
        failure ??= err;
        break;
      }
    }
    for (const task of startable) {
      running.set(
        task.id,
        options.runTask(task).then(
          () => {
            done.add(task.id);
            running.delete(task.id);
          },
          (err) => {
            failure ??= err;
            running.delete(task.id);
          },
        ),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  await Promise.allSettled(running.values());
  if (failure) throw failure;
  const remaining = plan.tasks.filter((t) => !done.has(t.id));
  if (remaining.length === 0) return { kind: 'done' };
  if (signal.aborted) throw signal.reason;
  const next = ready().map((t) => t.id);
  if (next.length === 0)
    throw new Error(`Plan cannot progress: tasks ${remaining.map((t) => t.id).join(', ')} wait on each other`);
  return { kind: 'paused', next: options.sequential ? next.slice(0, 1) : next };
}
