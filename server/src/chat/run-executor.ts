import { AgentFactory } from '../agents/agent-factory.js';
import { isDatabaseUnavailable } from '../db/client.js';
import type { ClaimedRun, RunPatch, RunRepository } from '../db/run-repository.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';
import { isBatonError, RunCancelledError } from '../errors.js';
import { abortable } from '../models/abortable.js';
import type { ModelProvider, ModelRequest } from '../models/model-provider.js';
import { RetryBudget } from '../models/retry-policy.js';
import type { Services } from '../services.js';
import type { ToolDefinition } from '../tools/tool-registry.js';
import { ChatOrchestrator, type RunStart } from './chat-orchestrator.js';
import type { ChatState } from './chat-state.js';
import { loadChatState, loadTranscriptEvents } from './chat-state-loader.js';
import type { Run } from './conversation-service.js';
import { DeltaBuffer } from './delta-buffer.js';
import { EventBatcher } from './event-batcher.js';
import { type EventLog, transientEvent } from './event-log.js';
import { KnowledgeRetriever } from './knowledge-retriever.js';
import { PauseGate } from './pause-gate.js';
import { PlannerAgent } from './planner-agent.js';
import type { RunContext } from './run-context.js';
import { ReplayedToolCalls, resumePoint } from './run-resume.js';

/** Stop executing and record nothing: another owner, or this process after a restart, takes the run over. */
export class ShutdownSignal extends Error {}

/** What executing a run needs (ChatState's loader reads settings, cards and the transcript). */
export type RunExecutorDeps = Pick<
  Services,
  | 'config'
  | 'database'
  | 'settings'
  | 'agents'
  | 'agentDrafts'
  | 'conversations'
  | 'customerSessions'
  | 'verificationCodes'
  | 'tools'
  | 'models'
  | 'logger'
  | 'telemetry'
  | 'eventStore'
> & { events: EventLog; runs: Pick<RunRepository, 'releaseLeases'>; handOffs: HandOffRecorder };

/**
 * Records the hand-off to a person that a run's ticket tool call opened (desk/hand-off-recorder.ts): the conversation
 * waits for a colleague before the run takes its next step, so no message sent after the run reaches the planner.
 */
export interface HandOffRecorder {
  /** Records what these stored events of a run hand over; resolves at once for events that hand over nothing. */
  recordHandOffs(events: readonly BatonEvent[]): Promise<void>;
}

/**
 * Executes one claimed run to its end: loads its ChatState, runs the orchestrator with the run's
 * context (event batching, deltas, retry budget, replayed tool calls after a crash), and records how
 * it ended when the orchestrator could not (RUN_FAILED with the apology, or RUN_CANCELLED).
 */
export class RunExecutor {
  private readonly retriever: KnowledgeRetriever;
  private readonly factory = new AgentFactory();

  constructor(
    private readonly deps: RunExecutorDeps,
    readonly ownerId: string,
    private readonly retryBudget: number,
  ) {
    this.retriever = new KnowledgeRetriever(deps.tools);
  }

  /** `giveWay`: before each model call, a wait while others' turns go first (GiveWay in principal-slots.ts). */
  async execute(
    run: ClaimedRun,
    controller: AbortController,
    pause = new PauseGate(),
    giveWay: TurnTaking = { wait: () => undefined, givesWay: () => false },
  ): Promise<void> {
    const { deps } = this;
    const log = deps.logger.child({ runId: run.id, conversationId: run.conversationId });
    log.debug({ mode: run.mode, resumed: run.resumed }, 'run started');
    let state: ChatState | undefined;
    let ctx: ReturnType<RunExecutor['context']> | undefined;
    try {
      const history =
        run.history ?? (await loadTranscriptEvents(deps, run.conversationId, run.id, deps.config.model.historyChars));
      state = await loadChatState(deps, {
        conversationId: run.conversationId,
        runId: run.id,
        history,
        customerId: run.customerId,
        session: run.session,
        drafts: run.drafts,
        historyChars: deps.config.model.historyChars,
      });
      if (run.started) state.absorb(run.started);
      // The owner may have died between a ticket's TOOL_CALL and its hand-off: recorded again (a no-op when it was).
      if (run.resumed)
        await deps.handOffs.recordHandOffs(await deps.eventStore.list({ runId: run.id, types: ['TOOL_CALL'] }));
      // One retry budget per run: every model call of this run, the planner's included, draws from it.
      const models = withRetryBudget(deps.models, new RetryBudget(this.retryBudget), giveWay);
      ctx = this.context(
        state,
        controller.signal,
        models,
        run.resumed ? new ReplayedToolCalls(history, run) : undefined,
      );
      const start: RunStart = {
        mode: run.mode,
        // A fresh AUTO run has budget 0 and runs to the end; an AUTO run paused on request and stepped has 1.
        budget:
          run.stepBudget < 0 || (run.mode === 'AUTO' && run.stepBudget === 0)
            ? Number.POSITIVE_INFINITY
            : run.stepBudget,
        pauseRequested: () => pause.requested,
        resume: run.plan
          ? resumePoint(run, history, (await deps.eventStore.list({ runId: run.id, types: ['PLAN'] })).length > 0)
          : undefined,
        resumedBy: run.resumed ? this.ownerId : undefined,
        started: !!run.started,
      };
      const planner = new PlannerAgent({ models, model: deps.config.model.plannerModel ?? undefined });
      const outcome = await new ChatOrchestrator({
        planner,
        retriever: this.retriever,
        factory: this.factory,
        telemetry: deps.telemetry,
        typedCodes: { codes: deps.verificationCodes, sessions: deps.customerSessions },
      }).run(ctx, start);
      log.info({ outcome: outcome.kind }, 'run finished');
      ctx.deltaBuffer.flush();
    } catch (err) {
      ctx?.deltaBuffer.flush();
      // Events the run appended but did not wait for go first: nothing is stored after RUN_FAILED.
      await ctx?.writer.settled();
      const reason = controller.signal.reason;
      if (reason instanceof ShutdownSignal) return;
      if (isDatabaseUnavailable(err)) {
        // Not the run's fault: let its lease lapse, so a sweep resumes it from its last completed task.
        log.warn({ err }, 'run stopped: the database is unavailable; it resumes when its lease expires');
        await deps.runs.releaseLeases([run.id], this.ownerId).catch(() => {});
        return;
      }
      await this.fail(run, err, reason, state).catch((e) => log.error({ err: e }, 'could not record run failure'));
    }
  }

