import type { AgentFactory } from '../agents/agent-factory.js';
import type { Plan, PlanTask } from '../domain/plan.js';
import { ModelError } from '../errors.js';
import { runSpans } from '../telemetry/run-spans.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { KnowledgeArticle } from './chat-state.js';
import { composeReply, type TaskOutput } from './compose-reply.js';
import type { KnowledgeRetriever } from './knowledge-retriever.js';
import type { PlannerAgent } from './planner-agent.js';
import type { RunContext } from './run-context.js';
import { runDag } from './task-scheduler.js';

export interface OrchestratorDeps {
  planner: PlannerAgent;
  retriever: KnowledgeRetriever;
  factory: AgentFactory;
  /** Spans for the run, its plan and each task (optional: tests build orchestrators without it). */
  telemetry?: Telemetry;
}

/** Where a run picks up: from scratch, or after planning with some tasks done (resume, step mode). */
export interface RunStart {
  mode: 'AUTO' | 'STEP';
  /** Tasks that may start before pausing: Infinity in AUTO mode and after continueRun. */
  budget: number;
  /** True once a designer asked the run to pause (pauseRun, or a plan review): no new task starts. */
  pauseRequested?: () => boolean;
  /** RUN_STARTED is stored already (the run's claim wrote it). */
  started?: boolean;
  /** This owner took the run over after its previous owner died: RUN_RESUMED is recorded first. */
  resumedBy?: string;
  resume?: {
    plan: Plan;
    outputs: TaskOutput[];
    knowledge: KnowledgeArticle[];
  };
}

export type RunOutcome = { kind: 'completed'; reply: string } | { kind: 'paused'; next: string[] };

/**
 * Deterministic code between every model call: retrieval and planning in parallel, then the plan's
 * tasks as a DAG, outputs in plan order, and one unified reply. Each step lives in its own function.
 */
export class ChatOrchestrator {
  constructor(private readonly deps: OrchestratorDeps) {}

  run(ctx: RunContext, start: RunStart): Promise<RunOutcome> {
    return runSpans.run(this.deps.telemetry, ctx, start.mode, () => this.turn(ctx, start));
  }

  private async turn(ctx: RunContext, start: RunStart): Promise<RunOutcome> {
    // Writes nothing waits on (PLAN, released task outputs) are not awaited where they are made: the
    // next emit joins them in one write (see EventBatcher) and resolves only once they are stored.
    // The turn still settles every one of them before it returns or throws.
    const writes: Promise<unknown>[] = [];
    const track = (write: Promise<unknown>) => {
      write.catch(() => {});
      writes.push(write);
    };
    try {
      return await this.steps(ctx, start, track);
    } finally {
      await Promise.allSettled(writes);
    }
  }

  private async steps(ctx: RunContext, start: RunStart, track: (write: Promise<unknown>) => void): Promise<RunOutcome> {
    const started = performance.now();
    if (start.resumedBy) await this.recordResume(ctx, start.resumedBy, start.resume);
    const plan = start.resume ? this.resume(ctx, start.resume) : await this.planTurn(ctx, start, track);
    if (plan.refuse) return this.finish(ctx, ctx.state.context.refusalMessage, started);
    if (!start.resume && (start.mode === 'STEP' || start.pauseRequested?.()))
      return this.pause(
        ctx,
        plan.tasks.slice(0, 1).map((t) => t.id),
        'planned',
      );

    const outputs = new Map((start.resume?.outputs ?? []).map((o) => [o.taskId, o]));
    const released = new Set(outputs.keys());
    const releases: Promise<unknown>[] = [];

    const result = await runDag({
      plan,
      completed: new Set(outputs.keys()),
      budget: start.budget,
      sequential: start.mode === 'STEP',
      pauseRequested: start.pauseRequested,
      signal: ctx.signal,
      // A wave starts once the outputs released so far are stored, and so in ChatState for the tasks
      // that depend on them; its TASK_STARTED is stored while it runs (before any of its events).
      onStart: async (tasks) => {
        await Promise.all(releases);
        track(this.announce(ctx, tasks));
      },
      runTask: async (task) => {
        outputs.set(task.id, await this.runTask(ctx, task));
        // Emits stay in call order, so outputs are stored in plan order.
        const release = this.releaseInOrder(ctx, plan, outputs, released);
        if (release) {
          track(release);
          releases.push(release);
        }
      },
    });
    if (result.kind === 'paused') return this.pause(ctx, result.next, 'before_task');
    const ordered = plan.tasks.map((t) => outputs.get(t.id)).filter((o): o is TaskOutput => !!o);
    return this.finish(ctx, composeReply(ordered, ctx.state.context.apologyMessage), started);
  }

