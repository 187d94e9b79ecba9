import type { AgentFactory } from '../agents/agent-factory.js';
import type { NewEvent } from '../domain/events.js';
import { deliveryOrder, type Plan, type PlanTask } from '../domain/plan.js';
import { checkTypedCode, type TypedCodeDeps, typedCode } from '../identity/typed-code-step.js';
import { runSpans } from '../telemetry/run-spans.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { KnowledgeArticle } from './chat-state.js';
import { composeReply, type TaskOutput } from './compose-reply.js';
import type { KnowledgeRetriever } from './knowledge-retriever.js';
import type { PlannerAgent } from './planner-agent.js';
import type { RunContext } from './run-context.js';
import { TaskRunner } from './task-runner.js';
import { TaskScheduler } from './task-scheduler.js';

export interface OrchestratorDeps {
  planner: PlannerAgent;
  retriever: KnowledgeRetriever;
  factory: AgentFactory;
  /** Spans for the run, its plan and each task (optional: tests build orchestrators without it). */
  telemetry?: Telemetry;
  /** Checks a verification code the shopper typed (optional: tests build orchestrators without it). */
  typedCodes?: TypedCodeDeps;
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
    /** The planner was still streaming when the run stopped: `plan` holds only the tasks that had started. */
    planPending?: boolean;
  };
}

export type RunOutcome = { kind: 'completed'; reply: string } | { kind: 'paused'; next: string[] };

type Track = (write: Promise<unknown>) => void;

/**
 * Deterministic code between every model call. Retrieval and planning start together; in AUTO mode
 * the plan streams, and each task starts as soon as the planner has written it and the tasks it
 * depends on are done. Outputs are stored in delivery order and composed into one reply.
 */
export class ChatOrchestrator {
  constructor(private readonly deps: OrchestratorDeps) {}

  run(ctx: RunContext, start: RunStart): Promise<RunOutcome> {
    return runSpans.run(this.deps.telemetry, ctx, start.mode, () => this.turn(ctx, start));
  }

  private async turn(ctx: RunContext, start: RunStart): Promise<RunOutcome> {
    // Writes nothing waits on (PLAN, released task outputs) are not awaited where they are made: the
    // next append joins them in one write (see EventBatcher) and resolves only once they are stored.
    // The turn still settles every one of them before it returns or throws.
    const writes: Promise<unknown>[] = [];
    const track: Track = (write) => {
      write.catch(() => {});
      writes.push(write);
    };
    try {
      return await this.steps(ctx, start, track);
    } finally {
      await Promise.allSettled(writes);
    }
  }

