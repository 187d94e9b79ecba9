import type { ConfusionRow, DatasetRow, ExperimentResultRow, ExperimentRow } from '../../db/schema/experiments.js';
import { experimentStatuses } from '../../db/schema/experiments.js';
import type { DatasetCase } from '../../domain/dataset.js';
import { scenarioFromConversation } from '../../eval/conversation-case.js';
import { toJsonl } from '../../eval/datasets.js';
import type { CaseComparison } from '../../eval/experiments.js';
import { rowId } from '../arg-validators.js';
import { builder } from '../builder.js';
import { jsonFor, jsonTextFor, textFor } from '../redacted.js';
import { draftsFor } from './draft-selection.js';

const ExperimentStatusEnum = builder.enumType('ExperimentStatus', { values: experimentStatuses });
const ExperimentProviderEnum = builder.enumType('ExperimentProvider', {
  description: "SERVER: the server's model provider. OFFLINE: the rule-based stand-in (routing cases only).",
  values: ['SERVER', 'OFFLINE'] as const,
});

const ExperimentDraftRef = builder.objectRef<{ name: string; revision: number }>('ExperimentDraft').implement({
  fields: (t) => ({ name: t.exposeString('name'), revision: t.exposeInt('revision') }),
});

type CaseView = { position: number; case: DatasetCase };
const DatasetCaseRef = builder.objectRef<CaseView>('DatasetCase').implement({
  description: 'A routing case (utterance → expected agents) or a scenario (shopper turns with expectations).',
  fields: (t) => ({
    position: t.exposeInt('position'),
    kind: t.string({ resolve: (c) => c.case.kind }),
    label: t.string({
      resolve: (c, _a, ctx) => textFor(ctx, c.case.kind === 'routing' ? c.case.utterance : c.case.name),
    }),
    expectedAgents: t.stringList({
      description: 'Routing: the expected agents; a scenario: those of its first turn.',
      resolve: (c) => (c.case.kind === 'routing' ? c.case.agents : (c.case.turns[0]?.expectAgents ?? [])),
    }),
    turns: t.int({ resolve: (c) => (c.case.kind === 'routing' ? 1 : c.case.turns.length) }),
    case: t.field({
      type: 'JSON',
      description: 'The case as its JSONL line has it.',
      resolve: (c, _a, ctx) => jsonFor(ctx, c.case),
    }),
  }),
});

const ConfusionRef = builder.objectRef<ConfusionRow>('AgentConfusionRow').implement({
  fields: (t) => ({
    agent: t.exposeString('agent'),
    truePositives: t.exposeInt('truePositives'),
    falsePositives: t.exposeInt('falsePositives'),
    falseNegatives: t.exposeInt('falseNegatives'),
  }),
});

const ExperimentResultRef = builder.objectRef<ExperimentResultRow>('ExperimentResult').implement({
  fields: (t) => ({
    position: t.exposeInt('position'),
    kind: t.exposeString('kind'),
    label: t.string({ resolve: (r, _a, ctx) => textFor(ctx, r.label) }),
    passed: t.exposeBoolean('passed'),
    failures: t.stringList({ resolve: (r, _a, ctx) => r.failures.map((f) => textFor(ctx, f)) }),
    actual: t.field({ type: 'JSON', resolve: (r, _a, ctx) => jsonFor(ctx, r.actual) }),
    durationMs: t.exposeInt('durationMs'),
    tokens: t.exposeInt('tokens'),
  }),
});