  /** Records RUN_FAILED (with the shopper-facing apology) or RUN_CANCELLED. */
  private async fail(run: Run, err: unknown, abortReason: unknown, state?: ChatState): Promise<void> {
    const { events } = this.deps;
    const base = { conversationId: run.conversationId, runId: run.id };
    if (abortReason instanceof RunCancelledError || err instanceof RunCancelledError) {
      const reason = (abortReason as Error | undefined)?.message ?? 'cancelled';
      events.publish(
        await events.append([{ ...base, type: 'RUN_CANCELLED', data: { reason } }], {
          id: run.id,
          status: 'CANCELLED',
          error: reason,
          finished: true,
        }),
      );
      return;
    }
    const apology = state?.context.apologyMessage ?? (await this.deps.settings.get()).apologyMessage;
    const code = isBatonError(err) ? err.code : 'INTERNAL';
    const reason = err instanceof Error ? err.message : String(err);
    const log = this.deps.logger.child({ runId: run.id, conversationId: run.conversationId });
    if (isBatonError(err)) log.warn({ code, reason }, 'run failed');
    else log.error({ err }, 'run failed');
    events.publish(
      await events.append(
        [
          { ...base, type: 'MESSAGE', data: { role: 'assistant', text: apology, final: true } },
          { ...base, type: 'RUN_FAILED', data: { code, reason, message: apology } },
        ],
        { id: run.id, status: 'FAILED', error: reason, finished: true },
      ),
    );
  }

  private context(
    state: ChatState,
    signal: AbortSignal,
    models: ModelProvider,
    replays?: ReplayedToolCalls,
  ): RunContext & { deltaBuffer: DeltaBuffer; writer: EventBatcher } {
    const { deps } = this;
    let catalog: Promise<ReadonlyMap<string, ToolDefinition>> | undefined;
    const writer = new EventBatcher(
      async (batch, patch) => {
        const stored = await deps.events.append(batch, patch ? { id: state.runId, ...patch } : undefined);
        for (const e of stored) if (e.id !== null) state.absorb(e);
        return stored;
      },
      (stored) => deps.events.publish(stored),
    );
    // Deltas are never stored, only published: after the stored events emitted before them (a task's
    // TASK_STARTED before its answer's first words), and before the next append.
    const deltaBuffer = new DeltaBuffer((batch) =>
      writer.publishAfter(() => deps.events.publish(batch.map((e) => transientEvent(e)))),
    );
    return {
      state,
      signal,
      models,
      tools: deps.tools,
      modelDefaults: { timeoutMs: deps.config.model.timeoutMs },
      toolCatalog: () => {
        catalog ??= deps.tools.list().then((list) => new Map(list.map((t) => [t.name, t])));
        return catalog;
      },
      deltaBuffer,
      writer,
      publishDelta: (taskId, agentName, text) =>
        deltaBuffer.push({
          type: 'MESSAGE_DELTA',
          conversationId: state.conversationId,
          runId: state.runId,
          taskId,
          agentName,
          data: { delta: text },
        }),
      append: async (batch: NewEvent[], patch?: Omit<RunPatch, 'id'>) => {
        if (signal.aborted && !batch.some((e) => e.type === 'RUN_CANCELLED')) throw signal.reason;
        deltaBuffer.flush();
        const stored = await writer.append(replays ? replays.drop(batch) : batch, patch);
        // A ticket tool hands the conversation to a person: on record before the run goes on (and so before
        // RUN_COMPLETED), after its TOOL_CALL is stored and published.
        await deps.handOffs.recordHandOffs(stored);
        return stored;
      },
    };
  }
}

/** How a run's principal takes turns with others' (GiveWay in principal-slots.ts). */
export interface TurnTaking {
  /** A wait before a step while others' turns go first; undefined when the step may go now. */
  wait(): Promise<void> | undefined;
  /** Whether the run's calls go after others' where calls queue (ModelRequest.givesWay). */
  givesWay(): boolean;
}

/**
 * The run's provider: every request carries the run's retry budget and whether it gives way, waits for
 * `giveWay` first, and a cancelled run never waits on a call.
 */
function withRetryBudget(models: ModelProvider, budget: RetryBudget, giveWay: TurnTaking): ModelProvider {
  const call = async (request: ModelRequest) => {
    await giveWay.wait();
    return models.complete({
      ...request,
      retryBudget: request.retryBudget ?? budget,
      givesWay: request.givesWay ?? giveWay.givesWay,
    });
  };
  return {
    name: models.name,
    ruleBased: models.ruleBased,
    complete: (request) => abortable(call(request), request.signal),
  };
}
