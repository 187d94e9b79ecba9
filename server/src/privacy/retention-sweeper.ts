import { and, asc, lt, notExists, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { conversationOwners, conversations, erasedEvents, runs } from '../db/schema/index.js';
import type { Logger } from '../logger.js';
import { rowsOf } from '../store/sql-rows.js';
import { conversationTables } from './personal-data-tables.js';

/** Erased events' positions forgotten per statement. */
const PRUNE_BATCH = 10_000;

export interface RetentionOptions {
  /** Conversations idle this many days are purged once ended; 0 turns the sweeper off. */
  days: number;
  /** How often each replica sweeps. */
  sweepMs: number;
  /** Conversations purged per transaction. */
  batchSize?: number;
}

export interface RetentionDeps {
  db: Db;
  logger: Logger;
  /** Called after each batch commits with the conversations it deleted (token memos, caches). */
  onConversationsDeleted(ids: readonly string[]): void;
}

/**
 * RETENTION_DAYS: purges conversations that have ended, with their events, runs, sessions, hand-off
 * state, webhook deliveries and rate-limit rows. Ended means no activity (no event) for that many days,
 * no run waiting or in flight, and no person owning or awaited. Every replica sweeps on a schedule;
 * each batch locks its conversations with SKIP LOCKED, so replicas share the work and never do it twice.
 */
export class RetentionSweeper {
  private timers: NodeJS.Timeout[] = [];
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly deps: RetentionDeps,
    private readonly options: RetentionOptions,
  ) {}

  get enabled(): boolean {
    return this.options.days > 0;
  }

  start(): void {
    if (!this.enabled) return;
    const run = () => void this.sweep().catch((err) => this.deps.logger.error({ err }, 'retention sweep failed'));
    // Replicas started together do not all sweep at the same instant.
    this.timers.push(setTimeout(run, Math.random() * this.options.sweepMs).unref());
    this.timers.push(setInterval(run, this.options.sweepMs).unref());
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /** Purges batch after batch until nothing this replica can lock is left; returns how many it purged. */
  sweep(): Promise<number> {
    if (!this.enabled) return Promise.resolve(0);
    this.sweeping ??= this.sweepAll().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepAll(): Promise<number> {
    let purged = 0;
    for (;;) {
      const ids = await this.purgeBatch();
      purged += ids.length;
      if (ids.length < (this.options.batchSize ?? 100)) break;
    }
    if (purged) this.deps.logger.info({ purged, retentionDays: this.options.days }, 'retention: conversations purged');
    await this.pruneErasedPositions();
    return purged;
  }

  /**
   * Forgets the feed positions of events erased more than RETENTION_DAYS ago (erased_events): a cursor
   * that old is refused with VALIDATION_FAILED like an unknown id. Batches keep each transaction short,
   * since an open transaction holds the integrator feed's horizon.
   */
  async pruneErasedPositions(): Promise<number> {
    let pruned = 0;
    for (;;) {
      const [row] = rowsOf<{ n: number }>(
        await this.deps.db.execute(sql`with gone as (
          delete from ${erasedEvents} where ${erasedEvents.id} in (
            select id from ${erasedEvents}
            where ${erasedEvents.erasedAt} < now() - make_interval(days => ${this.options.days}::int)
            limit ${PRUNE_BATCH}::int)
          returning 1) select count(*)::int as n from gone`),
      );
      const n = Number(row?.n ?? 0);
      pruned += n;
      if (n < PRUNE_BATCH) return pruned;
    }
  }

  /** One transaction: lock up to a batch of ended conversations (skipping ones another replica holds), delete them. */
  async purgeBatch(): Promise<string[]> {
    const ids = await this.deps.db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            lt(conversations.updatedAt, sql`now() - make_interval(days => ${this.options.days}::int)`),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(runs)
                .where(
                  and(
                    sql`${runs.conversationId} = ${conversations.id}`,
                    sql`${runs.status} in ('PENDING', 'RUNNING', 'PAUSED')`,
                  ),
                ),
            ),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(conversationOwners)
                .where(
                  and(
                    sql`${conversationOwners.conversationId} = ${conversations.id}`,
                    sql`${conversationOwners.state} in ('WAITING_FOR_HUMAN', 'HUMAN')`,
                  ),
                ),
            ),
          ),
        )
        .orderBy(asc(conversations.updatedAt))
        .limit(this.options.batchSize ?? 100)
        .for('update', { skipLocked: true });
      const locked = rows.map((r) => r.id);
      if (!locked.length) return locked;
      await conversationTables.webhookDeliveries(tx, locked);
      await conversationTables.events(tx, locked);
      await conversationTables.rateLimits(tx, locked);
      await conversationTables.conversations(tx, locked);
      return locked;
    });
    this.deps.onConversationsDeleted(ids);
    return ids;
  }
}
