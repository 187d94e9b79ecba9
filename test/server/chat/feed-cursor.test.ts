import { describe, expect, it } from 'vitest';
import { feedCursor, parseFeedCursor } from '../../../server/src/chat/feed-cursor.js';
import { FEED_START } from '../../../server/src/db/event-store.js';

const cursor = (text: string) => `feed-${Buffer.from(text).toString('base64url')}`;

describe('feedCursor', () => {
  it('is the event id, or "0", where that says it all', () => {
    expect(feedCursor(FEED_START)).toBe('0');
    expect(feedCursor({ tx: '812', id: 40 })).toBe('40');
    // Past the start snapshot's xmax: no later transaction is in it.
    expect(feedCursor({ tx: '900', id: 41, before: '812:900:850' })).toBe('41');
  });

  it('keeps a live start, and the start snapshot while a later transaction may be in it', () => {
    for (const position of [
      // PGlite: nothing in flight at the start; the snapshot leaves out nothing the position does not.
      { tx: '812', id: 0 },
      // PostgreSQL: 812 and 850 were in flight at the start, 813 to 849 and 851 to 899 had committed.
      { tx: '812', id: 0, before: '812:900:812,850' },
      { tx: '850', id: 77, before: '812:900:812,850' },
    ]) {
      const text = feedCursor(position);
      expect(text).toMatch(/^feed-/);
      expect(parseFeedCursor(text)).toEqual(position);
    }
    expect(parseFeedCursor(feedCursor({ tx: '812', id: 0, before: '812:812:' }))).toEqual({ tx: '812', id: 0 });
  });

  it('reads nothing else: an event id, or a cursor that is no position and snapshot PostgreSQL would take', () => {
    for (const text of [
      '40',
      'feed-',
      'feed-%%%',
      cursor('812'),
      cursor('812.0.'),
      cursor('18446744073709551616.0'),
      cursor('812.0.0:900:'),
      cursor('812.0.900:812:'),
      cursor('812.0.812:900:850,820'),
      cursor('812.0.812:900:900'),
      cursor('812.0.812:900:811'),
      cursor('812.0.812:900:850;drop table events'),
    ])
      expect(parseFeedCursor(text), text).toBeUndefined();
  });
});
