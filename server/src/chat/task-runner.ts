import type { AgentFactory } from '../agents/agent-factory.js';
import { runTaskLoop } from '../agents/task-loop.js';
import { isDatabaseUnavailable } from '../db/client.js';
import type { NewEvent } from '../domain/events.js';
import type { PlanTask } from '../domain/plan.js';
import { ModelError } from '../errors.js';
import { runSpans } from '../telemetry/run-spans.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { ReplyPart, TaskOutput } from './compose-reply.js';
import type { RunContext } from './run-context.js';

/**
 * The task side of a run: announces tasks (TASK_STARTED), runs each with its agent, records a task's
 * failure (TASK_FAILED), and stores finished outputs (MESSAGE, TASK_COMPLETED) in delivery order, the
 * order tasks were handed to the scheduler, which puts every task after those it depends on. A task
 * starts only once the outputs released before it are stored, so it sees its dependencies' answers.
 */
export class TaskRunner {
  private readonly outputs: Map<string, TaskOutput>;
  private readonly released: Set<string>;
  private readonly failed = new Set<string>();
  private readonly releases: Promise<unknown>[] = [];

  constructor(
    private readonly ctx: RunContext,
    private readonly deps: { factory: AgentFactory; telemetry?: Telemetry },
    /** Tasks in delivery order (the scheduler's list, which grows while the plan streams). */
    private readonly order: () => readonly PlanTask[],
    private readonly track: (write: Promise<unknown>) => void,
    done: readonly TaskOutput[] = [],
  ) {
    this.outputs = new Map(done.map((o) => [o.taskId, o]));
    this.released = new Set(this.outputs.keys());
  }

  /** The run's own failures (cancellation, the database) stop it; anything else fails one task. */
  isTaskFailure = (err: unknown): boolean => !this.ctx.signal.aborted && !isDatabaseUnavailable(err);

  /** TASK_STARTED for tasks that start together: one write, once the outputs released so far are stored. */
  async announce(
    tasks: PlanTask[],
    extra: NewEvent[] = [],
    patch?: () => { plan: unknown } | undefined,
  ): Promise<void> {
    await Promise.all(this.releases);
    this.track(
      this.ctx.append(
        [
          ...extra,
          ...tasks.map((task) => ({
            ...this.base(),
            taskId: task.id,
            agentName: task.agent,
            type: 'TASK_STARTED' as const,
            data: { statusMessage: task.statusMessage, instruction: task.instruction },
          })),
        ],
        patch?.(),
      ),
    );
  }

  /** One task: its agent (and any hand-off target) works; its answer is released in order. */
  run = async (task: PlanTask): Promise<void> => {
    const { ctx } = this;
    const card = ctx.state.context.agents.find((a) => a.name === task.agent);
    const started = performance.now();
    try {
      if (!card) throw new ModelError(`The plan names ${task.agent}, which is not an enabled agent`);
      const result = await runSpans.task(this.deps.telemetry, ctx, task, () =>
        runTaskLoop({ factory: this.deps.factory, card, task, ctx }),
      );
      this.outputs.set(task.id, {
        taskId: task.id,
        agentName: result.agentName,
        text: result.text,
        durationMs: performance.now() - started,
        usage: result.usage,
      });
    } catch (err) {
      this.failed.add(task.id);
      if (!ctx.signal.aborted)
        await ctx.append([
          {
            ...this.base(),
            taskId: task.id,
            agentName: task.agent,
            type: 'TASK_FAILED',
            data: {
              error: err instanceof Error ? err.message : String(err),
              code: (err as { code?: string }).code ?? 'ERROR',
            },
          },
        ]);
      throw err;
    } finally {
      this.release();
    }
  };

  /** Each task of `tasks` with its output, or none: what the reply is composed from. */
  parts(tasks: readonly PlanTask[]): ReplyPart[] {
    return tasks.map((task) => ({ task, output: this.outputs.get(task.id) }));
  }

  /** Whether any task of the run produced an answer. */
  get anyOutput(): boolean {
    return this.outputs.size > 0;
  }

  /** Stores finished tasks' messages in delivery order; a failed task is passed over. */
  private release(): void {
    const batch: NewEvent[] = [];
    for (const task of this.order()) {
      if (this.released.has(task.id)) continue;
      // Failed, or waiting on a failed task (delivery order puts dependencies first): passed over.
      if (this.failed.has(task.id) || task.dependsOn.some((d) => this.failed.has(d))) {
        this.failed.add(task.id);
        this.released.add(task.id);
        continue;
      }
      const out = this.outputs.get(task.id);
      if (!out) break;
      this.released.add(task.id);
      batch.push(
        {
          ...this.base(),
          taskId: task.id,
          agentName: out.agentName,
          type: 'MESSAGE' as const,
          data: { role: 'assistant' as const, text: out.text, ...(out.usage ? { usage: out.usage } : {}) },
        },
        {
          ...this.base(),
          taskId: task.id,
          agentName: out.agentName,
          type: 'TASK_COMPLETED' as const,
          data: { output: out.text, durationMs: Math.round(out.durationMs ?? 0) },
        },
      );
    }
    if (!batch.length) return;
    const completed = [...this.released].filter((id) => this.outputs.has(id));
    const write = this.ctx.append(batch, { completedTaskIds: completed });
    this.track(write);
    this.releases.push(write);
  }

  private base() {
    return { conversationId: this.ctx.state.conversationId, runId: this.ctx.state.runId };
  }
}
