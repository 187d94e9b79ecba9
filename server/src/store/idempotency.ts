import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { type ErrorCode, isBatonError } from '../errors.js';
import { storeIdempotency } from './schema/index.js';
import type { StoreCallContext } from './store-call-context.js';
import type { StoreRefusalReason } from './store-refusals.js';

/**
 * What a store tool answered: its output, or a domain error the agent reads, with the error's client-safe details
 * (a refusal's `reason`, server/src/store/store-refusals.ts, and its facts; a validation error's `field`).
 */
export type StoreOutcome =
  | { ok: true; output: unknown }
  | { ok: false; error: string; code: ErrorCode; details?: Record<string, unknown> };

/** Runs a read: domain errors become outcomes, anything else propagates. */
export async function runOutcome(work: () => Promise<unknown>): Promise<StoreOutcome> {
  try {
    return { ok: true, output: await work() };
  } catch (err) {
    if (isBatonError(err))
      return {
        ok: false,
        error: err.message,
        code: err.code,
        ...(Object.keys(err.details).length ? { details: err.details } : {}),
      };
    throw err;
  }
}

const ROLLED_BACK = Symbol('rolled back');

/**
 * Rehearses a write: runs it in a transaction that is then rolled back, and answers what it would have (its output, or
 * the domain error it would meet). Nothing is stored, the idempotency key included.
 */
export async function previewWrite(db: Db, work: (tx: DbOrTx) => Promise<unknown>): Promise<StoreOutcome> {
  let outcome: StoreOutcome | undefined;
  try {
    await db.transaction(async (tx) => {
      outcome = await runOutcome(() => work(tx));
      throw ROLLED_BACK;
    });
  } catch (err) {
    if (err !== ROLLED_BACK) throw err;
  }
  return outcome!;
}

/**
 * Runs a write in a transaction, once per idempotency key: the first outcome (success or domain
 * error) is stored with the key, and a repeat returns it without running the write again. A
 * domain error rolls the write back to a savepoint but still records the outcome.
 */
export async function runIdempotentWrite(
  db: Db,
  tool: string,
  ctx: StoreCallContext,
  work: (tx: DbOrTx) => Promise<unknown>,
): Promise<StoreOutcome & { replayed: boolean }> {
  const key = ctx.idempotencyKey;
  if (!key) {
    return db.transaction(async (tx) => ({
      ...(await runOutcome(() => tx.transaction((sp) => work(sp)))),
      replayed: false,
    }));
  }
  const customerId = ctx.customer.admin ? null : (ctx.customer.customerId ?? null);
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(storeIdempotency)
      .values({ key, tool, customerId })
      .onConflictDoNothing()
      .returning({ key: storeIdempotency.key });
    if (claimed.length === 0) {
      const [first] = await tx.select().from(storeIdempotency).where(eq(storeIdempotency.key, key));
      if (!first || first.tool !== tool) {
        return {
          ok: false,
          error: `Idempotency key ${key} was already used for ${first?.tool ?? 'another call'}; this ${tool} call was not run.`,
          code: 'CONFLICT',
          details: { reason: 'IDEMPOTENCY_KEY_REUSED' satisfies StoreRefusalReason },
          replayed: true,
        } as const;
      }
      if (!ctx.customer.admin && first.customerId !== customerId) {
        return {
          ok: false,
          error: 'Refused: this idempotency key belongs to another customer.',
          code: 'FORBIDDEN',
          details: { reason: 'IDEMPOTENCY_KEY_OTHER_CUSTOMER' satisfies StoreRefusalReason },
          replayed: true,
        } as const;
      }
      return { ...(first.result as StoreOutcome), replayed: true };
    }
    const outcome = await runOutcome(() => tx.transaction((sp) => work(sp)));
    await tx.update(storeIdempotency).set({ result: outcome }).where(eq(storeIdempotency.key, key));
    return { ...outcome, replayed: false };
  });
}
