import { asc, desc, eq, sql } from 'drizzle-orm';
import type { AgentDrafts } from '../agents/agent-drafts.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { SettingsService } from '../chat/settings-service.js';
import type { Db } from '../db/client.js';
import { type ExperimentRow, experimentResults, experiments } from '../db/schema/experiments.js';
import type { DatasetCase } from '../domain/dataset.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createOfflineModelProvider } from '../models/create-model-provider.js';
import type { ModelProvider } from '../models/model-provider.js';
import { type CaseOutcome, routingRunner, type ScenarioRunnerDeps, scenarioRunner } from './case-runners.js';
import type { Datasets } from './datasets.js';
import { runCases } from './run-cases.js';

/** Which provider answers: the server's own, or the offline rule-based one (routing cases only). */
export type ExperimentProvider = 'server' | 'offline';

export interface StartExperiment {
  datasetId: string;
  name?: string;
  provider?: ExperimentProvider;
  concurrency?: number;
  /** Card drafts to run against instead of the published cards (names checked by the caller). */
  drafts?: string[];
}

export interface ExperimentsDeps extends ScenarioRunnerDeps {
  db: Db;
  datasets: Datasets;
  agents: Pick<AgentRegistry, 'list'>;
  agentDrafts: Pick<AgentDrafts, 'cards' | 'list'>;
  settings: Pick<SettingsService, 'get'>;
  models: ModelProvider;
  logger: Logger;
}

/** A case of two experiments of one dataset, compared. */
export interface CaseComparison {
  position: number;
  label: string;
  before: boolean;
  after: boolean;
  change: 'IMPROVED' | 'REGRESSED' | 'SAME_PASS' | 'SAME_FAIL';
}

/**
 * Experiments: a dataset run against the published cards (or some card drafts) with a provider and bounded concurrency,
 * stored with per-case results, pass rate, confusion, duration and tokens. `start` returns at once; the
 * cases run in the background and the row's `done` counts progress.
 */
export class Experiments {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: ExperimentsDeps) {}

  async start(input: StartExperiment): Promise<ExperimentRow> {
    const { deps } = this;
    const dataset = await deps.datasets.get(input.datasetId);
    const cases = await deps.datasets.cases(dataset.id);
    const concurrency = input.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
      throw ValidationError.single('concurrency', 'between 1 and 16');
    const provider = input.provider ?? 'server';
    if (provider === 'offline' && cases.some((c) => c.case.kind === 'scenario'))
      throw ValidationError.single('provider', 'scenarios run through the server, with its own provider');
    const models = provider === 'offline' ? createOfflineModelProvider() : deps.models;
    const drafts = input.drafts?.length ? input.drafts : undefined;
    const [cards, draftRows] = drafts
      ? await Promise.all([deps.agentDrafts.cards({ names: drafts }), deps.agentDrafts.list()])
      : [await deps.agents.list(), []];
    const [count] = (await deps.db
      .select({ n: sql<number>`count(*)::int` })
      .from(experiments)
      .where(eq(experiments.datasetId, dataset.id))) as [{ n: number }];
    const [row] = await deps.db
      .insert(experiments)
      .values({
        datasetId: dataset.id,
        name: input.name?.trim() || `${dataset.name} #${count.n + 1}`,
        provider: models.name,
        model: null,
        cardVersions: Object.fromEntries(cards.map((c) => [c.name, c.version])),
        drafts: Object.fromEntries(draftRows.filter((d) => drafts?.includes(d.name)).map((d) => [d.name, d.revision])),
        concurrency,
        total: cases.length,
      })
      .returning();
    const experiment = row!;
    const routing = routingRunner(models, cards, await deps.settings.get());
    const scenario = scenarioRunner(deps, experiment.id, drafts);
    const runCase = (c: DatasetCase): Promise<CaseOutcome> => (c.kind === 'routing' ? routing(c) : scenario(c));
    const work = this.execute(experiment, cases, runCase).finally(() => this.running.delete(experiment.id));
    this.running.set(experiment.id, work);
    return experiment;
  }

  /** Runs an experiment to its end in the foreground (`baton eval`). */
  async run(input: StartExperiment): Promise<ExperimentRow> {
    const started = await this.start(input);
    await this.running.get(started.id);
    return this.get(started.id);
  }

  /** Waits for experiments in flight (shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.allSettled(this.running.values());
  }

  async get(id: string): Promise<ExperimentRow> {
    const [row] = await this.deps.db.select().from(experiments).where(eq(experiments.id, id));
    if (!row) throw new NotFoundError('No such experiment', { details: { field: 'id' } });
    return row;
  }

  /** A dataset's experiments, oldest first (the pass-rate chart reads left to right). */
  ofDataset(datasetId: string): Promise<ExperimentRow[]> {
    return this.deps.db
      .select()
      .from(experiments)
      .where(eq(experiments.datasetId, datasetId))
      .orderBy(asc(experiments.createdAt));
  }

  latest(limit: number) {
    return this.deps.db.select().from(experiments).orderBy(desc(experiments.createdAt)).limit(limit);
  }

  results(experimentId: string) {
    return this.deps.db
      .select()
      .from(experimentResults)
      .where(eq(experimentResults.experimentId, experimentId))
      .orderBy(asc(experimentResults.position));
  }

  /** Case by case, what got better and what got worse from `baseId` to `id` (same dataset). */
  async compare(baseId: string, id: string): Promise<CaseComparison[]> {
    const [base, other] = await Promise.all([this.get(baseId), this.get(id)]);
    if (base.datasetId !== other.datasetId)
      throw ValidationError.single('baseId', 'experiments of different datasets cannot be compared');
    const before = new Map((await this.results(baseId)).map((r) => [r.position, r]));
    return (await this.results(id)).flatMap((r) => {
      const b = before.get(r.position);
      if (!b) return [];
      const change =
        b.passed === r.passed ? (r.passed ? 'SAME_PASS' : 'SAME_FAIL') : r.passed ? 'IMPROVED' : 'REGRESSED';
      return [{ position: r.position, label: r.label, before: b.passed, after: r.passed, change } as const];
    });
  }

  private async execute(
    experiment: ExperimentRow,
    cases: { position: number; case: DatasetCase }[],
    runCase: (c: DatasetCase) => Promise<CaseOutcome>,
  ): Promise<void> {
    const { db } = this.deps;
    const started = performance.now();
    try {
      const summary = await runCases(cases, runCase, experiment.concurrency, async (r) => {
        await db.insert(experimentResults).values({
          experimentId: experiment.id,
          position: r.position,
          kind: r.kind,
          label: r.label,
          passed: r.passed,
          actual: r.actual ?? null,
          failures: r.failures,
          durationMs: r.durationMs,
          tokens: r.tokens,
        });
        await db
          .update(experiments)
          .set({
            done: sql`${experiments.done} + 1`,
            passed: sql`${experiments.passed} + ${r.passed ? 1 : 0}`,
            tokens: sql`${experiments.tokens} + ${r.tokens}`,
          })
          .where(eq(experiments.id, experiment.id));
      });
      await db
        .update(experiments)
        .set({
          status: 'COMPLETED',
          passRate: summary.passRate,
          confusion: summary.confusion,
          durationMs: Math.round(performance.now() - started),
          finishedAt: new Date(),
        })
        .where(eq(experiments.id, experiment.id));
    } catch (err) {
      this.deps.logger.error({ err, experimentId: experiment.id }, 'experiment failed');
      await db
        .update(experiments)
        .set({ status: 'FAILED', error: (err as Error).message, finishedAt: new Date() })
        .where(eq(experiments.id, experiment.id))
        .catch(() => {});
    }
  }
}
