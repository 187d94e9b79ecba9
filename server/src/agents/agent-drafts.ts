import type { Db } from '../db/client.js';
import type { AgentCard } from '../domain/agent-card.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { AgentRegistry } from './agent-registry.js';
import { type CardDraft, cardDrafts } from './card-drafts.js';
import { cardInput } from './card-versions.js';

/** Which drafts a run or an experiment uses: the named ones, or every draft there is. */
export type DraftSelection = { names: string[] } | 'all';

/** Who saves, and which draft revision they opened (0: they saw no draft; undefined: no check). */
export interface DraftSave {
  author: string;
  expectedRevision?: number;
  /**
   * The published version the edits start from, checked when they start a new draft; when publishing,
   * the version the draft replaces (by default the one it started from).
   */
  expectedVersion?: number;
}

const isUniqueViolation = (err: unknown) =>
  [err, (err as { cause?: unknown })?.cause].some((e) => (e as { code?: string } | undefined)?.code === '23505');

/**
 * Card drafts: one working copy per card, or a new card that exists only as a draft. Live traffic
 * reads only AgentRegistry's published cards; a draft reaches a run only when staff start a
 * conversation or an experiment against it (`cards`). Publishing is a registry save that removes the
 * draft in the same transaction, so every replica's cache follows through the registry's announcement.
 * Drafts are not cached: every replica reads them from the database.
 */
export class AgentDrafts {
  /** The drafts read in flight, shared by `find` calls that start meanwhile (not a cache: dropped once read). */
  private reading?: Promise<CardDraft[]>;

  constructor(private readonly options: { db: Db; registry: AgentRegistry }) {}

  /**
   * A card's draft for read paths that ask for many cards at once (Agent.draft over the cards list):
   * the lookups that start while one read runs share it, so a list costs one query, not one per card.
   */
  async find(name: string): Promise<CardDraft | undefined> {
    this.reading ??= this.list().finally(() => {
      this.reading = undefined;
    });
    return (await this.reading).find((d) => d.name === name);
  }

  list(): Promise<CardDraft[]> {
    return cardDrafts.list(this.options.db);
  }

  get(name: string): Promise<CardDraft | undefined> {
    return cardDrafts.get(this.options.db, name);
  }

  async require(name: string): Promise<CardDraft> {
    const draft = await this.get(name);
    if (!draft) throw new NotFoundError(`${name} has no draft`, { details: { field: 'name' } });
    return draft;
  }

  /**
   * Saves the given fields into the card's draft, starting one from the published card if it has none.
   * A draft keeps its card's name: renaming is a published change (updateAgent).
   */
  async save(name: string, patch: Record<string, unknown>, by: DraftSave): Promise<CardDraft> {
    const { db, registry } = this.options;
    const [published, existing, all] = await Promise.all([registry.get(name), this.get(name), this.list()]);
    if (!published && !existing)
      throw new NotFoundError(`No agent or draft named ${name}`, { details: { field: 'name' } });
    if (typeof patch.name === 'string' && patch.name.trim() !== name)
      throw ValidationError.single('input.name', 'a draft keeps its card’s name: rename the published card instead');
    checkRevision(name, existing, by.expectedRevision);
    if (!existing && published && by.expectedVersion !== undefined && published.version !== by.expectedVersion)
      throw new ConflictError(`${name} was changed by someone else since you opened it`, {
        details: { field: 'expectedVersion', currentVersion: published.version },
      });
    const base = existing?.card ?? cardInput(published!);
    const merged = Object.fromEntries(
      Object.entries({ ...base, ...patch, name }).filter(([, v]) => v !== undefined && v !== null),
    );
    const card = await registry.validate(merged, 'input', { selfName: name, alsoNames: all.map((d) => d.name) });
    try {
      const saved = existing
        ? await cardDrafts.update(db, existing.id, by.expectedRevision, { card, author: by.author })
        : await cardDrafts.insert(db, {
            name,
            agentId: published!.id,
            card,
            baseVersion: published!.version,
            author: by.author,
          });
      if (!saved) throw conflict(name, await this.get(name));
      return saved;
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(name, await this.get(name));
      throw err;
    }
  }

  /** Starts a new card as a draft only: the planner and live traffic do not see it until it is published. */
  async create(input: unknown, author: string): Promise<CardDraft> {
    const { db, registry } = this.options;
    const all = await this.list();
    const card = await registry.validate(input, 'input', { alsoNames: all.map((d) => d.name) });
    if ((await registry.get(card.name)) || all.some((d) => d.name === card.name))
      throw ValidationError.single('input.name', `an agent or draft named "${card.name}" already exists`);
    try {
      return await cardDrafts.insert(db, { name: card.name, agentId: null, card, baseVersion: null, author });
    } catch (err) {
      if (isUniqueViolation(err))
        throw ValidationError.single('input.name', `an agent or draft named "${card.name}" already exists`);
      throw err;
    }
  }

