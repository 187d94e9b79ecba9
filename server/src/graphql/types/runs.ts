import { cancelsRun, drivesRun } from '../../auth/principal.js';
import type { Run } from '../../chat/conversation-service.js';
import { conversationStream } from '../../chat/event-stream.js';
import { runStatuses } from '../../db/schema/conversations.js';
import type { BatonEvent } from '../../domain/events.js';
import type { PlanTask } from '../../domain/plan.js';
import { isUuid } from '../../domain/uuid.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { PAGE_MAX, pageArg, pageSize } from '../page-size.js';
import { jsonFor, textFor } from '../redacted.js';
import { conversationCursor, delivered, EventRef } from './events.js';
import { RunModeEnum } from './run-mode.js';

const RunStatusEnum = builder.enumType('RunStatus', { values: runStatuses });
const TaskStatusEnum = builder.enumType('TaskStatus', {
  values: ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'] as const,
});

type TaskView = PlanTask & { status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' };
const TaskRef = builder.objectRef<TaskView>('RunTask').implement({
  description: 'A task of the plan, with its state in this run.',
  fields: (t) => ({
    id: t.exposeString('id'),
    agent: t.exposeString('agent'),
    instruction: t.string({ resolve: (task, _a, ctx) => textFor(ctx, task.instruction) }),
    statusMessage: t.string({ resolve: (task, _a, ctx) => textFor(ctx, task.statusMessage) }),
    dependsOn: t.exposeStringList('dependsOn'),
    status: t.field({ type: TaskStatusEnum, resolve: (task) => task.status }),
  }),
});

export const RunRef = builder.objectRef<Run>('Run').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    conversationId: t.exposeID('conversationId'),
    status: t.field({ type: RunStatusEnum, resolve: (r) => r.status }),
    mode: t.field({ type: RunModeEnum, resolve: (r) => r.mode }),
    plan: t.field({ type: 'JSON', nullable: true, resolve: (r, _a, ctx) => jsonFor(ctx, r.plan ?? null) }),
    tasks: t.field({
      type: [TaskRef],
      resolve: async (r, _a, ctx) => {
        if (!r.plan) return [];
        const events = await ctx.services.eventStore.list({
          runId: r.id,
          types: ['TASK_STARTED', 'TASK_COMPLETED', 'TASK_FAILED'],
        });
        const state = new Map<string, TaskView['status']>();
        for (const e of events) {
          if (!e.taskId) continue;
          state.set(
            e.taskId,
            e.type === 'TASK_STARTED' ? 'RUNNING' : e.type === 'TASK_COMPLETED' ? 'COMPLETED' : 'FAILED',
          );
        }
        return r.plan.tasks.map((task) => ({ ...task, status: state.get(task.id) ?? 'PENDING' }));
      },
    }),
    reply: t.string({
      nullable: true,
      description: 'The unified final reply, once the run completed.',
      resolve: async (r, _a, ctx) => {
        const [done] = await ctx.services.eventStore.list({ runId: r.id, types: ['RUN_COMPLETED'], limit: 1 });
        return done?.type === 'RUN_COMPLETED' ? textFor(ctx, done.data.reply) : null;
      },
    }),
    error: t.string({ nullable: true, resolve: (r, _a, ctx) => textFor(ctx, r.error) }),
    events: t.field({
      type: [EventRef],
      resolve: (r, _a, ctx) => ctx.services.eventStore.list({ runId: r.id }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    viewerDrives: t.boolean({
      description:
        'Whether the caller may pause, step and continue this run and edit its plan: admin keys every run, an integrator key the runs it started.',
      resolve: (r, _a, ctx) => drivesRun(ctx.auth.principal, r),
    }),
    viewerCancels: t.boolean({
      description:
        "Whether the caller may cancel this run: admin and support keys, the conversation's own token, and the key that started it.",
      resolve: (r, _a, ctx) => cancelsRun(ctx.auth.principal, r),
    }),
  }),
});

/**
 * A run the caller may see (its conversation), or NOT_FOUND. Another conversation's run gets the answer an id of no
 * run gets: FORBIDDEN told a conversation token's holder which ids are runs.
 */
export async function loadRun(ctx: GraphQLContext, id: string): Promise<Run> {
  const run = await ctx.services.conversations.getRun(id);
  if (!ctx.auth.canAccessConversation(run.conversationId)) throw new NotFoundError(`No run ${id}`);
  return run;
}

/** Why a key that may start runs was refused one: it did not start this one. */
const notStartedBy = (ctx: GraphQLContext, run: Run, what: string) =>
  `Run ${run.id} was not started by this key: an integrator key ${what} only the runs it started (${ctx.auth.describe})`;

/**
 * A run the caller may see (else NOT_FOUND, as loadRun) and drive by hand: pause, step, continue, edit its plan (else
 * FORBIDDEN on `field`, with the run's id in `extensions.runId`). Looked up first, so that a caller who may not read
 * the run learns nothing more than an id of no run tells.
 */
