import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type AgentCardRow, agentCards } from '../db/schema/agents.js';
import { type AgentCard, type AgentCardInput, agentCardInputSchema } from '../domain/agent-card.js';
import { ConflictError, issuesFromStandard, NotFoundError, ValidationError } from '../errors.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { cardDrafts } from './card-drafts.js';
import { cardInput, cardVersions } from './card-versions.js';

export interface AgentRegistryOptions {
  db: Db;
  /** Card tools are checked against the tools that exist. */
  tools: Pick<ToolRegistry, 'list'>;
  limits: { maxInstructionLength: number };
  /** Called after every change, e.g. to tell other replicas to drop their cache. */
  onChange?: () => void;
}

/** The draft a save publishes: removed in the save's transaction, a CONFLICT if it changed since. */
export interface PublishedDraft {
  name: string;
  revision: number;
}

/**
 * The registry of published agent cards: validated CRUD, and a cached read path for the planner and
 * live traffic. Every save records a version (card-versions.ts) in its own transaction, with who saved
 * it. Drafts live beside it (agent-drafts.ts); publishing one is a save here that removes the draft.
 */
export class AgentRegistry {
  private cache?: Promise<AgentCard[]>;
  private readonly schema;

  constructor(private readonly options: AgentRegistryOptions) {
    this.schema = agentCardInputSchema(options.limits);
  }

  /** All cards, by name. Cached until a change. */
  list(): Promise<AgentCard[]> {
    this.cache ??= this.load().catch((err) => {
      this.cache = undefined;
      throw err;
    });
    return this.cache;
  }

  async enabled(): Promise<AgentCard[]> {
    return (await this.list()).filter((c) => c.enabled);
  }

  async get(name: string): Promise<AgentCard | undefined> {
    return (await this.list()).find((c) => c.name === name);
  }

  async require(name: string): Promise<AgentCard> {
    const card = await this.get(name);
    if (!card) throw new NotFoundError(`No agent named ${name}`, { details: { field: 'name' } });
    return card;
  }

  /** Drops the cache (another replica changed a card). */
  invalidate(): void {
    this.cache = undefined;
  }

  async create(
    input: unknown,
    author = 'unknown',
    by: { note?: string; draft?: PublishedDraft } = {},
  ): Promise<AgentCard> {
    const card = await this.validate(input, 'input');
    if (await this.get(card.name))
      throw ValidationError.single('input.name', `an agent named "${card.name}" already exists`);
    if (by.draft?.name !== card.name && (await cardDrafts.get(this.options.db, card.name)))
      throw ValidationError.single('input.name', `a draft named "${card.name}" exists: publish or discard it`);
    try {
      const created = await this.options.db.transaction(async (tx) => {
        if (by.draft) await removeDraft(tx, by.draft);
        const [row] = await tx.insert(agentCards).values(card).returning();
        const saved = rowToCard(row!);
        await cardVersions.record(tx, saved, author, by.note ?? 'created');
        return saved;
      });
      return this.changed(created);
    } catch (err) {
      throw uniqueViolation(err, card.name) ?? err;
    }
  }

  /** Applies a partial update. With `expectedVersion`, a concurrent edit is refused instead of overwritten. */
  async update(
    name: string,
    patch: Record<string, unknown>,
    expectedVersion?: number,
    by: { author?: string; note?: string; draft?: PublishedDraft } = {},
  ): Promise<AgentCard> {
    const current = await this.require(name);
    const base = cardInput(current);
    const merged = Object.fromEntries(
      Object.entries({ ...base, ...patch }).filter(([, v]) => v !== undefined && v !== null),
    );
    const card = await this.validate(merged, 'input', { selfName: current.name });
    if (card.name !== current.name && (await this.get(card.name)))
      throw ValidationError.single('input.name', `an agent named "${card.name}" already exists`);
    const db = this.options.db;
    try {
      const updated = await db.transaction(async (tx) => {
        if (by.draft) await removeDraft(tx, by.draft);
        const where =
          expectedVersion === undefined
            ? eq(agentCards.id, current.id)
            : sql`${agentCards.id} = ${current.id} and ${agentCards.version} = ${expectedVersion}`;
        const [row] = await tx
          .update(agentCards)
          .set({ ...card, version: sql`${agentCards.version} + 1`, updatedAt: new Date() })
          .where(where)
          .returning();
        if (!row)
          throw new ConflictError(`${name} was changed by someone else since you opened it`, {
            details: { field: 'expectedVersion', currentVersion: current.version },
          });
        if (card.name !== current.name) {
          await renameReferences(tx, current.name, card.name);
          await cardDrafts.rename(tx, current.id, card.name);
        }
        await cardVersions.record(tx, current, 'before history');
        await cardVersions.record(tx, rowToCard(row), by.author ?? 'unknown', by.note);
        return row;
      });
      return this.changed(rowToCard(updated));
    } catch (err) {
      throw uniqueViolation(err, card.name) ?? err;
    }
  }

  async setEnabled(name: string, enabled: boolean, author = 'unknown'): Promise<AgentCard> {
    const current = await this.require(name);
    const saved = await this.options.db.transaction(async (tx) => {
      const [row] = await tx
        .update(agentCards)
        .set({ enabled, version: sql`${agentCards.version} + 1`, updatedAt: new Date() })
        .where(eq(agentCards.id, current.id))
        .returning();
      await cardVersions.record(tx, current, 'before history');
      await cardVersions.record(tx, rowToCard(row!), author, enabled ? 'enabled' : 'disabled');
      return rowToCard(row!);
    });
    return this.changed(saved);
  }

