import type { FeedPosition } from '../db/event-store.js';

/** Marks a cursor that spells out a feed position; an event id is digits only, so the two never mix. */
const PREFIX = 'feed-';
const MAX_XID = 2n ** 64n;

/**
 * The `after` that resumes an eventFeed from a position it reached: an event's own position, or where the feed
 * started. It is the event id where that says it all (`"0"`: before every event), and else an opaque cursor
 * carrying the position itself.
 *
 * Exact: the feed is the events after its position in (tx, id) order, leaving out those of transactions visible in
 * its start snapshot (`before`), and every event it reached so far lies at or before the position in that order. A
 * feed resumed from the same position and snapshot reads exactly the events after it, each once, in order; none
 * that had committed before the first feed started. The snapshot is left out once the position's transaction is at
 * or past the snapshot's xmax: no later transaction is visible in it. Until then it is kept even after an event, as
 * an id alone would bring back events of transactions that committed before the start beside an older one still
 * open. A live start has no event to name, so it always takes the cursor: on PGlite (one transaction at a time,
 * xmin = xmax) the snapshot drops and the cursor is the start's transaction alone.
 */
export function feedCursor(position: FeedPosition): string {
  const before = position.before !== undefined && snapshotMatters(position) ? position.before : undefined;
  if (before === undefined && position.id > 0) return String(position.id);
  if (before === undefined && position.tx === '0' && position.id === 0) return '0';
  const text = `${position.tx}.${position.id}${before === undefined ? '' : `.${before}`}`;
  return PREFIX + Buffer.from(text).toString('base64url');
}

/** The position a cursor of feedCursor carries; undefined when `cursor` is none (an event id, or malformed). */
export function parseFeedCursor(cursor: string): FeedPosition | undefined {
  if (!cursor.startsWith(PREFIX)) return undefined;
  const text = Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString();
  const match = /^(\d{1,20})\.(\d{1,15})(?:\.(\d{1,20}:\d{1,20}:(?:\d{1,20}(?:,\d{1,20})*)?))?$/.exec(text);
  if (!match) return undefined;
  const [, tx, id, before] = match;
  if (BigInt(tx!) >= MAX_XID || (before !== undefined && !validSnapshot(before))) return undefined;
  const position: FeedPosition = { tx: BigInt(tx!).toString(), id: Number(id) };
  return before === undefined ? position : { ...position, before };
}

/** Whether a transaction at or after the position's may be visible in its snapshot (below the snapshot's xmax). */
function snapshotMatters(position: FeedPosition): boolean {
  const xmax = position.before!.split(':')[1]!;
  return BigInt(position.tx) < BigInt(xmax);
}

/** A `pg_snapshot` as PostgreSQL reads one: xmin and xmax above 0, xmin ≤ xmax, in-flight ids ascending in between. */
function validSnapshot(snapshot: string): boolean {
  const [xmin, xmax, xip] = snapshot.split(':') as [string, string, string];
  const low = BigInt(xmin);
  const high = BigInt(xmax);
  if (low === 0n || high >= MAX_XID || low > high) return false;
  let last = low;
  for (const part of xip ? xip.split(',') : []) {
    const x = BigInt(part);
    if (x < last || x >= high) return false;
    last = x;
  }
  return true;
}
