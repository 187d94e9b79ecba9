import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type DatasetRow, datasetCases, datasets, experiments } from '../db/schema/experiments.js';
import { type DatasetCase, parseCaseLine } from '../domain/dataset.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { parseJsonLines } from './jsonl.js';

const MAX_CASES = 5_000;

/** Parses JSONL cases; blank and `#` lines are skipped; a bad line is a ValidationError naming it. */
export function parseDatasetJsonl(text: string): DatasetCase[] {
  const cases = parseJsonLines(text, parseCaseLine).map((c) => c.value);
  if (!cases.length) throw ValidationError.single('jsonl', 'no cases: the text has no JSON lines');
  if (cases.length > MAX_CASES) throw ValidationError.single('jsonl', `at most ${MAX_CASES} cases per dataset`);
  return cases;
}

/** One case a line; routing cases without `kind`, as the routing fixtures have them. */
export function toJsonl(cases: readonly DatasetCase[]): string {
  return `${cases.map((c) => JSON.stringify(c.kind === 'routing' ? (({ kind: _k, ...rest }) => rest)(c) : c)).join('\n')}\n`;
}

/** Datasets and their cases. */
export class Datasets {
  constructor(private readonly db: Db) {}

  list(): Promise<DatasetRow[]> {
    return this.db.select().from(datasets).orderBy(desc(datasets.createdAt));
  }

  async get(id: string): Promise<DatasetRow> {
    const [row] = await this.db.select().from(datasets).where(eq(datasets.id, id));
    if (!row) throw new NotFoundError('No such dataset', { details: { field: 'id' } });
    return row;
  }

  async byName(name: string): Promise<DatasetRow | undefined> {
    const [row] = await this.db.select().from(datasets).where(eq(datasets.name, name));
    return row;
  }

  async cases(datasetId: string): Promise<{ id: string; position: number; case: DatasetCase }[]> {
    return this.db
      .select({ id: datasetCases.id, position: datasetCases.position, case: datasetCases.case })
      .from(datasetCases)
      .where(eq(datasetCases.datasetId, datasetId))
      .orderBy(asc(datasetCases.position));
  }

  /** Creates a dataset from JSONL (import); the name must be free. */
  async importJsonl(name: string, text: string, description = ''): Promise<DatasetRow> {
    const trimmed = name.trim();
    if (!/^[\w .-]{1,80}$/.test(trimmed))
      throw ValidationError.single('name', 'a name of 1-80 letters, digits, spaces, _ . or -');
    const cases = parseDatasetJsonl(text);
    if (await this.byName(trimmed)) throw ValidationError.single('name', `a dataset named "${trimmed}" exists`);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(datasets).values({ name: trimmed, description }).returning();
      await tx.insert(datasetCases).values(cases.map((c, i) => ({ datasetId: row!.id, position: i + 1, case: c })));
      return row!;
    });
  }

  /** Appends cases (e.g. a conversation saved as a scenario). */
  async addCases(datasetId: string, cases: DatasetCase[]): Promise<void> {
    await this.get(datasetId);
    await this.db.transaction(async (tx) => {
      const [{ last }] = (await tx
        .select({ last: sql<number>`coalesce(max(${datasetCases.position}), 0)::int` })
        .from(datasetCases)
        .where(eq(datasetCases.datasetId, datasetId))) as [{ last: number }];
      await tx.insert(datasetCases).values(cases.map((c, i) => ({ datasetId, position: last + i + 1, case: c })));
      await tx.update(datasets).set({ updatedAt: new Date() }).where(eq(datasets.id, datasetId));
    });
  }

  async exportJsonl(datasetId: string): Promise<string> {
    await this.get(datasetId);
    return toJsonl((await this.cases(datasetId)).map((c) => c.case));
  }

  async delete(datasetId: string): Promise<DatasetRow> {
    const row = await this.get(datasetId);
    const [running] = await this.db
      .select({ id: experiments.id })
      .from(experiments)
      .where(and(eq(experiments.datasetId, datasetId), eq(experiments.status, 'RUNNING')))
      .limit(1);
    if (running) throw new ConflictError('An experiment is running on this dataset', { details: { field: 'id' } });
    await this.db.delete(datasets).where(eq(datasets.id, datasetId));
    return row;
  }
}
