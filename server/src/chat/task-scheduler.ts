import type { PlanTask } from '../domain/plan.js';

export interface SchedulerOptions {
  /** Tasks already done (a resumed or stepped run). */
  completed: ReadonlySet<string>;
  /** How many tasks may start before the run pauses (step mode); Infinity runs them all. */
  budget: number;
  /** Step mode runs one task at a time, in the order tasks were added. */
  sequential: boolean;
  /** True once the run should pause: tasks in flight finish, no new task starts. */
  pauseRequested?: () => boolean;
  /** Called with every group of tasks that start together, in order, before any of them runs. */
  onStart?: (tasks: PlanTask[]) => Promise<void>;
  runTask: (task: PlanTask) => Promise<void>;
  /** Whether a task's error is its own (the others go on) or the run's (nothing more starts). */
  isTaskFailure: (err: unknown) => boolean;
  signal: AbortSignal;
}

export type ScheduleResult =
  | {
      kind: 'done';
      /** Tasks that failed, with their errors. */
      failed: Map<string, unknown>;
      /** Tasks that did not run because a task they depend on failed. */
      skipped: string[];
    }
  | { kind: 'paused'; next: string[] };

/**
 * Runs a plan as a DAG while the plan is still arriving: `add` a task once the tasks it depends on
 * were added, `close` when no more will come. Every task whose dependencies are done starts at once,
 * so independent tasks overlap, whatever order they were listed in. A task that fails takes only its
 * dependents down; a failure of the run itself (`isTaskFailure` false) stops new starts and is
 * rethrown once in-flight tasks settle.
 */
export class TaskScheduler {
  private readonly tasks: PlanTask[] = [];
  private readonly done: Set<string>;
  private readonly failed = new Map<string, unknown>();
  private readonly skipped = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private budget: number;
  private startedCount = 0;
  private closed = false;
  private halted = false;
  private fatal: { error: unknown } | undefined;
  private wake: () => void = () => {};

  constructor(private readonly options: SchedulerOptions) {
    this.done = new Set(options.completed);
    this.budget = options.budget;
  }

  /** A task to run once its dependencies are done (they must have been added, or be done). */
  add(task: PlanTask): void {
    if (this.closed) throw new Error(`Task ${task.id} arrived after the plan was closed`);
    this.tasks.push(task);
    this.wake();
  }

  /** No more tasks will be added. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Starts nothing more (the run is failing); `run` settles once the running tasks have. */
  halt(): void {
    this.halted = true;
    this.close();
  }

  /** Tasks added so far, in the order they were added. */
  get added(): readonly PlanTask[] {
    return this.tasks;
  }

  async run(): Promise<ScheduleResult> {
    const { signal } = this.options;
    const onAbort = () => this.wake();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.loop();
    } finally {
      signal.removeEventListener('abort', onAbort);
      await Promise.allSettled(this.running.values());
    }
    if (this.fatal) throw this.fatal.error;
    if (signal.aborted) throw signal.reason;
    const remaining = this.tasks.filter((t) => !this.settled(t.id));
    if (remaining.length === 0) return { kind: 'done', failed: this.failed, skipped: [...this.skipped] };
    const next = this.ready().map((t) => t.id);
    if (next.length === 0)
      throw new Error(`Plan cannot progress: tasks ${remaining.map((t) => t.id).join(', ')} wait on each other`);
    return { kind: 'paused', next: this.options.sequential ? next.slice(0, 1) : next };
  }

  private async loop(): Promise<void> {
    const { options } = this;
    for (;;) {
      if (this.fatal || this.halted || options.signal.aborted) return;
      const woken = new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.skipDependents();
      const candidates = this.ready();
      const startable = (options.sequential ? (this.running.size ? [] : candidates.slice(0, 1)) : candidates).slice(
        0,
        options.pauseRequested?.() ? 0 : Math.max(0, this.budget),
      );
      this.budget -= startable.length;
      if (startable.length && options.onStart) {
        try {
          await options.onStart(startable);
        } catch (error) {
          this.fatal ??= { error };
          return;
        }
      }
      for (const task of startable) this.start(task);
      if (startable.length) continue;
      if (this.running.size === 0 && this.closed) return;
      await Promise.race([woken, ...this.running.values()]);
    }
  }

  /** Whether any task started in this run of the scheduler (a pause before any is a pause after planning). */
  get startedAny(): boolean {
    return this.startedCount > 0;
  }

  private start(task: PlanTask): void {
    this.startedCount++;
    const run = this.options.runTask(task).then(
      () => {
        this.done.add(task.id);
        this.running.delete(task.id);
      },
      (error) => {
        this.running.delete(task.id);
        if (!this.options.signal.aborted && this.options.isTaskFailure(error)) this.failed.set(task.id, error);
        else this.fatal ??= { error };
      },
    );
    this.running.set(task.id, run);
  }

  /** A task waiting on a failed or skipped task will never run. */
  private skipDependents(): void {
    let changed = true;
    while (changed) {
      changed = false;
      for (const t of this.tasks)
        if (!this.settled(t.id) && !this.running.has(t.id))
          if (t.dependsOn.some((d) => this.failed.has(d) || this.skipped.has(d))) {
            this.skipped.add(t.id);
            changed = true;
          }
    }
  }

  private settled(id: string): boolean {
    return this.done.has(id) || this.failed.has(id) || this.skipped.has(id);
  }

  private ready(): PlanTask[] {
    return this.tasks.filter(
      (t) => !this.settled(t.id) && !this.running.has(t.id) && t.dependsOn.every((d) => this.done.has(d)),
    );
  }
}
