import { z } from 'zod';

/** The largest page each list argument may ask for: one request's answer stays a few MB at most. */
export const PAGE_MAX = { events: 500, runs: 200, tickets: 200, knowledge: 10 } as const;

/** The zod check of a `first:`/`limit:` argument (literal or variable alike): 1..max. */
export const pageArg = (max: number) => z.number().int().min(1).max(max);

/**
 * The page a resolver reads: the argument, or `fallback`, never above `max`. Resolvers cap here as
 * well as validating, so a list can never be unbounded even where an argument's check is missed.
 */
export const pageSize = (first: number | null | undefined, fallback: number, max: number): number =>
  Math.min(Math.max(first ?? fallback, 1), max);
