import type { RunRow } from './schema/conversations.js';

/**
 * Numbered parameters for raw SQL text: `add(value, 'uuid')` keeps the value and returns `$n::uuid`.
 * Every parameter carries a cast, so its type never depends on what the server infers.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/** A json/jsonb value as the driver returned it: parsed already (postgres.js, PGlite) or still text. */
export function jsonColumn<T = Record<string, unknown>>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A timestamp from raw SQL: a Date, or text (drizzle's postgres.js driver keeps timestamps as text). */
export function dateColumn(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string);
}

/** A `runs` row from raw SQL (snake_case, e.g. `returning *` or `to_jsonb(run)`) as drizzle would type it. */
export function rawToRun(r: Record<string, unknown>): RunRow {
  return {
    id: r.id as string,
    conversationId: r.conversation_id as string,
    status: r.status as RunRow['status'],
    mode: r.mode as RunRow['mode'],
    messageEventId: r.message_event_id == null ? null : Number(r.message_event_id),
    plan: r.plan == null ? null : jsonColumn(r.plan),
    completedTaskIds: r.completed_task_ids == null ? [] : jsonColumn<string[]>(r.completed_task_ids),
    stepBudget: Number(r.step_budget ?? 0),
    pauseRequested: r.pause_requested === true,
    drafts: r.drafts == null ? null : jsonColumn<string[]>(r.drafts),
    startedBy: (r.started_by as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    pausedAt: r.paused_at == null ? null : dateColumn(r.paused_at),
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseExpiresAt: r.lease_expires_at == null ? null : dateColumn(r.lease_expires_at),
    createdAt: dateColumn(r.created_at),
    updatedAt: dateColumn(r.updated_at),
    finishedAt: r.finished_at == null ? null : dateColumn(r.finished_at),
  };
}

/** True when `err` (or an error it wraps, as drizzle does) is a unique violation of `constraint`. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint_name: name, constraint: pgliteName } = e as Record<string, unknown>;
    if (code === '23505' && (name === constraint || pgliteName === constraint)) return true;
  }
  return false;
}
