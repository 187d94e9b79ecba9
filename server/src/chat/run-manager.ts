import { CONVERSATION_HELD } from '../db/owner-transition.js';
import type { ClaimedRun, RunRepository } from '../db/run-repository.js';
import type { RunRow } from '../db/schema/conversations.js';
import { ConflictError, RunCancelledError } from '../errors.js';
import type { Logger } from '../logger.js';
import { cancelUnownedRun, recordCancelled } from './cancel-unowned-run.js';
import type { ConversationService, Run } from './conversation-service.js';
import type { EventLog } from './event-log.js';
import { PauseGate } from './pause-gate.js';
import {
  conversationPrincipal,
  DEFAULT_RUNS_PER_PRINCIPAL,
  GiveWay,
  PrincipalSlots,
  type RunPrincipal,
} from './principal-slots.js';
import type { RunExecutor } from './run-executor.js';
import { ShutdownSignal } from './run-executor.js';
import type { SettingsService } from './settings-service.js';

export interface RunManagerOptions {
  /** This process's lease owner id. */
  ownerId: string;
  /** How long a lease lasts without renewal. */
  leaseMs?: number;
  /** How often expired leases and orphaned runs are looked for. */
  sweepMs?: number;
  /** Runs of one principal (API key, conversation token) executing at once here; more wait their turn. */
  runsPerPrincipal?: number;
  /** A paused run that a newer message of its conversation waits behind is cancelled after this long paused. */
  pausedTimeoutMs?: number;
  /** Any paused run is cancelled after this long paused; 0: never. */
  pausedMaxMs?: number;
}

/** PAUSED_RUN_TIMEOUT_SECONDS' and PAUSED_RUN_MAX_SECONDS' defaults. */
export const DEFAULT_PAUSED_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_PAUSED_MAX_MS = 24 * 3_600_000;

export interface RunManagerDeps {
  runs: RunRepository;
  conversations: Pick<ConversationService, 'sendMessage' | 'activeRuns' | 'isHeld' | 'getRun'>;
  settings: Pick<SettingsService, 'get'>;
  events: EventLog;
  executor: Pick<RunExecutor, 'execute'>;
  logger: Logger;
}

/**
 * Schedules the runs this process executes: accepts messages (double texting), claims runs through
 * leases, keeps the leases, takes over runs whose owner died, and cancels, steps and continues runs.
 * Executing a run is RunExecutor's; the SQL is RunRepository's.
 */