export async function loadRunToDrive(ctx: GraphQLContext, id: string, field = 'id'): Promise<Run> {
  const run = await loadRun(ctx, id);
  const { principal } = ctx.auth;
  if (!drivesRun(principal, run))
    throw new ForbiddenError(
      principal.kind === 'key' && principal.role === 'integrator'
        ? notStartedBy(ctx, run, 'pauses, steps, continues and edits the plans of')
        : `Pausing, stepping and continuing runs is for designers with an admin key, and for the integrator key that started the run; not for ${ctx.auth.describe}`,
      { details: { field, runId: run.id } },
    );
  return run;
}

/** A run the caller may see (else NOT_FOUND) and stop (else FORBIDDEN on `id`, with `extensions.runId`). */
async function loadRunToCancel(ctx: GraphQLContext, id: string): Promise<Run> {
  const run = await loadRun(ctx, id);
  const { principal } = ctx.auth;
  if (!cancelsRun(principal, run))
    throw new ForbiddenError(
      principal.kind === 'key' && principal.role === 'integrator'
        ? notStartedBy(ctx, run, 'cancels')
        : `Cancelling runs needs an admin or support key, the conversation's own token, or the key that started the run; not ${ctx.auth.describe}`,
      { details: { field: 'id', runId: run.id } },
    );
  return run;
}

builder.queryFields((t) => ({
  runs: t.field({
    type: [RunRef],
    description: 'Run history, newest first, with filters: status, an agent in the plan, time window, conversation.',
    authScopes: { reader: true },
    args: {
      status: t.arg({ type: [RunStatusEnum] }),
      agentName: t.arg.string(),
      since: t.arg({ type: 'DateTime' }),
      until: t.arg({ type: 'DateTime' }),
      conversationId: t.arg.id(),
      first: t.arg.int({ validate: pageArg(PAGE_MAX.runs) }),
    },
    resolve: async (_r, args, ctx) =>
      // A malformed conversation id names no conversation, so no run has it (as with an unknown one).
      args.conversationId && !isUuid(String(args.conversationId))
        ? []
        : ctx.services.conversations.listRuns({
            statuses: args.status ?? undefined,
            agentName: args.agentName ?? undefined,
            since: args.since ?? undefined,
            until: args.until ?? undefined,
            conversationId: args.conversationId ? String(args.conversationId) : undefined,
            limit: pageSize(args.first, 50, PAGE_MAX.runs),
          }),
  }),
  run: t.field({
    type: RunRef,
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => loadRun(ctx, String(args.id)),
  }),
}));

builder.mutationFields((t) => ({
  cancelRun: t.field({
    type: RunRef,
    description:
      "Stops a run. Admin and support keys, the conversation's own token for its runs, and an integrator key for the runs it started (FORBIDDEN otherwise).",
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => ctx.services.runs.cancel((await loadRunToCancel(ctx, String(args.id))).id),
  }),
  stepRun: t.field({
    type: RunRef,
    description:
      'Step mode: runs the next task, then pauses again. Admin keys, and an integrator key for the runs it started (FORBIDDEN otherwise).',
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => ctx.services.runs.step((await loadRunToDrive(ctx, String(args.id))).id),
  }),
  continueRun: t.field({
    type: RunRef,
    description:
      'Step mode: runs all remaining tasks without pausing. Admin keys, and an integrator key for the runs it started (FORBIDDEN otherwise).',
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => ctx.services.runs.continue((await loadRunToDrive(ctx, String(args.id))).id),
  }),
}));

builder.subscriptionFields((t) => ({
  runEvents: t.field({
    type: EventRef,
    description:
      "A run's events from its start (or after `after`, the id of the last event received), then live, ending after RUN_COMPLETED, RUN_FAILED or RUN_CANCELLED; with NOT_FOUND (reason CONVERSATION_DELETED) when its conversation is erased or purged meanwhile, and with SUBSCRIBER_TOO_SLOW (`extensions.after`: the cursor to resubscribe with) when the client reads too slowly.",
    authScopes: { authenticated: true },
    args: { runId: t.arg.id({ required: true }), after: t.arg.id() },
    subscribe: async (_r, args, ctx) => {
      // Begun before the run is looked up: a deletion of its conversation after the lookup ends the stream.
      const watch = ctx.services.deletedConversations.begin();
      const run = await loadRun(ctx, String(args.runId));
      // From the run's own message (nothing of the run comes before it), or after the client's cursor.
      const start = run.messageEventId
        ? ((await ctx.services.eventStore.seqOf(run.conversationId, run.messageEventId)) ?? 1) - 1
        : 0;
      const events = conversationStream({
        store: ctx.services.eventStore,
        bus: ctx.services.bus,
        conversationId: run.conversationId,
        afterSeq: Math.max(start, await conversationCursor(ctx.services, run.conversationId, args.after)),
        runId: run.id,
        includeTransient: true,
        until: (e: BatonEvent) => e.type === 'RUN_COMPLETED' || e.type === 'RUN_FAILED' || e.type === 'RUN_CANCELLED',
        gone: watch(run.conversationId),
        signal: ctx.signal,
        buffers: ctx.services.feedBuffers.for(ctx.auth.principal),
      });
      return delivered(events, { staffOnly: ctx.auth.isSupport, after: args.after });
    },
    resolve: (e: BatonEvent) => e,
  }),
}));
