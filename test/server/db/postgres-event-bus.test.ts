import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/src/db/client.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp } from '../../helpers/test-app.js';
import { createTestDatabase, testDatabaseKind } from '../../helpers/test-database.js';

const onPostgres = testDatabaseKind === 'postgres';
if (!onPostgres)
  console.log('postgres-event-bus: skipped, set TEST_DATABASE_URL to run the two-replica test on PostgreSQL');

describe.skipIf(!onPostgres)('LISTEN/NOTIFY bus across two app instances', () => {
  it('an event written through one instance reaches a subscriber of the other', async () => {
    const shared = await createTestDatabase();
    // Each instance gets its own pool on the same database, as two processes would.
    const second = await openDatabase({ databaseUrl: shared.url!, maxConnections: 4 });
    const a = await createTestApp({ db: shared });
    const b = await createTestApp({ db: { database: second, url: shared.url, dispose: () => second.close() } });
    try {
      expect(a.app.services.bus.kind).toBe('postgres');
      await a.app.services.runs.stop();
      await b.app.services.runs.stop();
      const { url } = await b.app.start(0, '127.0.0.1');
      const { conversation } = await a.app.services.conversations.start({});
      const sub = subscribe(
        'ws',
        url,
        'subscription($id: ID!) { conversationEvents(conversationId: $id) { id type data } }',
        { id: conversation.id },
        (d) => d.conversationEvents as { id: string; data: { text: string } },
      );
      await new Promise((r) => setTimeout(r, 300));
      const written = [];
      for (const text of ['one', 'two', 'three'])
        written.push((await a.app.services.conversations.sendMessage(conversation.id, text)).message);
      const got = await sub.waitFor(3);
      sub.stop();
      expect(got.map((e) => e.data.text)).toEqual(['one', 'two', 'three']);
      expect(got.map((e) => Number(e.id))).toEqual(written.map((e) => e.id));
    } finally {
      await b.close();
      await a.close();
      await shared.dispose();
    }
  });
});