  /**
   * Restores an earlier version's fields as a new version (the name stays: a rollback never renames).
   * With `expectedVersion`, a concurrent edit is refused.
   */
  async rollback(name: string, version: number, author: string, expectedVersion?: number): Promise<AgentCard> {
    const current = await this.require(name);
    const old = await cardVersions.get(this.options.db, current.id, version);
    if (!old) throw ValidationError.single('version', `${name} has no version ${version}`);
    const { name: _n, ...fields } = old.card;
    // Hand-off targets deleted since are dropped rather than failing the rollback.
    const names = new Set((await this.list()).map((c) => c.name));
    return this.update(name, { ...fields, handoffs: fields.handoffs.filter((h) => names.has(h)) }, expectedVersion, {
      author,
      note: `rolled back to v${version}`,
    });
  }

  /** The cards that may hand off to this one (a deletion removes those hand-offs). */
  async handoffFrom(name: string): Promise<string[]> {
    return (await this.list()).filter((c) => c.handoffs.includes(name)).map((c) => c.name);
  }

  /** Deletes a card and removes it from other cards' hand-offs, in one transaction. */
  async delete(name: string, defaultAgent: string): Promise<AgentCard> {
    const current = await this.require(name);
    if (name === defaultAgent)
      throw new ConflictError(`${name} is the default agent; choose another default in settings first`, {
        details: { field: 'name' },
      });
    await this.options.db.transaction(async (tx) => {
      await tx.delete(agentCards).where(eq(agentCards.id, current.id));
      await tx.execute(sql`update agent_cards set handoffs = handoffs - ${name}::text,
        version = version + 1, updated_at = now() where handoffs ? ${name}::text`);
    });
    this.changed(current);
    return current;
  }

  /** Inserts cards that are missing (used by the seed). */
  async ensure(cards: AgentCardInput[], builtin = true): Promise<number> {
    const rows = await this.options.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(agentCards)
        .values(cards.map((c) => ({ ...c, builtin })))
        .onConflictDoNothing({ target: agentCards.name })
        .returning();
      for (const row of inserted) await cardVersions.record(tx, rowToCard(row), 'seed');
      return inserted;
    });
    if (rows.length) this.changed(undefined);
    return rows.length;
  }

  /**
   * Parses a card and checks its tools and hand-off targets (published cards, and `alsoNames`: a draft
   * may hand off to a card that exists only as a draft).
   */
  async validate(
    input: unknown,
    prefix: string,
    refs: { selfName?: string; alsoNames?: string[] } = {},
  ): Promise<AgentCardInput> {
    const parsed = this.schema.safeParse(input);
    if (!parsed.success) throw new ValidationError(issuesFromStandard(parsed.error.issues, prefix));
    await this.checkReferences(parsed.data, prefix, refs.selfName, refs.alsoNames ?? []);
    return parsed.data;
  }

  private async checkReferences(
    card: AgentCardInput,
    prefix: string,
    selfName: string | undefined,
    alsoNames: string[],
  ): Promise<void> {
    const issues: { field: string; message: string }[] = [];
    const available = new Set((await this.options.tools.list()).map((t) => t.name));
    card.tools.forEach((tool, i) => {
      if (!available.has(tool)) issues.push({ field: `${prefix}.tools.${i}`, message: `unknown tool "${tool}"` });
    });
    const names = new Set([...(await this.list()).map((c) => c.name), ...alsoNames]);
    card.handoffs.forEach((target, i) => {
      if (target === card.name || target === selfName)
        issues.push({ field: `${prefix}.handoffs.${i}`, message: 'an agent cannot hand off to itself' });
      else if (!names.has(target))
        issues.push({ field: `${prefix}.handoffs.${i}`, message: `unknown hand-off target "${target}"` });
    });
    if (issues.length) throw new ValidationError(issues);
  }

  private changed<T>(value: T): T {
    this.invalidate();
    this.options.onChange?.();
    return value;
  }

  private async load(): Promise<AgentCard[]> {
    const rows = await this.options.db.select().from(agentCards).orderBy(asc(agentCards.name));
    return rows.map(rowToCard);
  }
}

async function removeDraft(tx: Parameters<Parameters<Db['transaction']>[0]>[0], draft: PublishedDraft) {
  if (!(await cardDrafts.remove(tx, draft.name, draft.revision)))
    throw new ConflictError(`The draft of ${draft.name} was changed or discarded since you opened it`, {
      details: { field: 'expectedRevision' },
    });
}

async function renameReferences(tx: Parameters<Parameters<Db['transaction']>[0]>[0], from: string, to: string) {
  await tx.execute(sql`update agent_cards set handoffs = (
      select coalesce(jsonb_agg(case when h = ${from} then ${to} else h end), '[]'::jsonb)
      from jsonb_array_elements_text(handoffs) as h)
    where handoffs ? ${from}::text`);
}

function uniqueViolation(err: unknown, name: string): ValidationError | undefined {
  const code =
    (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  return code === '23505' ? ValidationError.single('input.name', `an agent named "${name}" already exists`) : undefined;
}

export function rowToCard(row: AgentCardRow): AgentCard {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    skills: row.skills,
    instructions: row.instructions,
    tools: row.tools,
    handoffs: row.handoffs,
    enabled: row.enabled,
    model: row.model,
    maxSteps: row.maxSteps,
    builtin: row.builtin,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
