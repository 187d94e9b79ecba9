import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/client.js';
import { RateLimitedError } from '../errors.js';
import { rowsOf } from '../store/sql-rows.js';
import { connectionKey } from './connection-limit.js';
import { slidingWindow, type WindowDecision } from './sliding-window.js';

/** One bucket to count a request against. */
export interface RateLimitHit {
  bucket: string;
  rule: RateLimitRule;
  /** What is limited, for the refusal's message ("requests", "messages in this conversation"). */
  what: string;
}

export interface RateLimitRule {
  /** Requests allowed per window; 0 turns the rule off. */
  limit: number;
  windowSeconds: number;
}

/**
 * Rate limits shared by every replica: each bucket is a row in `rate_limits`, counted with one upsert
 * per check. The table is unlogged: counting waits for no WAL flush, and a database crash resets the
 * counters. Refused requests count too, so a client that keeps hammering stays refused until it slows
 * down.
 *
 * On PGlite, the process is the only one that can open the database, so the counts are kept in it
 * (ProcessCounts, shared by every limiter on that database) and written to `rate_limits` behind the
 * requests, in one statement every FLUSH_MS: the same decisions, without two round trips to PGlite's
 * thread on every message. A restart of the process resets its counts.
 */
export class RateLimiter {
  private pruneTimer?: NodeJS.Timeout;

  private readonly db: Db;
  private readonly local?: ProcessCounts;

  constructor(
    private readonly database: Pick<Database, 'db' | 'query'> & Partial<Pick<Database, 'kind'>>,
    private readonly limits: Config['rateLimits'],
  ) {
    this.db = database.db;
    if (database.kind === 'pglite') this.local = ProcessCounts.of(database);
  }

  /** PGlite: writes the counts still held only in the process to `rate_limits` (before reading the table). */
  async flush(): Promise<void> {
    await this.local?.flush();
  }

  /** Erased or purged conversations: their buckets go from the process too. */
  forget(conversationIds: readonly string[]): void {
    this.local?.forget(conversationIds);
  }

  /**
   * Counts every hit, in one statement per window length (one in practice); throws RateLimitedError
   * for the first hit over its limit. Each hit counts even when another is refused.
   */
  async consumeAll(hits: readonly RateLimitHit[]): Promise<void> {
    const refused = (await this.count(this.active(hits))).find((h) => !h.decision.allowed);
    if (refused) throw refusalOf(refused.hit, refused.decision);
  }

  /** The request limit of the caller (none for anonymous callers or with the rule off). */
  private requestHits(principal: Principal): RateLimitHit[] {
    const subject = subjectOf(principal);
    if (!subject) return [];
    return this.active([
      { bucket: `${subject}:requests`, rule: this.rule(this.limits.requestsPerKey), what: 'requests' },
    ]);
  }

  /** Every request made with an API key (or a conversation token, which counts as its own key). */
  async checkRequest(principal: Principal): Promise<void> {
    await this.consumeAll(this.requestHits(principal));
  }

  /**
   * A request with no or invalid credentials, counted against its client address (an IPv6 client's /64,
   * which one host usually holds whole, as the connection cap counts it). Returns the refusal
   * (message and seconds to wait) over the limit, undefined otherwise.
   */
  async checkAddress(address: string): Promise<{ message: string; retryAfter: number } | undefined> {
    const [hit] = this.active([
      {
        bucket: `address:${connectionKey(address)}:unauthenticated`,
        rule: this.rule(this.limits.unauthenticatedPerAddress),
        what: 'requests without valid credentials from this address',
      },
    ]);
    if (!hit) return undefined;
    const [counted] = await this.count([hit]);
    if (counted!.decision.allowed) return undefined;
    const err = refusalOf(hit, counted!.decision);
    return { message: err.message, retryAfter: counted!.decision.retryAfterSeconds };
  }

  /** sendMessage: per conversation, and per key when a key sends it. */
  async checkMessage(principal: Principal, conversationId: string): Promise<void> {
    await this.consumeAll(
      this.active([
        {
          bucket: `conversation:${conversationId}:messages`,
          rule: this.rule(this.limits.messagesPerConversation),
          what: 'messages in this conversation',
        },
        ...(principal.kind === 'key'
          ? [
              {
                bucket: `key:${principal.keyId}:messages`,
                rule: this.rule(this.limits.messagesPerKey),
                what: 'messages for this key',
              },
            ]
          : []),
      ]),
    );
  }

