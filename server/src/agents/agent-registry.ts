import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type AgentCardRow, agentCards, removedBuiltinCards } from '../db/schema/agents.js';
import { type AgentCard, type AgentCardInput, agentCardInputSchema } from '../domain/agent-card.js';
import { ConflictError, issuesFromStandard, NotFoundError, ValidationError } from '../errors.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import {
  type BuiltinDecline,
  builtinCardStatus,
  builtinContentHash,
  checkReviewedOffer,
  forgetDecline,
  recordDecline,
  standingDeclines,
  upgradeNote,
} from './builtin-upgrade.js';
import { cardDrafts } from './card-drafts.js';
import { cardInput, cardVersions } from './card-versions.js';
import { formerBuiltinCards } from './former-builtin-cards.js';

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

  /**
   * Deletes a card and removes it from other cards' hand-offs, in one transaction. A built-in card is remembered as
   * deleted, so that the seed at the next start does not bring it back.
   */
  async delete(name: string, defaultAgent: string, author = 'unknown'): Promise<AgentCard> {
    const current = await this.require(name);
    if (name === defaultAgent)
      throw new ConflictError(`${name} is the default agent; choose another default in settings first`, {
        details: { field: 'name' },
      });
    await this.options.db.transaction(async (tx) => {
      await tx.delete(agentCards).where(eq(agentCards.id, current.id));
      if (current.builtin)
        await tx
          .insert(removedBuiltinCards)
          .values({ name, removedBy: author })
          .onConflictDoUpdate({ target: removedBuiltinCards.name, set: { removedBy: author, removedAt: sql`now()` } });
      await tx.execute(sql`update agent_cards set handoffs = handoffs - ${name}::text,
        version = version + 1, updated_at = now() where handoffs ? ${name}::text`);
    });
    this.changed(current);
    return current;
  }

  /**
   * Brings the built-in cards up to this release, on every start (the seed): inserts missing ones,
   * upgrades each the shop never edited (a version by `upgrade`), and leaves each it edited, naming those
   * with a new built-in content on offer (builtinUpdates) unless the shop declined it. One transaction under a lock: replicas that
   * start together upgrade once.
   */
  async ensure(cards: AgentCardInput[]): Promise<EnsureResult> {
    const result = await this.options.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${BUILTIN_LOCK})`);
      const removed = new Set(
        (await tx.select({ name: removedBuiltinCards.name }).from(removedBuiltinCards)).map((r) => r.name),
      );
      const missing = cards.filter((c) => !removed.has(c.name));
      const inserted = missing.length
        ? await tx
            .insert(agentCards)
            .values(missing.map((c) => ({ ...c, builtin: true })))
            .onConflictDoNothing({ target: agentCards.name })
            .returning()
        : [];
      for (const row of inserted) await cardVersions.record(tx, rowToCard(row), 'seed');
      const upgraded: string[] = [];
      const offered: string[] = [];
      const declined = await cardDeclines(tx, cards);
      for (const { card, base, builtin, status } of await builtinStates(tx, cards)) {
        // A card from before card versions that has this release's content: recorded as Baton's, so the next
        // release can tell it was never edited.
        if (status === 'current' && !base) await cardVersions.record(tx, card, 'seed');
        if (status === 'offer' && !declined.has(card.name)) offered.push(card.name);
        if (status !== 'upgrade') continue;
        await writeBuiltin(tx, card, builtin, card.version, 'upgrade', upgradeNote(base!, builtin));
        upgraded.push(card.name);
      }
      return { inserted: inserted.map((r) => r.name), upgraded, offered };
    });
    if (result.inserted.length || result.upgraded.length) this.changed(undefined);
    return result;
  }

  /**
   * The built-in cards the shop edited that have a new built-in content on offer; with `includeDeclined`, also
   * those whose offer the shop declined (declineBuiltinUpdate), marked `declined`.
   */
  async builtinUpdates(cards: AgentCardInput[], options: { includeDeclined?: boolean } = {}): Promise<BuiltinUpdate[]> {
    return offers(this.options.db, cards, options.includeDeclined ?? false);
  }

  /**
   * Replaces an edited built-in card by its new built-in content (what builtinUpdates offers), as a new
   * version by `upgrade` that names who applied it. With `expectedVersion`, a concurrent edit is refused.
   */
  async applyBuiltinUpdate(
    name: string,
    cards: AgentCardInput[],
    author: string,
    expectedVersion?: number,
    /** The `offer` the designer reviewed: another is a CONFLICT. */
    offer?: string,
  ): Promise<AgentCard> {
    const update = (await this.builtinUpdates(cards, { includeDeclined: true })).find((u) => u.card.name === name);
    if (!update) throw ValidationError.single('name', `${name} has no built-in update on offer`);
    const { card, base, builtin } = update;
    checkReviewedOffer(offer, builtinContentHash(builtin), name);
    const note = `${upgradeNote(base ?? cardInput(card), builtin)} (applied by ${author})`;
    const saved = await this.options.db.transaction(async (tx) => {
      const saved = await writeBuiltin(tx, card, builtin, expectedVersion ?? card.version, 'upgrade', note);
      await forgetDecline(tx, 'card', name);
      return saved;
    });
    return this.changed(saved);
  }

  /**
   * Declines an edited built-in card's update ("Keep mine"): the card stays as it is, and this release's content
   * is no longer offered (nor logged at start), on every replica; a later release that changes the card again
   * offers its content. With `expectedVersion`, a card saved since the designer reviewed the offer is a CONFLICT.
   */
  async declineBuiltinUpdate(
    name: string,
    cards: AgentCardInput[],
    author: string,
    expectedVersion?: number,
    /** The `offer` the designer reviewed: another is a CONFLICT. */
    offer?: string,
  ): Promise<BuiltinDecline> {
    if (!cards.some((c) => c.name === name))
      throw new NotFoundError(`No built-in card named ${name}`, { details: { field: 'name' } });
    return this.options.db.transaction(async (tx) => {
      // Locks the card: an edit or an apply that commits first makes this a CONFLICT, one that waits sees the decline.
      const [row] = await tx.select().from(agentCards).where(eq(agentCards.name, name)).for('update');
      const update = row && (await offers(tx, cards, true)).find((u) => u.card.name === name);
      if (!update) throw ValidationError.single('name', `${name} has no built-in update on offer`);
      checkReviewedOffer(offer, builtinContentHash(update.builtin), name);
      if (expectedVersion !== undefined && update.card.version !== expectedVersion)
        throw new ConflictError(`${name} was changed by someone else since you opened it`, {
          details: { field: 'expectedVersion', currentVersion: update.card.version },
        });
      return recordDecline(tx, 'card', name, builtinContentHash(update.builtin), author);
    });
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

/** Serialises the built-in upgrade when several replicas start at once. */
const BUILTIN_LOCK = 0x0ba7_0004;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** What a start did to the built-in cards, by name. */
export interface EnsureResult {
  inserted: string[];
  upgraded: string[];
  /** Edited by the shop, with a new built-in content on offer. */
  offered: string[];
}

/** An edited built-in card, the content Baton last wrote to it (undefined: before card versions), and this release's. */
export interface BuiltinUpdate {
  card: AgentCard;
  base: AgentCardInput | undefined;
  builtin: AgentCardInput;
  /** Set when the shop declined this content (listed only on request). */
  declined?: BuiltinDecline;
}

/** The declines of the built-in cards that still stand: made against this release's content. */
function cardDeclines(db: Tx | Db, cards: AgentCardInput[]) {
  return standingDeclines(db, 'card', (name) => {
    const card = cards.find((c) => c.name === name);
    return card && builtinContentHash(card);
  });
}

async function offers(db: Tx | Db, cards: AgentCardInput[], includeDeclined: boolean): Promise<BuiltinUpdate[]> {
  const declined = await cardDeclines(db, cards);
  return (await builtinStates(db, cards)).flatMap(({ card, base, builtin, status }) => {
    const decline = declined.get(card.name);
    if (status !== 'offer' || (decline && !includeDeclined)) return [];
    return [decline ? { card, base, builtin, declined: decline } : { card, base, builtin }];
  });
}

async function builtinStates(db: Tx | Db, cards: AgentCardInput[]) {
  const rows = await db
    .select()
    .from(agentCards)
    .where(
      and(
        eq(agentCards.builtin, true),
        inArray(
          agentCards.name,
          cards.map((c) => c.name),
        ),
      ),
    );
  const states = [];
  for (const row of rows) {
    const card = rowToCard(row);
    const builtin = cards.find((c) => c.name === card.name)!;
    const base = (await cardVersions.lastBuiltin(db, card.id)) ?? formerBuiltin(card);
    states.push({ card, base, builtin, status: builtinCardStatus(cardInput(card), base, builtin) });
  }
  return states;
}

/** A card from before card versions whose content an earlier release seeded: that content is its base. */
function formerBuiltin(card: AgentCard): AgentCardInput | undefined {
  const content = cardInput(card);
  return formerBuiltinCards[card.name]?.includes(builtinContentHash(content)) ? content : undefined;
}

/** Writes a built-in content over a card (keeping whether it is enabled) as a new version. */
async function writeBuiltin(
  tx: Tx,
  current: AgentCard,
  builtin: AgentCardInput,
  expectedVersion: number,
  author: string,
  note: string,
): Promise<AgentCard> {
  const [row] = await tx
    .update(agentCards)
    .set({ ...builtin, enabled: current.enabled, version: sql`${agentCards.version} + 1`, updatedAt: new Date() })
    .where(and(eq(agentCards.id, current.id), eq(agentCards.version, expectedVersion)))
    .returning();
  if (!row)
    throw new ConflictError(`${current.name} was changed by someone else since you opened it`, {
      details: { field: 'expectedVersion', currentVersion: current.version },
    });
  await cardVersions.record(tx, current, 'before history');
  const saved = rowToCard(row);
  await cardVersions.record(tx, saved, author, note);
  return saved;
}

async function removeDraft(tx: Tx, draft: PublishedDraft) {
  if (!(await cardDrafts.remove(tx, draft.name, draft.revision)))
    throw new ConflictError(`The draft of ${draft.name} was changed or discarded since you opened it`, {
      details: { field: 'expectedRevision' },
    });
}

async function renameReferences(tx: Tx, from: string, to: string) {
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
