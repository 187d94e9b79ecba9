import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { AgentFactory } from '../agents/agent-factory.js';
import { isDatabaseUnavailable } from '../db/client.js';
import { EVENT_SEQUENCE_LOCK, type RunPatch, rawToEvent } from '../db/event-store.js';
import { jsonColumn, rawToRun, SqlParams } from '../db/raw-rows.js';
import { runs } from '../db/schema/conversations.js';
import { ConflictError, isBatonError, RunCancelledError, ValidationError } from '../errors.js';
import { abortable } from '../models/abortable.js';
import type { ModelProvider } from '../models/model-provider.js';
import { RetryBudget } from '../models/retry-policy.js';
import type { Services } from '../services.js';
import type { ToolDefinition } from '../tools/tool-registry.js';
import { ChatOrchestrator, type RunStart } from './chat-orchestrator.js';
import { type ChatState, KNOWLEDGE_RETRIEVER, type KnowledgeArticle } from './chat-state.js';
import { loadChatState, loadTranscriptEvents } from './chat-state-loader.js';
import type { TaskOutput } from './compose-reply.js';
import { activeRunStatuses, type Run } from './conversation-service.js';
import { DeltaBuffer } from './delta-buffer.js';
import { EventBatcher } from './event-batcher.js';
import type { BatonEvent, NewEvent } from './events.js';
import { KnowledgeRetriever } from './knowledge-retriever.js';
import { type Plan, planTaskSchema } from './plan.js';
import { PlannerAgent } from './planner-agent.js';
import type { RunContext } from './run-context.js';

export interface RunManagerOptions {
  /** This process's lease owner id. */
  ownerId?: string;
  /** How long a lease lasts without renewal. */
  leaseMs?: number;
  /** How often expired leases and orphaned runs are looked for. */
  sweepMs?: number;
  /** Model retries one run may spend in total, across all its calls (default: 3 × MODEL_MAX_RETRIES). */
  retryBudget?: number;
}

export interface PlanEdit {
  taskId: string;
  agent?: string;
  instruction?: string;
}

/** A run this process just claimed, with what the claim statement returned alongside it. */
type ClaimedRun = Run & {
  /** It was RUNNING under an expired lease: its owner died. */
  resumed: boolean;
  customerId: string | null;
  /** RUN_STARTED, when the claim stored it (a fresh run). */
  started?: BatonEvent;
  /** The transcript, when the claim read it (sendMessage's claim). */
  history?: BatonEvent[];
};

/** Stop executing and record nothing: another owner, or this process after a restart, takes the run over. */
class ShutdownSignal extends Error {}

/**
 * Owns the runs this process executes: accepts messages (double texting), claims runs through leases,
 * resumes runs whose owner died, and implements cancel, step, continue and plan edits.
 */
