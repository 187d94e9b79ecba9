import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const FEED = 'subscription($after: ID) { eventFeed(types: [MESSAGE], after: $after) { id } }';

/**
 * An integrator that wants the feed "from now on" asks for its live end as a cursor first: a feed subscribed with it,
 * then dropped before its first event and subscribed again with the same cursor, misses nothing written in between
 * and gets nothing written before.
 */
describe('eventFeedCursor', () => {
  let t: TestApp;
  let url = '';
  let key = '';
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    url = (await t.app.start(0, '127.0.0.1')).url;
    key = (await t.app.services.apiKeys.create('Acme feed', 'integrator')).key;
  });
  afterAll(() => t?.close());

  const write = async (text: string) => {
    const { conversation } = await t.app.services.conversations.start({});
    const [event] = await t.app.services.events.append([
      { type: 'MESSAGE', conversationId: conversation.id, data: { role: 'assistant', text } },
    ]);
    return String(event!.id);
  };

  it('resumes a feed dropped before its first event from where the cursor was taken', async () => {
    const earlier = await write('before the cursor');
    const r = await t.gql<{ eventFeedCursor: string }>('{ eventFeedCursor }', {}, key);
    expect(r.errors).toBeUndefined();
    const cursor = r.data!.eventFeedCursor;
    // Subscribed, then dropped at once: it never passed an event, and never said where it was.
    subscribe('ws', url, FEED, { after: cursor }, (d) => d, key).stop();
    const missed = [await write('while nobody listened'), await write('still nobody')];
    const feed = subscribe('ws', url, FEED, { after: cursor }, (d) => (d.eventFeed as { id: string }).id, key);
    try {
      // On PostgreSQL the feed reaches an event once every older transaction of the database ended.
      await vi.waitFor(() => expect(feed.items).toEqual(missed), { timeout: 10_000 });
      const live = await write('live');
      await vi.waitFor(() => expect(feed.items).toEqual([...missed, live]), { timeout: 10_000 });
      expect(feed.items).not.toContain(earlier);
      expect(feed.error).toBeUndefined();
    } finally {
      feed.stop();
    }
  });

  it('is for the keys that may read the feed: a conversation token is refused', async () => {
    const { token } = await t.app.services.conversations.start({});
    const r = await t.gql('{ eventFeedCursor }', {}, token);
    expect(errorCode(r)).toBe('FORBIDDEN');
  });
});