  /** Prunes idle buckets every few windows, in the background, until stop(). */
  start(onError: (err: unknown) => void): void {
    const every = Math.max(this.limits.windowSeconds * 5_000, 60_000);
    this.pruneTimer = setInterval(() => void this.prune().catch(onError), every).unref();
  }

  stop(): void {
    clearInterval(this.pruneTimer);
  }

  /** Deletes buckets idle for two windows or more (they would count as empty anyway). */
  async prune(): Promise<number> {
    const seconds = this.limits.windowSeconds * 2;
    this.local?.prune(seconds);
    const rows = rowsOf<{ bucket: string }>(
      await this.db.execute(
        sql`delete from rate_limits where window_start < now() - make_interval(secs => ${seconds}::int) returning bucket`,
      ),
    );
    return rows.length;
  }

  /** One upsert: moves the bucket to the current window (carrying the last window's count) and counts. */
  async hit(bucket: string, rule: RateLimitRule): Promise<WindowDecision> {
    const [counted] = await this.count([{ bucket, rule, what: 'requests' }]);
    return counted!.decision;
  }

  /** Counts hits, one upsert statement per window length; buckets in a fixed order, so concurrent upserts never deadlock. */
  private async count(hits: readonly RateLimitHit[]): Promise<{ hit: RateLimitHit; decision: WindowDecision }[]> {
    if (!hits.length) return [];
    const byWindow = new Map<number, RateLimitHit[]>();
    for (const hit of hits)
      byWindow.set(hit.rule.windowSeconds, [...(byWindow.get(hit.rule.windowSeconds) ?? []), hit]);
    const counted: { hit: RateLimitHit; decision: WindowDecision }[] = [];
    for (const [windowSeconds, group] of byWindow) {
      const sorted = [...group].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
      const rows = this.local
        ? sorted.map((h) => this.local!.count(h.bucket, windowSeconds))
        : await this.countInTable(windowSeconds, sorted);
      const byBucket = new Map(rows.map((row) => [row.bucket, row]));
      for (const hit of group) {
        const row = byBucket.get(hit.bucket)!;
        const decision = slidingWindow(
          {
            count: Number(row.count),
            previousCount: Number(row.previous_count),
            elapsedSeconds: Number(row.elapsed),
            windowSeconds,
          },
          hit.rule.limit,
        );
        counted.push({ hit, decision });
      }
    }
    // In the callers' order: the first refused hit is the one reported.
    return hits.map((hit) => counted.find((c) => c.hit === hit)!);
  }

  /** One upsert: moves each bucket to the current window (carrying the last window's count) and counts. */
  private countInTable(windowSeconds: number, sorted: readonly RateLimitHit[]): Promise<BucketCount[]> {
    return this.database.query<BucketCount>(
      `insert into rate_limits as r (bucket, window_start, count, previous_count)
        select b.bucket, to_timestamp(floor(extract(epoch from now()) / $1::int) * $1::int), 1, 0
        from (values ${sorted.map((_, i) => `($${i + 2}::text)`).join(', ')}) as b(bucket)
        on conflict (bucket) do update set
          previous_count = case
            when r.window_start = excluded.window_start then r.previous_count
            when r.window_start = excluded.window_start - make_interval(secs => $1::int) then r.count
            else 0 end,
          count = case when r.window_start = excluded.window_start then r.count + 1 else 1 end,
          window_start = excluded.window_start
        returning bucket, count, previous_count, extract(epoch from now() - window_start)::float8 as elapsed`,
      [windowSeconds, ...sorted.map((h) => h.bucket)],
    );
  }

  private active(hits: readonly RateLimitHit[]): RateLimitHit[] {
    return hits.filter((h) => h.rule.limit > 0);
  }

  private rule(limit: number): RateLimitRule {
    return { limit, windowSeconds: this.limits.windowSeconds };
  }
}