export class RunManager {
  readonly ownerId: string;
  private readonly leaseMs: number;
  private readonly sweepMs: number;
  private readonly retryBudget: number;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly retriever: KnowledgeRetriever;
  private readonly factory = new AgentFactory();
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly services: Services,
    options: RunManagerOptions = {},
  ) {
    this.ownerId = options.ownerId ?? `baton-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.sweepMs = options.sweepMs ?? 10_000;
    this.retryBudget = options.retryBudget ?? services.config.model.maxRetries * 3;
    this.retriever = new KnowledgeRetriever(services.tools);
  }

  async start(): Promise<void> {
    this.timers.push(setInterval(() => void this.renewLeases(), Math.max(250, this.leaseMs / 3)).unref());
    this.timers.push(setInterval(() => void this.sweep(), this.sweepMs).unref());
    await this.sweep();
  }

  /** Stops taking work; runs in flight are released so another process (or a restart) resumes them. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    const ids = [...this.active.keys()];
    for (const { controller } of this.active.values()) controller.abort(new ShutdownSignal('shutting down'));
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
    if (ids.length)
      await this.services.db
        .update(runs)
        .set({ leaseExpiresAt: new Date(0) })
        .where(and(inArray(runs.id, ids), eq(runs.leaseOwner, this.ownerId)))
        .catch(() => {});
  }

  /** sendMessage: applies the double-texting policy, stores the message and run, and starts it. */
  async submit(conversationId: string, text: string, mode: 'AUTO' | 'STEP'): Promise<Run> {
    const { conversations, settings } = this.services;
    const policy = (await settings.get()).doubleTexting;
    if (policy !== 'queue') {
      const activeRuns = await conversations.activeRuns(conversationId);
      if (activeRuns.length && policy === 'reject')
        throw new ConflictError('A reply is still being written for this conversation; send the message when it ends', {
          details: { field: 'conversationId', activeRunId: activeRuns[0]!.id },
        });
      for (const r of activeRuns) await this.cancel(r.id, 'interrupted by a newer message');
    }
    // Usually nothing is ahead of the new run: sendMessage stores it claimed by this process, and it
    // starts at once, before the stored MESSAGE and RUN_STARTED are delivered. Otherwise it waits, and
    // the oldest waiting run starts when its turn comes.
    const sent = await conversations.sendMessage(conversationId, text, mode, {
      claimFor: this.stopped ? undefined : { owner: this.ownerId, leaseMs: this.leaseMs },
      beforePublish: (stored) => {
        if (stored.run.status === 'RUNNING')
          this.executeClaimed({
            ...stored.run,
            resumed: false,
            customerId: stored.customerId,
            started: stored.started,
            history: stored.history,
          });
      },
    });
    if (sent.run.status !== 'RUNNING') void this.startNext(conversationId);
    return sent.run;
  }

  async cancel(runId: string, reason = 'cancelled by request'): Promise<Run> {
    const local = this.active.get(runId);
    if (local) {
      local.controller.abort(new RunCancelledError(reason));
      await local.done;
      return this.services.conversations.getRun(runId);
    }
    const cancelled = { status: 'CANCELLED' as const, finishedAt: new Date(), updatedAt: new Date(), error: reason };
    // A paused run executes nowhere, though it still names the lease holder that paused it: nobody else
    // would record its cancellation, so it is recorded here.
    const [paused] = await this.services.db
      .update(runs)
      .set({ ...cancelled, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(runs.id, runId), eq(runs.status, 'PAUSED')))
      .returning();
    const [row] = paused
      ? [paused]
      : await this.services.db
          .update(runs)
          .set(cancelled)
          .where(and(eq(runs.id, runId), inArray(runs.status, [...activeRunStatuses])))
          .returning();
    if (!row) return this.services.conversations.getRun(runId);
    // A running run owned elsewhere notices at its next lease renewal and records the cancellation itself.
    if (!row.leaseOwner || (row.leaseExpiresAt && row.leaseExpiresAt < new Date()))
      await this.services.events.emit([
        { type: 'RUN_CANCELLED', conversationId: row.conversationId, runId, data: { reason } },
      ]);
    void this.startNext(row.conversationId);
    return row;
  }

  /** Step mode: let one more task run, then pause again. */
  step(runId: string): Promise<Run> {
    return this.unpause(runId, 1);
  }

  /** Step mode: run every remaining task. */
  continue(runId: string): Promise<Run> {
    return this.unpause(runId, -1);
  }

  /** Edits pending tasks of a paused run; the PLAN event records the edit and the new plan. */
  async editPlan(runId: string, edits: PlanEdit[]): Promise<Run> {
    const run = await this.services.conversations.getRun(runId);
    if (run.status !== 'PAUSED' || !run.plan)
      throw new ConflictError(`Run ${runId} is not paused, so its plan cannot change`);
    const enabled = new Set((await this.services.agents.enabled()).map((a) => a.name));
    // A task's instruction is capped by the plan schema too (planners get the same limit), whichever is lower.
    const limit = Math.min(
      this.services.config.limits.maxInstructionLength,
      planTaskSchema.shape.instruction.maxLength ?? Number.POSITIVE_INFINITY,
    );
    const plan: Plan = structuredClone(run.plan);
    edits.forEach((edit, i) => {
      const task = plan.tasks.find((t) => t.id === edit.taskId);
      if (!task) throw ValidationError.single(`edits.${i}.taskId`, `no task "${edit.taskId}" in this plan`);
      if (run.completedTaskIds.includes(task.id))
        throw ValidationError.single(`edits.${i}.taskId`, `task "${edit.taskId}" has already run`);
      if (edit.agent !== undefined) {
        if (!enabled.has(edit.agent))
          throw ValidationError.single(`edits.${i}.agent`, `unknown or disabled agent "${edit.agent}"`);
        task.agent = edit.agent;
      }
      if (edit.instruction !== undefined) {
        const instruction = edit.instruction.trim();
        if (!instruction) throw ValidationError.single(`edits.${i}.instruction`, 'instruction is empty');
        if (instruction.length > limit)
          throw ValidationError.single(`edits.${i}.instruction`, `instruction is longer than ${limit} characters`);
        task.instruction = instruction;
      }
    });
    const [updated] = await this.services.db
      .update(runs)
      .set({ plan, updatedAt: new Date() })
      .where(and(eq(runs.id, runId), eq(runs.status, 'PAUSED')))
      .returning();
    if (!updated) throw new ConflictError(`Run ${runId} is no longer paused`);
    await this.services.events.emit([
      {
        type: 'PLAN',
        conversationId: run.conversationId,
        runId,
        agentName: 'PlannerAgent',
        data: { plan, source: 'edit', attempts: 0, edit: edits },
      },
    ]);
    return updated;
  }

  /** Whether this process is executing the run right now. */
  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Waits until no run of this process is in flight (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  private async unpause(runId: string, budget: number): Promise<Run> {
    const [row] = await this.services.db
      .update(runs)
      .set({ stepBudget: budget, status: 'PENDING', leaseOwner: null, leaseExpiresAt: null, updatedAt: new Date() })
      .where(and(eq(runs.id, runId), eq(runs.status, 'PAUSED')))
      .returning();
    if (!row) throw new ConflictError(`Run ${runId} is not paused`);
    await this.claimAndExecute(row.id);
    return row;
  }

  /** Starts the oldest waiting run of a conversation unless one is already running there. */
  private async startNext(conversationId: string): Promise<void> {
    if (this.stopped) return;
    try {
      // After every run, off the turn's path: one small read, no query builder.
      const [first] = await this.services.database.query<{ id: string; status: string }>(
        `select id, status from runs
        where conversation_id = $1::uuid and status in ('PENDING', 'RUNNING', 'PAUSED')
        order by created_at, id limit 1`,
        [conversationId],
      );
      if (first?.status !== 'PENDING') return;
      await this.claimAndExecute(first.id);
    } catch (err) {
      this.services.logger.error({ err, conversationId }, 'could not start the next run');
    }
  }

  /**
   * Claims a run with `FOR UPDATE SKIP LOCKED`: a PENDING run that no older run of its conversation
   * is ahead of, or a RUNNING one whose owner's lease expired. Only one process wins; the others skip
   * it. One statement: the claim returns the run and its conversation's customer, and a fresh run's
   * RUN_STARTED is stored in it too (the event-sequence lock is taken before the run's row lock, as
   * every event write does).
   */
  private async claim(runId: string): Promise<ClaimedRun | undefined> {
    const { database, events } = this.services;
    const notify = events.bus.notifyChannel;
    const p = new SqlParams();
    const rows = await events.storing(() =>
      database.query<{
        run: unknown;
        previous_status: string;
        customer_id: string | null;
        started: unknown;
      }>(
        `with lock as materialized (select pg_advisory_xact_lock(${p.add(EVENT_SEQUENCE_LOCK, 'bigint')}) as locked),
      target as (
        select r.id, r.status from runs r
        where r.id = ${p.add(runId, 'uuid')} and exists (select 1 from lock)
          and ((r.status = 'PENDING' and not exists (
                  select 1 from runs o
                  where o.conversation_id = r.conversation_id and o.status in ('PENDING', 'RUNNING', 'PAUSED')
                    and (o.created_at < r.created_at or (o.created_at = r.created_at and o.id < r.id))))
            or (r.status = 'RUNNING' and r.lease_expires_at < now()))
        for update of r skip locked),
      claimed as (
        update runs set lease_owner = ${p.add(this.ownerId, 'text')},
          lease_expires_at = now() + (${p.add(this.leaseMs, 'int')} * interval '1 millisecond'),
          status = 'RUNNING', updated_at = now()
        from target where runs.id = target.id
        returning runs.*, target.status as previous_status),
      started as (
        insert into events (conversation_id, run_id, type, data)
        select c.conversation_id, c.id, 'RUN_STARTED', jsonb_build_object('mode', c.mode) from claimed c
        where c.previous_status = 'PENDING' and c.plan is null
        returning id, conversation_id, run_id, task_id, agent_name, type, data, created_at),
      note as (select count(${notify ? `pg_notify(${p.add(notify, 'text')}, json_build_object('upTo', started.id)::text)` : '1'}) as n from started)
      select to_jsonb(claimed) as run, claimed.previous_status, conv.customer_id,
        (select to_jsonb(started) from started) as started
      from claimed join conversations conv on conv.id = claimed.conversation_id, note`,
        p.values,
      ),
    );
    const claimed = rows[0];
    if (!claimed) return undefined;
    const started = claimed.started == null ? undefined : rawToEvent(jsonColumn(claimed.started));
    if (started) await events.publishCommitted([started], { notified: !!notify });
    return {
      ...rawToRun(jsonColumn(claimed.run)),
      resumed: claimed.previous_status === 'RUNNING',
      customerId: claimed.customer_id,
      started,
    };
  }

  /** Claims the run and starts executing it; false when another process (or an older run) has it. */
  private async claimAndExecute(runId: string): Promise<boolean> {
    if (this.stopped || this.active.has(runId)) return false;
    const run = await this.claim(runId);
    if (!run) return false;
    this.executeClaimed(run);
    return true;
  }

  /** Executes a run this process holds the lease of, in the background. */
  private executeClaimed(run: ClaimedRun): void {
    const controller = new AbortController();
    const done = this.execute(run, controller).finally(() => {
      this.active.delete(run.id);
      void this.startNext(run.conversationId);
    });
    this.active.set(run.id, { controller, done });
  }

  private async execute(run: ClaimedRun, controller: AbortController): Promise<void> {
    const { services } = this;
    const log = services.logger.child({ runId: run.id, conversationId: run.conversationId });
    log.debug({ mode: run.mode, resumed: run.resumed }, 'run started');
    let state: ChatState | undefined;
    let deltas: DeltaBuffer | undefined;
    let writer: EventBatcher | undefined;
    try {
      const history = run.history ?? (await loadTranscriptEvents(services, run.conversationId, run.id));
      state = await loadChatState(services, {
        conversationId: run.conversationId,
        runId: run.id,
        history,
        customerId: run.customerId,
      });
      if (run.started) state.absorb(run.started);
      // One retry budget per run: every model call of this run, the planner's included, draws from it.
      const models = withRetryBudget(services.models, new RetryBudget(this.retryBudget));
      const replays = run.resumed ? new ReplayedToolCalls(history, run) : undefined;
      const ctx = this.context(state, controller.signal, models, replays);
      deltas = ctx.deltaBuffer;
      writer = ctx.writer;
      const start: RunStart = {
        mode: run.mode,
        budget: run.mode === 'AUTO' || run.stepBudget < 0 ? Number.POSITIVE_INFINITY : run.stepBudget,
        resume: run.plan ? this.resumePoint(run, history, run.resumed) : undefined,
        started: !!run.started,
      };
      if (run.resumed && !run.plan) {
        await ctx.emit([
          {
            type: 'RUN_RESUMED',
            conversationId: run.conversationId,
            runId: run.id,
            data: { owner: this.ownerId, fromTaskIds: [] },
          },
        ]);
      }
      const planner = new PlannerAgent({ models, model: services.config.model.plannerModel ?? undefined });
      const outcome = await new ChatOrchestrator({
        planner,
        retriever: this.retriever,
        factory: this.factory,
        telemetry: services.telemetry,
      }).run(ctx, start);
      log.info({ outcome: outcome.kind }, 'run finished');
      deltas.flush();
    } catch (err) {
      deltas?.flush();
      // Events the run emitted but did not wait for go first: nothing is stored after RUN_FAILED.
      await writer?.settled();
      const reason = controller.signal.reason;
      if (reason instanceof ShutdownSignal) return;
      if (isDatabaseUnavailable(err)) {
        // Not the run's fault: leave it RUNNING and let its lease lapse, so a sweep resumes it from its last completed task.
        log.warn({ err }, 'run stopped: the database is unavailable; it resumes when its lease expires');
        await this.services.db
          .update(runs)
          .set({ leaseExpiresAt: new Date(0) })
          .where(and(eq(runs.id, run.id), eq(runs.leaseOwner, this.ownerId), eq(runs.status, 'RUNNING')))
          .catch(() => {});
        return;
      }
      await this.fail(run, err, reason, state).catch((e) => log.error({ err: e }, 'could not record run failure'));
    }
  }

  /** Records RUN_FAILED (with the shopper-facing apology) or RUN_CANCELLED. */
  private async fail(run: Run, err: unknown, abortReason: unknown, state?: ChatState): Promise<void> {
    const base = { conversationId: run.conversationId, runId: run.id };
    if (abortReason instanceof RunCancelledError || err instanceof RunCancelledError) {
      const reason = (abortReason as Error | undefined)?.message ?? 'cancelled';
      await this.services.events.emit([{ ...base, type: 'RUN_CANCELLED', data: { reason } }], {
        run: { id: run.id, status: 'CANCELLED', error: reason, finished: true },
      });
      return;
    }
    const apology = state?.context.apologyMessage ?? (await this.services.settings.get()).apologyMessage;
    const code = isBatonError(err) ? err.code : 'INTERNAL';
    const reason = err instanceof Error ? err.message : String(err);
    const log = this.services.logger.child({ runId: run.id, conversationId: run.conversationId });
    if (isBatonError(err)) log.warn({ code, reason }, 'run failed');
    else log.error({ err }, 'run failed');
    await this.services.events.emit(
      [
        { ...base, type: 'MESSAGE', data: { role: 'assistant', text: apology, final: true } },
        { ...base, type: 'RUN_FAILED', data: { code, reason, message: apology } },
      ],
      { run: { id: run.id, status: 'FAILED', error: reason, finished: true } },
    );
  }

  private resumePoint(run: Run, history: BatonEvent[], crashed: boolean): NonNullable<RunStart['resume']> {
    const mine = history.filter((e) => e.runId === run.id);
    const outputs: TaskOutput[] = [];
    for (const taskId of run.completedTaskIds) {
      const done = mine.find((e) => e.type === 'TASK_COMPLETED' && e.taskId === taskId);
      if (done?.type === 'TASK_COMPLETED')
        outputs.push({ taskId, agentName: done.agentName ?? '', text: done.data.output });
    }
    const retrieval = mine.find((e) => e.type === 'TOOL_CALL' && e.agentName === KNOWLEDGE_RETRIEVER);
    const knowledge: KnowledgeArticle[] =
      retrieval?.type === 'TOOL_CALL'
        ? (((retrieval.data.output as { results?: KnowledgeArticle[] })?.results ?? []) as KnowledgeArticle[])
        : [];
    return { plan: run.plan!, outputs, knowledge, resumedBy: crashed ? this.ownerId : undefined };
  }

  private context(
    state: ChatState,
    signal: AbortSignal,
    models: ModelProvider,
    replays?: ReplayedToolCalls,
  ): RunContext & { deltaBuffer: DeltaBuffer; writer: EventBatcher } {
    const { services } = this;
    let catalog: Promise<ReadonlyMap<string, ToolDefinition>> | undefined;
    const deltaBuffer = new DeltaBuffer((batch) => void services.events.emit(batch).catch(() => {}));
    const writer = new EventBatcher(
      async (batch, patch) => {
        const stored = await services.events.write(batch, { run: patch ? { id: state.runId, ...patch } : undefined });
        for (const e of stored) if (e.id !== null) state.absorb(e);
        return stored;
      },
      (stored) => services.events.publish(stored),
    );
    return {
      state,
      signal,
      models,
      tools: services.tools,
      agents: services.agents,
      modelDefaults: { timeoutMs: services.config.model.timeoutMs },
      toolCatalog: () => {
        catalog ??= services.tools.list().then((list) => new Map(list.map((t) => [t.name, t])));
        return catalog;
      },
      deltaBuffer,
      writer,
      delta: (taskId, agentName, text) =>
        deltaBuffer.push({
          type: 'MESSAGE_DELTA',
          conversationId: state.conversationId,
          runId: state.runId,
          taskId,
          agentName,
          data: { delta: text },
        }),
      emit: async (batch: NewEvent[], patch?: Omit<RunPatch, 'id'>) => {
        if (signal.aborted && !batch.some((e) => e.type === 'RUN_CANCELLED')) throw signal.reason;
        deltaBuffer.flush();
        return writer.emit(replays ? replays.drop(batch) : batch, patch);
      },
    };
  }

  /** Renews leases of runs in flight here; a run cancelled elsewhere is aborted. */
  private async renewLeases(): Promise<void> {
    const ids = [...this.active.keys()];
    if (!ids.length || this.stopped) return;
    try {
      const rows = await this.services.db
        .update(runs)
        .set({ leaseExpiresAt: sql`now() + (${this.leaseMs} * interval '1 millisecond')` })
        .where(and(inArray(runs.id, ids), eq(runs.leaseOwner, this.ownerId)))
        .returning({ id: runs.id, status: runs.status });
      for (const row of rows)
        if (row.status === 'CANCELLED')
          this.active.get(row.id)?.controller.abort(new RunCancelledError('cancelled by request'));
      // A run whose lease another process took over (this one could not renew in time) stops here.
      const renewed = new Set(rows.map((r) => r.id));
      for (const id of ids)
        if (!renewed.has(id)) this.active.get(id)?.controller.abort(new ShutdownSignal('lease taken over'));
    } catch (err) {
      this.services.logger.error({ err }, 'lease renewal failed');
    }
  }

  /** Resumes runs whose owner's lease expired, and starts runs nobody claimed. */
  private async sweep(): Promise<void> {
    if (this.stopped) return;
    try {
      const candidates = await this.services.db
        .select({ id: runs.id, conversationId: runs.conversationId, status: runs.status })
        .from(runs)
        .where(
          sql`(${runs.status} = 'RUNNING' and ${runs.leaseExpiresAt} < now())
            or (${runs.status} = 'PENDING' and ${runs.leaseOwner} is null)`,
        )
        .orderBy(asc(runs.createdAt))
        .limit(100);
      const seen = new Set<string>();
      for (const c of candidates) {
        if (seen.has(c.conversationId)) continue;
        seen.add(c.conversationId);
        if (c.status === 'RUNNING') await this.claimAndExecute(c.id);
        else await this.startNext(c.conversationId);
      }
    } catch (err) {
      if (!this.stopped) this.services.logger.error({ err }, 'run sweep failed');
    }
  }
}

/**
 * After a crash, the interrupted task runs again from its start. Its writes return their first result
 * (idempotency keys are run:task:callIndex), so the TOOL_CALLs they produce repeat ones the log
 * already holds; those are not recorded twice. The n-th TOOL_CALL of a task has call index n, so a
 * call matches the recorded one at the same position with the same tool, arguments and result.
 * Once the new attempt diverges, everything after is recorded.
 */
class ReplayedToolCalls {
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

/** The run's provider: every request carries the run's retry budget, and a cancelled run never waits on a call. */
function withRetryBudget(models: ModelProvider, budget: RetryBudget): ModelProvider {
  return {
    name: models.name,
    ruleBased: models.ruleBased,
    complete: (request) =>
      abortable(models.complete({ ...request, retryBudget: request.retryBudget ?? budget }), request.signal),
  };
}