  private async steps(ctx: RunContext, start: RunStart, track: Track): Promise<RunOutcome> {
    const began = performance.now();
    const { resume } = start;
    if (start.resumedBy) await this.recordResume(ctx, start.resumedBy, resume);
    // A verification code the shopper typed is checked in code, before any model sees the turn.
    if (!resume && this.deps.typedCodes && typedCode(ctx.state.userMessage)) {
      if (!start.started)
        await ctx.append([{ ...this.base(ctx), type: 'RUN_STARTED', data: { mode: start.mode } }], {
          status: 'RUNNING',
        });
      start = { ...start, started: true };
      const refused = await checkTypedCode(ctx, this.deps.typedCodes);
      if (refused) return this.finish(ctx, refused, began);
    }
    const runner: TaskRunner = new TaskRunner(
      ctx,
      this.deps,
      (): readonly PlanTask[] => scheduler.added,
      track,
      resume?.outputs,
    );
    // While the plan streams, TASK_STARTED waits for the knowledge and stores the plan so far on the run.
    let planning: Planning | undefined;
    const scheduler: TaskScheduler = new TaskScheduler({
      completed: new Set(resume?.outputs.map((o) => o.taskId)),
      budget: start.budget,
      sequential: start.mode === 'STEP',
      pauseRequested: start.pauseRequested,
      signal: ctx.signal,
      isTaskFailure: runner.isTaskFailure,
      runTask: runner.run,
      onStart: async (tasks) =>
        runner.announce(tasks, planning ? await planning.retrievalEvents() : [], () =>
          planning?.streaming ? { plan: { refuse: false, tasks: [...scheduler.added] } } : undefined,
        ),
    });

    if (resume && !resume.planPending) {
      this.resume(ctx, resume);
      for (const task of deliveryOrder(resume.plan.tasks)) scheduler.add(task);
    } else {
      // Step mode and a plan review show the whole plan before anything runs, so that it can be edited.
      const pipelined = start.mode === 'AUTO' && !start.pauseRequested?.();
      // Resumed mid-stream: the tasks that had started stand (they run again only if they had not finished).
      if (resume) this.resume(ctx, resume);
      for (const task of resume?.plan.tasks ?? []) scheduler.add(task);
      planning = this.startPlanning(ctx, start, track);
      const running = pipelined ? scheduler.run() : undefined;
      running?.catch(() => {});
      let plan: Plan;
      try {
        plan = await planning.plan(pipelined ? (task) => this.arrived(ctx, scheduler, task) : undefined);
      } catch (err) {
        scheduler.halt();
        await running?.catch(() => {});
        throw err;
      }
      if (!pipelined)
        for (const task of deliveryOrder(plan.tasks))
          if (!scheduler.added.some((t) => t.id === task.id)) scheduler.add(task);
      scheduler.close();
      if (plan.refuse) {
        await running;
        return this.finish(ctx, ctx.state.context.refusalMessage, began);
      }
      if (!pipelined && !resume)
        return this.pause(
          ctx,
          scheduler.added.slice(0, 1).map((t) => t.id),
          'planned',
        );
      if (running) {
        const result = await running;
        // Asked to pause while it planned, before any task started: a pause after planning.
        if (result.kind === 'paused' && !resume && !scheduler.startedAny)
          return this.pause(ctx, result.next, 'planned');
        return this.settle(ctx, runner, result, scheduler.added, began);
      }
    }
    scheduler.close();
    return this.settle(ctx, runner, await scheduler.run(), scheduler.added, began);
  }

  /** A task the planner committed: it runs once its dependencies are done. */
  private arrived(ctx: RunContext, scheduler: TaskScheduler, task: PlanTask): void {
    scheduler.add(task);
    ctx.state.plan = { refuse: false, tasks: [...scheduler.added] };
  }

  /** How the run ends once no task runs: paused, completed (with whatever failed said once), or failed. */
  private async settle(
    ctx: RunContext,
    runner: TaskRunner,
    result: Awaited<ReturnType<TaskScheduler['run']>>,
    tasks: readonly PlanTask[],
    began: number,
  ): Promise<RunOutcome> {
    if (result.kind === 'paused') return this.pause(ctx, result.next, 'before_task');
    const [firstFailure] = result.failed.values();
    // Nothing to show for the turn: it failed, and the apology says so (once).
    if (result.failed.size && !runner.anyOutput) throw firstFailure;
    const failedTaskIds = tasks
      .filter((t) => result.failed.has(t.id) || result.skipped.includes(t.id))
      .map((t) => t.id);
    // A task that never ran because one it needed failed is marked failed too, saying why.
    const skipped: NewEvent[] = tasks
      .filter((t) => result.skipped.includes(t.id))
      .map((t) => ({
        ...this.base(ctx),
        taskId: t.id,
        agentName: t.agent,
        type: 'TASK_FAILED' as const,
        data: {
          error: `Not run: it needs ${t.dependsOn.filter((d) => failedTaskIds.includes(d)).join(', ')}, which failed`,
          code: 'DEPENDENCY_FAILED',
        },
      }));
    const reply = composeReply(runner.parts(tasks), ctx.state.context.apologyMessage);
    return this.finish(ctx, reply, began, failedTaskIds, skipped);
  }