  /**
   * Publishes the draft as the card's next version (or creates the card, for a draft-only one) and
   * removes the draft, in one transaction. Hand-off targets must be published by then.
   */
  async publish(name: string, by: DraftSave & { note?: string }): Promise<AgentCard> {
    const { registry } = this.options;
    const draft = await this.require(name);
    checkRevision(name, draft, by.expectedRevision);
    const note = by.note ?? `published draft (revision ${draft.revision})`;
    const publishing = { name, revision: draft.revision };
    const published = await registry.get(name);
    if (!published) return registry.create(draft.card, by.author, { note, draft: publishing });
    // The draft holds every field as of its base version: publishing it over a version published since
    // would silently undo that change. It replaces the version it started from, or the one named.
    const replaces = by.expectedVersion ?? draft.baseVersion ?? published.version;
    if (published.version !== replaces)
      throw new ConflictError(
        by.expectedVersion === undefined
          ? `${name} was published as version ${published.version} after this draft started from version ${replaces}: publishing the draft would undo that change. Review it, then publish with expectedVersion ${published.version} to replace it, or discard the draft`
          : `${name} was changed by someone else since you opened it`,
        { details: { field: 'expectedVersion', currentVersion: published.version, baseVersion: draft.baseVersion } },
      );
    return registry.update(name, { ...draft.card }, replaces, { author: by.author, note, draft: publishing });
  }

  /** Drops the draft; the published card (if any) is unchanged. */
  async discard(name: string, expectedRevision?: number): Promise<CardDraft> {
    const removed = await cardDrafts.remove(this.options.db, name, expectedRevision || undefined);
    if (removed) return removed;
    const current = await this.require(name);
    throw conflict(name, current);
  }

  /**
   * The cards a run against drafts sees: the published cards with the selected drafts in their place,
   * and the selected cards that exist only as drafts. A named draft that no longer exists (published or
   * discarded) leaves the published card.
   */
  async cards(selection: DraftSelection): Promise<AgentCard[]> {
    const [published, drafts] = await Promise.all([this.options.registry.list(), this.list()]);
    const wanted = selection === 'all' ? drafts : drafts.filter((d) => selection.names.includes(d.name));
    const byName = new Map(wanted.map((d) => [d.name, d]));
    const cards = published.map((c) => {
      const d = byName.get(c.name);
      return d ? draftAsCard(d, c) : c;
    });
    const draftOnly = wanted.filter((d) => !d.agentId).map((d) => draftAsCard(d));
    return [...cards, ...draftOnly].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The enabled cards of `cards(selection)`. */
  async enabled(selection: DraftSelection): Promise<AgentCard[]> {
    return (await this.cards(selection)).filter((c) => c.enabled);
  }

  /** Checks that every named draft exists (field: e.g. `input.useDrafts`); `all` is every current draft. */
  async resolve(selection: DraftSelection, field: string): Promise<CardDraft[]> {
    const drafts = await this.list();
    if (selection === 'all') {
      if (!drafts.length) throw ValidationError.single(field, 'there are no drafts to run against');
      return drafts;
    }
    const issues = selection.names.flatMap((n, i) =>
      drafts.some((d) => d.name === n) ? [] : [{ field: `${field}.${i}`, message: `no draft named "${n}"` }],
    );
    if (issues.length) throw new ValidationError(issues);
    return drafts.filter((d) => selection.names.includes(d.name));
  }
}

/** A draft as a card: a draft-only card has no published id (the draft's stands in) and version 0. */
export function draftAsCard(d: CardDraft, published?: AgentCard): AgentCard {
  return published
    ? { ...published, ...d.card, name: published.name }
    : { ...d.card, id: d.id, builtin: false, version: 0, createdAt: d.createdAt, updatedAt: d.updatedAt };
}

function checkRevision(name: string, draft: CardDraft | undefined, expected: number | undefined): void {
  if (expected !== undefined && (draft?.revision ?? 0) !== expected) throw conflict(name, draft);
}

function conflict(name: string, current: CardDraft | undefined): ConflictError {
  return new ConflictError(
    current
      ? `The draft of ${name} was saved by ${current.author} since you opened it`
      : `The draft of ${name} was published or discarded since you opened it`,
    { details: { field: 'expectedRevision', currentRevision: current?.revision ?? 0 } },
  );
}