export const ExperimentRef = builder.objectRef<ExperimentRow>('Experiment').implement({
  description: 'A dataset run against the published cards, with its results.',
  fields: (t) => ({
    id: t.exposeID('id'),
    datasetId: t.exposeID('datasetId'),
    name: t.exposeString('name'),
    status: t.field({ type: ExperimentStatusEnum, resolve: (e) => e.status }),
    provider: t.exposeString('provider', { description: 'The model provider that answered (offline: the stand-in).' }),
    cardVersions: t.field({
      type: 'JSON',
      description: 'Card versions it ran against, by agent.',
      resolve: (e) => e.cardVersions,
    }),
    drafts: t.field({
      type: [ExperimentDraftRef],
      description:
        'The card drafts it ran against instead of the published cards (empty: published), with their revision.',
      resolve: (e) => Object.entries(e.drafts).map(([name, revision]) => ({ name, revision })),
    }),
    concurrency: t.exposeInt('concurrency'),
    total: t.exposeInt('total'),
    done: t.exposeInt('done'),
    passed: t.exposeInt('passed'),
    passRate: t.exposeFloat('passRate', { nullable: true }),
    confusion: t.field({ type: [ConfusionRef], resolve: (e) => e.confusion }),
    durationMs: t.exposeInt('durationMs', { nullable: true }),
    tokens: t.exposeInt('tokens'),
    error: t.string({ nullable: true, resolve: (e, _a, ctx) => textFor(ctx, e.error ?? null) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    results: t.field({
      type: [ExperimentResultRef],
      resolve: (e, _a, ctx) => ctx.services.experiments.results(e.id),
    }),
  }),
});

const DatasetRef = builder.objectRef<DatasetRow>('Dataset').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    cases: t.field({ type: [DatasetCaseRef], resolve: (d, _a, ctx) => ctx.services.datasets.cases(d.id) }),
    caseCount: t.int({ resolve: async (d, _a, ctx) => (await ctx.services.datasets.cases(d.id)).length }),
    jsonl: t.string({
      description: 'The cases as JSONL (export).',
      resolve: async (d, _a, ctx) => {
        const jsonl = await ctx.services.datasets.exportJsonl(d.id);
        return ctx.auth.fullData
          ? jsonl
          : jsonl
              .split('\n')
              .map((line) => jsonTextFor(ctx, line))
              .join('\n');
      },
    }),
    experiments: t.field({
      type: [ExperimentRef],
      description: 'Its experiments, oldest first.',
      resolve: (d, _a, ctx) => ctx.services.experiments.ofDataset(d.id),
    }),
  }),
});

const ChangeEnum = builder.enumType('CaseChange', {
  values: ['IMPROVED', 'REGRESSED', 'SAME_PASS', 'SAME_FAIL'] as const,
});
const CaseComparisonRef = builder.objectRef<CaseComparison>('CaseComparison').implement({
  fields: (t) => ({
    position: t.exposeInt('position'),
    label: t.string({ resolve: (c, _a, ctx) => textFor(ctx, c.label) }),
    before: t.exposeBoolean('before'),
    after: t.exposeBoolean('after'),
    change: t.field({ type: ChangeEnum, resolve: (c) => c.change }),
  }),
});

interface Comparison {
  base: ExperimentRow;
  experiment: ExperimentRow;
  cases: CaseComparison[];
}
const ComparisonRef = builder.objectRef<Comparison>('ExperimentComparison').implement({
  description: 'Two experiments of one dataset, case by case: what got better and what got worse.',
  fields: (t) => ({
    base: t.field({ type: ExperimentRef, resolve: (c) => c.base }),
    experiment: t.field({ type: ExperimentRef, resolve: (c) => c.experiment }),
    passRateDelta: t.float({ resolve: (c) => (c.experiment.passRate ?? 0) - (c.base.passRate ?? 0) }),
    improved: t.field({ type: [CaseComparisonRef], resolve: (c) => c.cases.filter((x) => x.change === 'IMPROVED') }),
    regressed: t.field({ type: [CaseComparisonRef], resolve: (c) => c.cases.filter((x) => x.change === 'REGRESSED') }),
    unchanged: t.int({ resolve: (c) => c.cases.filter((x) => x.change.startsWith('SAME')).length }),
  }),
});