  /** Knowledge retrieval and planning start together; the PLAN event records how the plan came about. */
  private async planTurn(ctx: RunContext, start: RunStart, track: (write: Promise<unknown>) => void): Promise<Plan> {
    const { state } = ctx;
    // RUN_STARTED (unless the run's claim stored it) is written while retrieval and planning run:
    // neither needs it stored, so its commit leaves the critical path. Both settle before anything
    // else is emitted, so ids stay in order.
    const [written, work] = await Promise.allSettled([
      start.started
        ? Promise.resolve()
        : ctx.emit([{ ...this.base(ctx), type: 'RUN_STARTED', data: { mode: start.mode } }], { status: 'RUNNING' }),
      Promise.all([
        this.deps.retriever.retrieve(state, ctx.signal).catch(() => ({ articles: [], event: undefined })),
        runSpans.plan(this.deps.telemetry, ctx, () => this.deps.planner.plan(state, ctx.signal)),
      ]),
    ]);
    if (written.status === 'rejected') throw written.reason;
    if (work.status === 'rejected') throw work.reason;
    const [retrieval, outcome] = work.value;
    state.context.knowledge = retrieval.articles;
    state.plan = outcome.plan;
    // Not awaited: the first TASK_STARTED (or the refusal, or the pause) goes out in the same write.
    track(
      ctx.emit(
        [
          ...(retrieval.event ? [retrieval.event] : []),
          {
            ...this.base(ctx),
            agentName: 'PlannerAgent',
            type: 'PLAN',
            data: {
              plan: outcome.plan,
              source: outcome.source,
              attempts: outcome.attempts,
              ...(outcome.fallbackReason ? { fallbackReason: outcome.fallbackReason } : {}),
              ...(outcome.errors.length ? { errors: outcome.errors } : {}),
              ...(outcome.usage ? { usage: outcome.usage } : {}),
            },
          },
        ],
        { plan: outcome.plan },
      ),
    );
    return outcome.plan;
  }

  private resume(ctx: RunContext, resume: NonNullable<RunStart['resume']>): Plan {
    ctx.state.plan = resume.plan;
    ctx.state.context.knowledge = resume.knowledge;
    return resume.plan;
  }

  /** RUN_RESUMED, the one place it is recorded: who took the run over, and the tasks still to run. */
  private async recordResume(ctx: RunContext, owner: string, resume: RunStart['resume']): Promise<void> {
    const fromTaskIds = resume
      ? resume.plan.tasks.filter((t) => !resume.outputs.some((o) => o.taskId === t.id)).map((t) => t.id)
      : [];
    await ctx.emit([{ ...this.base(ctx), type: 'RUN_RESUMED', data: { owner, fromTaskIds } }], { status: 'RUNNING' });
  }

  /** TASK_STARTED for tasks that start together: one write, status messages in plan order. */
  private async announce(ctx: RunContext, tasks: PlanTask[]): Promise<void> {
    await ctx.emit(
      tasks.map((task) => ({
        ...this.base(ctx),
        taskId: task.id,
        agentName: task.agent,
        type: 'TASK_STARTED' as const,
        data: { statusMessage: task.statusMessage, instruction: task.instruction },
      })),
    );
  }

  /** One task: let its agent (and any hand-off target) work, return its answer. */
  private async runTask(ctx: RunContext, task: PlanTask): Promise<TaskOutput> {
    const card = ctx.state.context.agents.find((a) => a.name === task.agent);
    if (!card) throw new ModelError(`The plan names ${task.agent}, which is not an enabled agent`);
    ctx.state.activeTaskId = task.id;
    const started = performance.now();
    try {
      const result = await runSpans.task(this.deps.telemetry, ctx, task, () =>
        this.deps.factory.create(card).run(task, ctx),
      );
      return {
        taskId: task.id,
        agentName: result.agentName,
        text: result.text,
        durationMs: performance.now() - started,
        usage: result.usage,
      };
    } catch (err) {
      if (!ctx.signal.aborted)
        await ctx.emit([
          {
            ...this.base(ctx),
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
    }
  }

  /** Emits finished tasks' messages in plan order, however they finished; undefined when none is due. */
  private releaseInOrder(
    ctx: RunContext,
    plan: Plan,
    outputs: Map<string, TaskOutput>,
    released: Set<string>,
  ): Promise<unknown> | undefined {
    const batch = [];
    for (const task of plan.tasks) {
      if (released.has(task.id)) continue;
      const out = outputs.get(task.id);
      if (!out) break;
      released.add(task.id);
      batch.push(
        {
          ...this.base(ctx),
          taskId: task.id,
          agentName: out.agentName,
          type: 'MESSAGE' as const,
          data: { role: 'assistant' as const, text: out.text, ...(out.usage ? { usage: out.usage } : {}) },
        },
        {
          ...this.base(ctx),
          taskId: task.id,
          agentName: out.agentName,
          type: 'TASK_COMPLETED' as const,
          data: { output: out.text, durationMs: Math.round(out.durationMs ?? 0) },
        },
      );
    }
    return batch.length ? ctx.emit(batch, { completedTaskIds: [...released] }) : undefined;
  }

  private async pause(ctx: RunContext, next: string[], reason: 'planned' | 'before_task'): Promise<RunOutcome> {
    await ctx.emit([{ ...this.base(ctx), type: 'RUN_PAUSED', data: { nextTaskIds: next, reason } }], {
      status: 'PAUSED',
    });
    return { kind: 'paused', next };
  }

  private async finish(ctx: RunContext, reply: string, started: number): Promise<RunOutcome> {
    await ctx.emit(
      [
        { ...this.base(ctx), type: 'MESSAGE', data: { role: 'assistant', text: reply, final: true } },
        {
          ...this.base(ctx),
          type: 'RUN_COMPLETED',
          data: { reply, durationMs: Math.round(performance.now() - started) },
        },
      ],
      { status: 'COMPLETED', finished: true },
    );
    return { kind: 'completed', reply };
  }

  private base(ctx: RunContext) {
    return { conversationId: ctx.state.conversationId, runId: ctx.state.runId };
  }
}
