import { editPlan } from '../../chat/plan-editor.js';
import { diffPlans, type PlanChange, type PlanVersion, planVersions } from '../../chat/plan-versions.js';
import { ValidationError } from '../../errors.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { editorName } from '../editor-name.js';
import { textFor } from '../redacted.js';
import { PlanTaskRef } from './plan-task.js';
import { loadRunToDrive, RunRef } from './runs.js';

const PlanVersionRef = builder.objectRef<PlanVersion>('PlanVersion').implement({
  description: "One version of a run's plan: the planner's (or its fallback), then one per designer edit.",
  fields: (t) => ({
    version: t.exposeInt('version'),
    eventId: t.id({ resolve: (v) => v.eventId }),
    source: t.exposeString('source', { description: 'planner, fallback, refusal or edit.' }),
    by: t.string({
      description:
        "PlannerAgent, or who made the edit (the API key's name; `staff` for a conversation token, which is the shopper).",
      // A key's name is the workspace's own business (`Acme storefront`, a colleague's name), not the shopper's.
      resolve: (v, _a, ctx) => (ctx.auth.principal.kind === 'conversation' && v.source === 'edit' ? 'staff' : v.by),
    }),
    reason: t.string({
      nullable: true,
      description: "The editor's note, or why the planner fell back.",
      resolve: (v, _a, ctx) => textFor(ctx, v.reason ?? null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    refuse: t.boolean({ resolve: (v) => v.plan.refuse }),
    tasks: t.field({ type: [PlanTaskRef], resolve: (v) => v.plan.tasks }),
  }),
});

const PlanChangeKind = builder.enumType('PlanChangeKind', { values: ['ADDED', 'REMOVED', 'CHANGED'] as const });
const PlanChangeRef = builder.objectRef<PlanChange>('PlanChange').implement({
  description: 'One difference between two plan versions.',
  fields: (t) => ({
    kind: t.field({ type: PlanChangeKind, resolve: (c) => c.kind }),
    taskId: t.exposeString('taskId'),
    field: t.exposeString('field', {
      nullable: true,
      description: 'agent, instruction, statusMessage or dependsOn; null when the task was added or removed.',
    }),
    before: t.string({ nullable: true, resolve: (c, _a, ctx) => textFor(ctx, c.before ?? null) }),
    after: t.string({ nullable: true, resolve: (c, _a, ctx) => textFor(ctx, c.after ?? null) }),
  }),
});

const versionsOf = async (runId: string, ctx: GraphQLContext) =>
  planVersions(await ctx.services.eventStore.list({ runId, types: ['PLAN'] }));

builder.objectFields(RunRef, (t) => ({
  planVersions: t.field({
    type: [PlanVersionRef],
    description: 'Every version of the plan, oldest first, with who made it and why.',
    resolve: (run, _a, ctx) => versionsOf(run.id, ctx),
  }),
  planDiff: t.field({
    type: [PlanChangeRef],
    description: 'What changed between two plan versions (`to` defaults to the latest).',
    args: { from: t.arg.int({ required: true }), to: t.arg.int() },
    resolve: async (run, args, ctx) => {
      const versions = await versionsOf(run.id, ctx);
      const pick = (n: number, field: string) => {
        const v = versions[n - 1];
        if (!v) throw ValidationError.single(field, `no plan version ${n} (this run has ${versions.length})`);
        return v;
      };
      return diffPlans(pick(args.from, 'from').plan, pick(args.to ?? versions.length, 'to').plan);
    },
  }),
  pauseRequested: t.exposeBoolean('pauseRequested', {
    description: 'A pause was asked for and the run has not reached its next task boundary yet.',
  }),
}));

const PlanEditInput = builder.inputType('PlanTaskEditInput', {
  description: 'Changes to one pending task of a paused run; `remove` drops it.',
  fields: (t) => ({
    taskId: t.string({ required: true }),
    agent: t.string(),
    instruction: t.string(),
    statusMessage: t.string(),
    dependsOn: t.stringList(),
    remove: t.boolean(),
  }),
});

const PlanTaskAddInput = builder.inputType('PlanTaskAddInput', {
  description: 'A task to add to a paused run; its id is the next free tN unless given.',
  fields: (t) => ({
    id: t.string(),
    agent: t.string({ required: true }),
    instruction: t.string({ required: true }),
    statusMessage: t.string({ required: true }),
    dependsOn: t.stringList(),
  }),
});

builder.mutationFields((t) => ({
  pauseRun: t.field({
    type: RunRef,
    description:
      'Pauses a running (or queued) run at its next task boundary: after planning, or before its next tasks start. Tasks in flight finish. Then stepRun, continueRun, editPlan or cancelRun. Admin keys, and an integrator key for the runs it started (FORBIDDEN otherwise).',
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => ctx.services.runs.pause((await loadRunToDrive(ctx, String(args.id))).id),
  }),
  editPlan: t.field({
    type: RunRef,
    description:
      "Revises a paused run's pending tasks: agent, instruction, status line, dependencies (the plan stays a DAG), removal, and new tasks. Recorded as a PLAN event and a new plan version, with who and why. Admin keys, and an integrator key for the runs it started (FORBIDDEN otherwise).",
    authScopes: { authenticated: true },
    args: {
      runId: t.arg.id({ required: true }),
      edits: t.arg({ type: [PlanEditInput] }),
      add: t.arg({ type: [PlanTaskAddInput] }),
      reason: t.arg.string({ description: 'Why: shown with the plan version.' }),
    },
    resolve: async (_r, args, ctx) =>
      editPlan(
        {
          database: ctx.services.database,
          conversations: ctx.services.conversations,
          agents: ctx.services.agents,
          events: ctx.services.events,
          maxInstructionLength: ctx.services.config.limits.maxInstructionLength,
        },
        (await loadRunToDrive(ctx, String(args.runId), 'runId')).id,
        {
          edits: (args.edits ?? []).map((e) => ({
            taskId: e.taskId,
            agent: e.agent ?? undefined,
            instruction: e.instruction ?? undefined,
            statusMessage: e.statusMessage ?? undefined,
            dependsOn: e.dependsOn ?? undefined,
            remove: e.remove ?? undefined,
          })),
          add: (args.add ?? []).map((a) => ({
            id: a.id ?? undefined,
            agent: a.agent,
            instruction: a.instruction,
            statusMessage: a.statusMessage,
            dependsOn: a.dependsOn ?? undefined,
          })),
          by: editorName(ctx),
          reason: args.reason ?? undefined,
        },
      ),
  }),
}));