builder.queryFields((t) => ({
  datasets: t.field({
    type: [DatasetRef],
    authScopes: { reader: true },
    resolve: (_r, _a, ctx) => ctx.services.datasets.list(),
  }),
  dataset: t.field({
    type: DatasetRef,
    authScopes: { reader: true },
    args: { id: t.arg.id({ required: true, validate: rowId('dataset') }) },
    resolve: (_r, args, ctx) => ctx.services.datasets.get(String(args.id)),
  }),
  experiment: t.field({
    type: ExperimentRef,
    authScopes: { reader: true },
    args: { id: t.arg.id({ required: true, validate: rowId('experiment') }) },
    resolve: (_r, args, ctx) => ctx.services.experiments.get(String(args.id)),
  }),
  compareExperiments: t.field({
    type: ComparisonRef,
    authScopes: { reader: true },
    args: {
      baseId: t.arg.id({ required: true, validate: rowId('experiment') }),
      id: t.arg.id({ required: true, validate: rowId('experiment') }),
    },
    resolve: async (_r, args, ctx) => {
      const [base, experiment, cases] = await Promise.all([
        ctx.services.experiments.get(String(args.baseId)),
        ctx.services.experiments.get(String(args.id)),
        ctx.services.experiments.compare(String(args.baseId), String(args.id)),
      ]);
      return { base, experiment, cases };
    },
  }),
}));

builder.mutationFields((t) => ({
  importDataset: t.field({
    type: DatasetRef,
    authScopes: { admin: true },
    description:
      'Creates a dataset from JSONL: routing cases `{ utterance, agents }` (as the routing fixtures) and scenarios `{ kind: "scenario", name, turns: [...] }`.',
    args: {
      name: t.arg.string({ required: true }),
      jsonl: t.arg.string({ required: true }),
      description: t.arg.string(),
    },
    resolve: (_r, args, ctx) => ctx.services.datasets.importJsonl(args.name, args.jsonl, args.description ?? ''),
  }),
  saveConversationToDataset: t.field({
    type: DatasetRef,
    authScopes: { admin: true },
    description:
      'Adds a conversation to a dataset (created when no dataset has that name) as a scenario: each shopper message a turn expecting the agents its run used; `asRoutingCases` adds each message as a routing case instead.',
    args: {
      conversationId: t.arg.id({ required: true, validate: rowId('conversation') }),
      datasetName: t.arg.string({ required: true }),
      asRoutingCases: t.arg.boolean(),
    },
    resolve: async (_r, args, ctx) => {
      const { datasets, eventStore, conversations } = ctx.services;
      const conversation = await conversations.get(String(args.conversationId));
      const events = await eventStore.list({ conversationId: conversation.id, types: ['MESSAGE', 'TASK_STARTED'] });
      const scenario = scenarioFromConversation(
        events,
        conversation.title ?? `conversation ${conversation.id.slice(0, 8)}`,
        conversation.customerId,
      );
      const cases: DatasetCase[] = args.asRoutingCases
        ? scenario.turns.map((turn) => ({ kind: 'routing', utterance: turn.user, agents: turn.expectAgents ?? [] }))
        : [scenario];
      const existing = await datasets.byName(args.datasetName.trim());
      if (existing) {
        await datasets.addCases(existing.id, cases);
        return existing;
      }
      return datasets.importJsonl(args.datasetName, toJsonl(cases));
    },
  }),
  deleteDataset: t.field({
    type: DatasetRef,
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true, validate: rowId('dataset') }) },
    resolve: (_r, args, ctx) => ctx.services.datasets.delete(String(args.id)),
  }),
  startExperiment: t.field({
    type: ExperimentRef,
    authScopes: { admin: true },
    description:
      'Runs a dataset against the published cards, or with useDrafts/allDrafts against card drafts (other cards stay published), in the background (follow `done` and `status`). Scenarios run through the real run path in fresh conversations, tools included.',
    args: {
      datasetId: t.arg.id({ required: true, validate: rowId('dataset') }),
      name: t.arg.string(),
      provider: t.arg({ type: ExperimentProviderEnum }),
      concurrency: t.arg.int(),
      useDrafts: t.arg.stringList({ description: 'Run against these card drafts; other cards stay published.' }),
      allDrafts: t.arg.boolean({ description: 'Run against every card draft there is now.' }),
    },
    resolve: async (_r, args, ctx) =>
      ctx.services.experiments.start({
        datasetId: String(args.datasetId),
        name: args.name ?? undefined,
        provider: args.provider === 'OFFLINE' ? 'offline' : 'server',
        concurrency: args.concurrency ?? undefined,
        drafts: await draftsFor(ctx, args, ''),
      }),
  }),
}));