  /** Knowledge retrieval and planning start together; the PLAN event records how the plan came about. */
  private startPlanning(ctx: RunContext, start: RunStart, track: Track): Planning {
    const { state } = ctx;
    // RUN_STARTED (unless the run's claim stored it, or a previous owner did) is written while
    // retrieval and planning run: neither needs it stored, so its commit leaves the critical path.
    const written =
      start.started || start.resumedBy
        ? Promise.resolve()
        : ctx.append([{ ...this.base(ctx), type: 'RUN_STARTED', data: { mode: start.mode } }], { status: 'RUNNING' });
    written.catch(() => {});
    const retrieval = start.resume
      ? Promise.resolve({ articles: start.resume.knowledge, event: undefined })
      : this.deps.retriever.retrieve(state, ctx.signal).catch(() => ({ articles: [], event: undefined }));
    const knowledge = retrieval.then((r) => {
      state.context.knowledge = r.articles;
      return r.event;
    });
    let taken = false;
    const planning: Planning = {
      streaming: true,
      // The retrieval's TOOL_CALL goes out once, with the first TASK_STARTED or with the PLAN.
      retrievalEvents: async () => {
        const event = await knowledge;
        if (taken || !event) return [];
        taken = true;
        return [event];
      },
      plan: async (onTask) => {
        const prior = start.resume?.plan.tasks ?? [];
        const [, outcome] = await Promise.all([
          written,
          runSpans.plan(this.deps.telemetry, ctx, () => this.deps.planner.plan(state, ctx.signal, onTask, prior)),
        ]);
        planning.streaming = false;
        state.plan = outcome.plan;
        const events = await planning.retrievalEvents();
        // Not awaited: the next TASK_STARTED (or the refusal, or the pause) goes out in the same write.
        track(
          ctx.append(
            [
              ...events,
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
                  ...(outcome.streamedTaskIds ? { streamedTaskIds: outcome.streamedTaskIds } : {}),
                  ...(outcome.usage ? { usage: outcome.usage } : {}),
                },
              },
            ],
            { plan: outcome.plan },
          ),
        );
        return outcome.plan;
      },
    };
    return planning;
  }

  private resume(ctx: RunContext, resume: NonNullable<RunStart['resume']>): void {
    ctx.state.plan = resume.plan;
    ctx.state.context.knowledge = resume.knowledge;
  }

  /** RUN_RESUMED, the one place it is recorded: who took the run over, and the tasks still to run. */
  private async recordResume(ctx: RunContext, owner: string, resume: RunStart['resume']): Promise<void> {
    const fromTaskIds = resume
      ? resume.plan.tasks.filter((t) => !resume.outputs.some((o) => o.taskId === t.id)).map((t) => t.id)
      : [];
    await ctx.append([{ ...this.base(ctx), type: 'RUN_RESUMED', data: { owner, fromTaskIds } }], { status: 'RUNNING' });
  }

  private async pause(ctx: RunContext, next: string[], reason: 'planned' | 'before_task'): Promise<RunOutcome> {
    await ctx.append([{ ...this.base(ctx), type: 'RUN_PAUSED', data: { nextTaskIds: next, reason } }], {
      status: 'PAUSED',
    });
    return { kind: 'paused', next };
  }

  private async finish(
    ctx: RunContext,
    reply: string,
    began: number,
    failedTaskIds: string[] = [],
    before: NewEvent[] = [],
  ): Promise<RunOutcome> {
    await ctx.append(
      [
        ...before,
        { ...this.base(ctx), type: 'MESSAGE', data: { role: 'assistant', text: reply, final: true } },
        {
          ...this.base(ctx),
          type: 'RUN_COMPLETED',
          data: {
            reply,
            durationMs: Math.round(performance.now() - began),
            ...(failedTaskIds.length ? { failedTaskIds } : {}),
          },
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

/** A turn's planning in progress. */
interface Planning {
  /** True until the plan is final: TASK_STARTED then stores the tasks so far as the run's plan. */
  streaming: boolean;
  /** The knowledge retrieval's TOOL_CALL, the first time it is asked for once retrieval is done; then nothing. */
  retrievalEvents(): Promise<NewEvent[]>;
  plan(onTask?: (task: PlanTask) => void): Promise<Plan>;
}