export class RunManager {
  readonly ownerId: string;
  private readonly leaseMs: number;
  private readonly sweepMs: number;
  private readonly pausedDeadlines: { blockingMs: number; maxMs: number };
  private readonly active = new Map<string, { controller: AbortController; pause: PauseGate; done: Promise<void> }>();
  private readonly slots: PrincipalSlots;
  /** Messages being stored, one at a time per principal. */
  private readonly intake: PrincipalSlots;
  /** A principal with a backlog lets the others' messages and runs go first (see GiveWay). */
  private readonly giveWay: GiveWay;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly deps: RunManagerDeps,
    options: RunManagerOptions,
  ) {
    this.ownerId = options.ownerId;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.sweepMs = options.sweepMs ?? 10_000;
    this.pausedDeadlines = {
      blockingMs: options.pausedTimeoutMs ?? DEFAULT_PAUSED_TIMEOUT_MS,
      maxMs: options.pausedMaxMs ?? DEFAULT_PAUSED_MAX_MS,
    };
    this.slots = new PrincipalSlots(options.runsPerPrincipal ?? DEFAULT_RUNS_PER_PRINCIPAL);
    // Storing a message takes a few milliseconds: one at a time per principal keeps a burst from one key out
    // of the database pool's queue ahead of everyone else's statements, and costs that key little.
    this.intake = new PrincipalSlots(1);
    this.giveWay = new GiveWay([this.slots, this.intake]);
  }

  private get lease() {
    return { owner: this.ownerId, leaseMs: this.leaseMs };
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
    await this.deps.runs.releaseLeases(ids, this.ownerId).catch(() => {});
  }

  /**
   * sendMessage: applies the double-texting policy, stores the message and run, and starts it once
   * `principal` (who sent it, see runPrincipal) has a free slot. With `reviewPlan`, an AUTO run pauses
   * once its plan is made, for the designer to review it.
   */
  async submit(
    conversationId: string,
    text: string,
    mode: 'AUTO' | 'STEP',
    options: { principal?: RunPrincipal; reviewPlan?: boolean; startedBy?: string } = {},
  ): Promise<Run> {
    const { conversations, settings } = this.deps;
    const principal = options.principal ?? conversationPrincipal(conversationId);
    // A principal's messages are stored one batch at a time too: a burst from one key waits its turn
    // here instead of filling the database's queue ahead of everyone else's statements.
    const sent = await this.intake.run(principal.id, new AbortController().signal, async () => {
      await this.giveWay.wait(principal.id);
      const policy = (await settings.get()).doubleTexting;
      if (policy !== 'queue') {
        const activeRuns = await conversations.activeRuns(conversationId);
        // A replica that has not heard of a hand-off yet must not stop (or refuse over) the run that made it, whose
        // reply tells the shopper a colleague is coming: the message is the desk's, as enqueue would find.
        if (activeRuns.length && (await conversations.isHeld(conversationId)))
          throw new ConflictError(
            'A colleague owns this conversation or it waits for one: the desk takes the message',
            {
              reason: CONVERSATION_HELD,
              details: { field: 'conversationId' },
            },
          );
        if (activeRuns.length && policy === 'reject' && !(await this.pausedTooLongFor(conversationId, activeRuns)))
          throw new ConflictError(
            'A reply is still being written for this conversation; send the message when it ends',
            { details: { field: 'conversationId', activeRunId: activeRuns[0]!.id } },
          );
        for (const r of activeRuns) await this.cancel(r.id, 'interrupted by a newer message');
      }
      // Usually nothing is ahead of the new run: it is stored claimed by this process and starts at once.
      // Otherwise it waits, and the oldest waiting run starts when its turn comes.
      return conversations.sendMessage(conversationId, text, mode, {
        claimFor: this.stopped ? undefined : this.lease,
        startedBy: options.startedBy,
      });
    });
    // Stored too, so the request outlives this process (a run resumed elsewhere still pauses).
    if (options.reviewPlan) await this.deps.runs.requestPause(sent.run.id);
    if (sent.run.status === 'RUNNING')
      this.executeClaimed(
        {
          ...sent.run,
          customerId: sent.customerId,
          session: sent.session,
          started: sent.started,
          history: sent.history,
          resumed: false,
        },
        principal,
        new PauseGate(options.reviewPlan),
      );
    else void this.startNext(conversationId, principal);
    return sent.run;
  }

  async cancel(runId: string, reason = 'cancelled by request'): Promise<Run> {
    const local = this.active.get(runId);
    if (local) {
      local.controller.abort(new RunCancelledError(reason));
      await local.done;
      return this.deps.conversations.getRun(runId);
    }
    const row = await cancelUnownedRun(this.deps, runId, reason);
    if (!row) return this.deps.conversations.getRun(runId);
    void this.startNext(row.conversationId);
    return row;
  }

  /**
   * Pauses a PENDING or RUNNING run at its next task boundary: after planning when it has no plan yet,
   * else before its next tasks start (tasks in flight finish). Its owner notices at once when that is
   * this process, else at its next lease renewal. A paused run stays paused.
   */
  async pause(runId: string): Promise<Run> {
    const row = await this.deps.runs.requestPause(runId);
    if (!row) {
      const run = await this.deps.conversations.getRun(runId);
      if (run.status === 'PAUSED') return run;
      throw new ConflictError(`This run has ended (${run.status.toLowerCase()}); there is nothing to pause`, {
        details: { field: 'id', status: run.status },
      });
    }
    this.active.get(runId)?.pause.request();
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

  /** Whether this process is executing the run right now. */
  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Waits until no run of this process is in flight (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  private async unpause(runId: string, budget: number): Promise<Run> {
    const row = await this.deps.runs.unpause(runId, budget);
    if (!row) throw new ConflictError(`Run ${runId} is not paused`);
    await this.claimAndExecute(row.id);
    return row;
  }

  /**
   * Starts the oldest waiting run of a conversation unless one is already running there. Its principal
   * is the one of the run before it when known here, else the conversation's own.
   */
  private async startNext(conversationId: string, principal = conversationPrincipal(conversationId)): Promise<void> {
    if (this.stopped) return;
    try {
      const first = await this.deps.runs.oldestActive(conversationId);
      if (first?.status === 'PENDING') await this.claimAndExecute(first.id, principal);
    } catch (err) {
      this.deps.logger.error({ err, conversationId }, 'could not start the next run');
    }
  }

  /** Claims the run and starts executing it; false when another process (or an older run) has it. */
  private async claimAndExecute(runId: string, principal?: RunPrincipal): Promise<boolean> {
    if (this.stopped || this.active.has(runId)) return false;
    const run = await this.deps.runs.claim(runId, this.lease);
    if (!run) return false;
    if (run.started) this.deps.events.publish([run.started]);
    this.executeClaimed(run, principal ?? conversationPrincipal(run.conversationId), new PauseGate(run.pauseRequested));
    return true;
  }

  /**
   * Executes a run this process holds the lease of, in the background, once its principal has a free
   * slot. Waiting, it stays leased here (renewed like any run in flight), so no other replica takes it.
   */
  private executeClaimed(run: ClaimedRun, principal: RunPrincipal, pause: PauseGate): void {
    const controller = new AbortController();
    const done = this.slots
      .run(
        principal.id,
        controller.signal,
        () =>
          this.deps.executor.execute(run, controller, pause, {
            wait: () => this.giveWay.wait(principal.id),
            givesWay: () => this.giveWay.heavy(principal.id),
          }),
        principal.runsAtOnce,
      )
      .finally(() => {
        this.active.delete(run.id);
        void this.startNext(run.conversationId, principal);
      });
    this.active.set(run.id, { controller, pause, done });
  }

  /** Renews leases of runs in flight here; a run cancelled elsewhere is aborted. */
  private async renewLeases(): Promise<void> {
    const ids = [...this.active.keys()];
    if (!ids.length || this.stopped) return;
    try {
      const rows = await this.deps.runs.renewLeases(ids, this.lease);
      for (const row of rows) {
        if (row.status === 'CANCELLED')
          this.active.get(row.id)?.controller.abort(new RunCancelledError('cancelled by request'));
        // pauseRun on another replica.
        else if (row.pauseRequested) this.active.get(row.id)?.pause.request();
      }
      // A run whose lease another process took over (this one could not renew in time) stops here.
      const renewed = new Set(rows.map((r) => r.id));
      for (const id of ids)
        if (!renewed.has(id)) this.active.get(id)?.controller.abort(new ShutdownSignal('lease taken over'));
    } catch (err) {
      this.deps.logger.error({ err }, 'lease renewal failed');
    }
  }

  /**
   * Cancels the runs paused past their deadline (see RunRepository.expirePaused), whichever replica gets there first,
   * and starts what waited behind each: a designer who walked away from a stepped run, or a plan reviewer who never
   * answered, holds a shopper's later messages for a bounded time only. Returns the runs it cancelled. `waitingIn`: only that
   * conversation's, where a message is waiting now (see pausedTooLongFor).
   */
  async expirePausedRuns(waitingIn?: string): Promise<RunRow[]> {
    const { blockingMs, maxMs } = this.pausedDeadlines;
    const rows = await this.deps.runs.expirePaused(
      this.pausedDeadlines,
      {
        blocking: `paused too long: over ${duration(blockingMs)} while a newer message waited`,
        max: `paused too long: over ${duration(maxMs)}`,
      },
      { waitingIn },
    );
    for (const row of rows) {
      try {
        await recordCancelled(this.deps, row, row.error ?? 'paused too long');
      } catch (err) {
        if (!this.stopped)
          this.deps.logger.error({ err, runId: row.id }, 'could not record the cancellation of a run paused too long');
      }
      void this.startNext(row.conversationId);
    }
    return rows;
  }

  /**
   * Under the `reject` policy a newer message is refused rather than queued: one refused because of a run paused past
   * the deadline of a run a message waits behind ends that run instead, and is taken. True when no active run is left.
   */
  private async pausedTooLongFor(conversationId: string, activeRuns: readonly Run[]): Promise<boolean> {
    if (!activeRuns.every((r) => r.status === 'PAUSED')) return false;
    const ended = await this.expirePausedRuns(conversationId);
    return ended.length === activeRuns.length;
  }

  /** Resumes runs whose owner's lease expired, starts runs nobody claimed, and ends runs paused past their deadline. */
  private async sweep(): Promise<void> {
    if (this.stopped) return;
    await this.expirePausedRuns().catch((err) => {
      if (!this.stopped) this.deps.logger.error({ err }, 'paused run sweep failed');
    });
    try {
      const seen = new Set<string>();
      for (const c of await this.deps.runs.orphans(100)) {
        if (seen.has(c.conversationId)) continue;
        seen.add(c.conversationId);
        if (c.status === 'RUNNING') await this.claimAndExecute(c.id);
        else await this.startNext(c.conversationId);
      }
    } catch (err) {
      if (!this.stopped) this.deps.logger.error({ err }, 'run sweep failed');
    }
  }
}

/** A deadline as a reason reads it: "15 minutes", "24 hours", "90 seconds". */
function duration(ms: number): string {
  const seconds = Math.round(ms / 1_000);
  const [n, unit] =
    seconds % 3_600 === 0
      ? [seconds / 3_600, 'hour']
      : seconds % 60 === 0
        ? [seconds / 60, 'minute']
        : [seconds, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
