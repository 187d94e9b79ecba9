import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/client.js';
import { RateLimitedError } from '../errors.js';
import { rowsOf } from '../store/sql-rows.js';
import { slidingWindow, type WindowDecision } from './sliding-window.js';

export interface RateLimitRule {
  /** Requests allowed per window; 0 turns the rule off. */
  limit: number;
  windowSeconds: number;
}

/**
 * Rate limits shared by every replica: each bucket is a row in `rate_limits`, counted with one upsert
 * per check (the same SQL on PGlite and PostgreSQL). The table is unlogged: counting waits for no WAL
 * flush, and a database crash resets the counters. Refused requests count too, so a client that keeps
 * hammering stays refused until it slows down.
 */
export class RateLimiter {
  private pruneTimer?: NodeJS.Timeout;

  private readonly db: Db;

  constructor(
    private readonly database: Pick<Database, 'db' | 'query'>,
    private readonly limits: Config['rateLimits'],
  ) {
    this.db = database.db;
  }

  /** Counts one request against `bucket`; throws RateLimitedError (with retryAfter seconds) when over. */
  async consume(bucket: string, rule: RateLimitRule, what: string): Promise<void> {
    if (rule.limit <= 0) return;
    const decision = await this.hit(bucket, rule);
    if (!decision.allowed)
      throw new RateLimitedError(
        `Too many ${what}: the limit is ${rule.limit} per ${rule.windowSeconds} s. Try again in ${decision.retryAfterSeconds} s.`,
        decision.retryAfterSeconds,
      );
  }

  /** Every request made with an API key (or a conversation token, which counts as its own key). */
  async checkRequest(principal: Principal): Promise<void> {
    const subject = subjectOf(principal);
    if (!subject) return;
    await this.consume(`${subject}:requests`, this.rule(this.limits.requestsPerKey), 'requests');
  }

  /** sendMessage: per conversation, and per key when a key sends it. */
  async checkMessage(principal: Principal, conversationId: string): Promise<void> {
    await this.consume(
      `conversation:${conversationId}:messages`,
      this.rule(this.limits.messagesPerConversation),
      'messages in this conversation',
    );
    if (principal.kind === 'key')
      await this.consume(
        `key:${principal.keyId}:messages`,
        this.rule(this.limits.messagesPerKey),
        'messages for this key',
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
    const rows = rowsOf<{ bucket: string }>(
      await this.db.execute(
        sql`delete from rate_limits where window_start < now() - make_interval(secs => ${seconds}::int) returning bucket`,
      ),
    );
    return rows.length;
  }

  /** One upsert: moves the bucket to the current window (carrying the last window's count) and counts. */
  async hit(bucket: string, rule: RateLimitRule): Promise<WindowDecision> {
    const [row] = await this.database.query<{ count: number; previous_count: number; elapsed: number }>(
      `insert into rate_limits as r (bucket, window_start, count, previous_count)
      values ($1::text, to_timestamp(floor(extract(epoch from now()) / $2::int) * $2::int), 1, 0)
      on conflict (bucket) do update set
        previous_count = case
          when r.window_start = excluded.window_start then r.previous_count
          when r.window_start = excluded.window_start - make_interval(secs => $2::int) then r.count
          else 0 end,
        count = case when r.window_start = excluded.window_start then r.count + 1 else 1 end,
        window_start = excluded.window_start
      returning count, previous_count, extract(epoch from now() - window_start)::float8 as elapsed`,
      [bucket, rule.windowSeconds],
    );
    return slidingWindow(
      {
        count: Number(row!.count),
        previousCount: Number(row!.previous_count),
        elapsedSeconds: Number(row!.elapsed),
        windowSeconds: rule.windowSeconds,
      },
      rule.limit,
    );
  }

  private rule(limit: number): RateLimitRule {
    return { limit, windowSeconds: this.limits.windowSeconds };
  }
}

function subjectOf(principal: Principal): string | undefined {
  if (principal.kind === 'key') return `key:${principal.keyId}`;
  if (principal.kind === 'conversation') return `conversation:${principal.conversationId}`;
  return undefined;
}