function refusalOf(hit: RateLimitHit, decision: WindowDecision): RateLimitedError {
  return new RateLimitedError(
    `Too many ${hit.what}: the limit is ${hit.rule.limit} per ${hit.rule.windowSeconds} s. Try again in ${decision.retryAfterSeconds} s.`,
    decision.retryAfterSeconds,
  );
}

function subjectOf(principal: Principal): string | undefined {
  if (principal.kind === 'key') return `key:${principal.keyId}`;
  if (principal.kind === 'conversation') return `conversation:${principal.conversationId}`;
  return undefined;
}

/** A bucket's counts as the upsert returns them. */
interface BucketCount {
  bucket: string;
  count: number;
  previous_count: number;
  /** Seconds since the current window started. */
  elapsed: number;
}

/** How long counts kept in the process wait before they are written to `rate_limits`. */
const FLUSH_MS = 200;

/**
 * The counts of a PGlite database's buckets, kept in the process that holds the database: the
 * upsert's arithmetic in memory, written behind (every FLUSH_MS, one statement for every bucket that
 * changed). Erasure and export read the table; `flush` brings it up to date first, and a bucket of a
 * conversation that no longer exists is never written back.
 */
class ProcessCounts {
  private static readonly byDatabase = new WeakMap<object, ProcessCounts>();
  private readonly buckets = new Map<string, { windowStart: number; count: number; previousCount: number }>();
  private readonly dirty = new Set<string>();
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly database: Pick<Database, 'query'>) {}

  /** One per database: every limiter on it (app instances sharing it in tests) shares the counts. */
  static of(database: Pick<Database, 'db' | 'query'>): ProcessCounts {
    let counts = ProcessCounts.byDatabase.get(database.db);
    if (!counts) {
      counts = new ProcessCounts(database);
      ProcessCounts.byDatabase.set(database.db, counts);
    }
    return counts;
  }

  count(bucket: string, windowSeconds: number): BucketCount {
    const now = Date.now() / 1_000;
    const windowStart = Math.floor(now / windowSeconds) * windowSeconds;
    const held = this.buckets.get(bucket);
    const next =
      held?.windowStart === windowStart
        ? { windowStart, count: held.count + 1, previousCount: held.previousCount }
        : { windowStart, count: 1, previousCount: held?.windowStart === windowStart - windowSeconds ? held.count : 0 };
    this.buckets.set(bucket, next);
    this.dirty.add(bucket);
    this.timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_MS);
    this.timer.unref?.();
    return { bucket, count: next.count, previous_count: next.previousCount, elapsed: now - windowStart };
  }

  /** Writes the changed buckets; resolves once everything counted before the call is in the table. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = [...this.dirty].flatMap((bucket) => {
      const b = this.buckets.get(bucket);
      return b ? [{ bucket, window_start: b.windowStart, count: b.count, previous_count: b.previousCount }] : [];
    });
    this.dirty.clear();
    if (!rows.length) return this.writing;
    this.writing = this.writing
      .catch(() => {})
      .then(async () => {
        await this.database.query(
          `insert into rate_limits as r (bucket, window_start, count, previous_count)
          select x.bucket, to_timestamp(x.window_start), x.count, x.previous_count
          from jsonb_to_recordset($1::text::jsonb) as x(bucket text, window_start float8, count int, previous_count int)
          where x.bucket not like 'conversation:%'
            or exists (select 1 from conversations c where c.id::text = split_part(x.bucket, ':', 2))
          on conflict (bucket) do update set
            window_start = excluded.window_start, count = excluded.count, previous_count = excluded.previous_count`,
          [JSON.stringify(rows)],
        );
      });
    return this.writing;
  }

  forget(conversationIds: readonly string[]): void {
    const ids = new Set(conversationIds);
    for (const bucket of this.buckets.keys()) {
      const [kind, id] = bucket.split(':', 2);
      if (kind === 'conversation' && id && ids.has(id)) {
        this.buckets.delete(bucket);
        this.dirty.delete(bucket);
      }
    }
  }

  /** Drops buckets idle for `idleSeconds` or more, as the table's prune does. */
  prune(idleSeconds: number): void {
    const cutoff = Date.now() / 1_000 - idleSeconds;
    for (const [bucket, b] of this.buckets) if (b.windowStart < cutoff) this.buckets.delete(bucket);
  }
}
