import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { DatasetCase } from '../../domain/dataset.js';

/** A named set of cases to run the agents against: routing cases and scenarios (domain/dataset.ts). */
export const datasets = pgTable('datasets', {
  id: uuid('id').primaryKey().defaultRandom(),
  // unique: datasets are picked by name in the studio and `baton eval`.
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type DatasetRow = typeof datasets.$inferSelect;

export const datasetCases = pgTable(
  'dataset_cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    /** 1, 2, 3… in the order the cases were added (JSONL line order on import). */
    position: integer('position').notNull(),
    case: jsonb('case').$type<DatasetCase>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Dataset.cases and experiments: a dataset's cases in order.
    uniqueIndex('dataset_cases_dataset_position_idx').on(t.datasetId, t.position),
  ],
);
export type DatasetCaseRow = typeof datasetCases.$inferSelect;

export const experimentStatuses = ['RUNNING', 'COMPLETED', 'FAILED'] as const;
export type ExperimentStatus = (typeof experimentStatuses)[number];

/** Per-agent confusion of an experiment's routing (expected vs planned agents). */
export interface ConfusionRow {
  agent: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** One run of a dataset against the cards, with its totals. */
export const experiments = pgTable(
  'experiments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status', { enum: experimentStatuses }).notNull().default('RUNNING'),
    /** The model provider that answered, and its default model. */
    provider: text('provider').notNull(),
    model: text('model'),
    /** The card versions it ran against, by agent name. */
    cardVersions: jsonb('card_versions').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    /** The card drafts it ran against instead of the published cards, by name with their revision ({}: published). */
    drafts: jsonb('drafts').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    concurrency: integer('concurrency').notNull(),
    total: integer('total').notNull(),
    done: integer('done').notNull().default(0),
    passed: integer('passed').notNull().default(0),
    passRate: doublePrecision('pass_rate'),
    confusion: jsonb('confusion').$type<ConfusionRow[]>().notNull().default(sql`'[]'::jsonb`),
    durationMs: integer('duration_ms'),
    tokens: integer('tokens').notNull().default(0),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    // Dataset.experiments: a dataset's experiments, newest first (the pass-rate chart).
    index('experiments_dataset_created_idx').on(t.datasetId, t.createdAt),
  ],
);
export type ExperimentRow = typeof experiments.$inferSelect;

/** One case's outcome in an experiment. */
export const experimentResults = pgTable(
  'experiment_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    experimentId: uuid('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    /** The case's position in its dataset: experiments of one dataset are compared case by case. */
    position: integer('position').notNull(),
    kind: text('kind').notNull(),
    /** The utterance, or the scenario's name. */
    label: text('label').notNull(),
    passed: boolean('passed').notNull(),
    /** What was planned / called / replied, per turn. */
    actual: jsonb('actual').$type<unknown>().notNull(),
    /** Why it failed, one line per failed check. */
    failures: jsonb('failures').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    durationMs: integer('duration_ms').notNull(),
    tokens: integer('tokens').notNull().default(0),
  },
  (t) => [
    // Experiment.results and comparisons: an experiment's results by case position.
    uniqueIndex('experiment_results_experiment_position_idx').on(t.experimentId, t.position),
  ],
);
export type ExperimentResultRow = typeof experimentResults.$inferSelect;
