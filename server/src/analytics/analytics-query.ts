import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/**
 * Runs one analytics statement (`$1`-style parameters) with JIT compilation off. On a large event log
 * the planner's estimates for these statements (an index lookup per event) pass jit_above_cost, and
 * compiling them then takes longer than running them; SET LOCAL keeps the change to this transaction.
 */
export async function analyticsQuery<T = Record<string, unknown>>(
  db: Db,
  text: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    const result = await tx.execute(withParams(text, params));
    return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
  });
}

/** The text with each `$n` replaced by a bound parameter. */
function withParams(text: string, params: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  return sql.join(parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`)));
}
