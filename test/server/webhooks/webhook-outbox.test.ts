import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/src/db/client.js';
import { rawToEvent } from '../../../server/src/db/event-store.js';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { createLogger } from '../../../server/src/logger.js';
import { WebhookEndpoints } from '../../../server/src/webhooks/webhook-endpoints.js';
import { WebhookOutbox } from '../../../server/src/webhooks/webhook-outbox.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

const logger = createLogger({ logLevel: 'silent', env: 'test' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The sender sends a conversation's oldest pending delivery first, so the outbox must never commit a
 * delivery before an older one of the same conversation. These tests slow one write down and check the
 * order in which deliveries were committed.
 */
describe('webhook outbox: a conversation’s deliveries are written in event order', () => {
  let db: TestDatabase;
  let outbox: WebhookOutbox | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  }, 60_000);
  afterEach(async () => {
    await outbox?.stop();
    outbox = undefined;
    await db.database.query('delete from webhook_endpoints');
  });
  afterAll(() => db.dispose());

  const registerEndpoint = async () =>
    (
      await new WebhookEndpoints(db.database.db, { allowedHosts: ['127.0.0.1'] }).register({
        url: 'http://127.0.0.1:9/hooks',
        eventTypes: ['MESSAGE'],
      })
    ).endpoint.id;

  /** Stores a MESSAGE event of `conversationId` (committed, not published). */
  const storeEvent = async (conversationId: string, seq: number): Promise<BatonEvent> => {
    const rows = await db.database.query<Record<string, unknown>>(
      `insert into events (conversation_id, seq, type, data) values ($1::uuid, $2::int, 'MESSAGE', '{"text":"hi"}'::jsonb)
      returning *`,
      [conversationId, seq],
    );
    return rawToEvent(rows[0]!);
  };

  /**
   * The database, with `delay(sql)` ms added before a query runs; `committed` lists each endpoint's
   * event ids in the order their delivery inserts finished (first write of each; later ones conflict).
   */
  const slowed = (delay: (sql: string) => number) => {
    const committed = new Map<string, number[]>();
    const database: Pick<Database, 'db' | 'query'> = {
      db: db.database.db,
      query: (async (sql: string, params?: unknown[]) => {
        const ms = delay(sql);
        if (ms) await sleep(ms);
        const rows = await db.database.query(sql, params as never);
        if (sql.startsWith('insert into webhook_deliveries'))
          for (const r of JSON.parse(String(params![0])) as { endpoint_id: string; event_id: number }[]) {
            const ids = committed.get(r.endpoint_id) ?? [];
            if (!ids.includes(r.event_id)) ids.push(r.event_id);
            committed.set(r.endpoint_id, ids);
          }
        return rows;
      }) as Database['query'],
    };
    return { database, committed };
  };

  const delivered = async (endpointId: string) =>
    (
      await db.database.query<{ event_id: string }>(
        'select event_id from webhook_deliveries where endpoint_id = $1::uuid order by event_id',
        [endpointId],
      )
    ).map((r) => Number(r.event_id));

  it('writes a batch from the bus only after the batch before it, even when that one is slow', async () => {
    const endpointId = await registerEndpoint();
    const conversation = randomUUID();
    const events = [await storeEvent(conversation, 1), await storeEvent(conversation, 2)];
    let inserts = 0;
    // The first batch's insert is slow; the second would commit first if both ran at once.
    const { database, committed } = slowed((sql) =>
      sql.startsWith('insert into webhook_deliveries') && inserts++ === 0 ? 300 : 0,
    );
    const bus = new MemoryEventBus();
    outbox = new WebhookOutbox(database, bus, { refreshMs: 60_000, logger, onEnqueued: () => {} });
    await outbox.start();
    // Caught up: both events were already stored. Now the bus brings two more, in two batches.
    const later = [await storeEvent(conversation, 3), await storeEvent(conversation, 4)];
    inserts = 0;
    committed.clear();
    bus.publish([later[0]!]);
    await new Promise((r) => setImmediate(r));
    await sleep(20);
    bus.publish([later[1]!]);
    await outbox.stop();
    outbox = undefined;
    expect(committed.get(endpointId)).toEqual(later.map((e) => e.id));
    expect(await delivered(endpointId)).toEqual([...events, ...later].map((e) => e.id));
  });

  it('takes bus events for a new endpoint only after its catch-up wrote the older ones', async () => {
    const bus = new MemoryEventBus();
    const conversation = randomUUID();
    let catchUpDelay = 0;
    const { database, committed } = slowed((sql) =>
      sql.includes('from events e, webhook_endpoints ep') ? catchUpDelay : 0,
    );
    outbox = new WebhookOutbox(database, bus, { refreshMs: 60_000, logger, onEnqueued: () => {} });
    // Another endpoint is live, so the outbox is following the bus when the new one appears.
    await registerEndpoint();
    await outbox.start();
    const endpointId = await registerEndpoint();
    // An event committed and published before this process knew the endpoint: only the catch-up has it.
    const before = await storeEvent(conversation, 1);
    bus.publish([before]);
    await new Promise((r) => setImmediate(r));
    catchUpDelay = 300;
    const refreshed = outbox.refresh();
    // The endpoint is loaded; its catch-up is slow. A newer event arrives on the bus meanwhile.
    await sleep(100);
    const after = await storeEvent(conversation, 2);
    bus.publish([after]);
    await refreshed;
    await outbox.stop();
    outbox = undefined;
    // `before` (catch-up) was written ahead of `after` (bus), and both are there.
    expect(committed.get(endpointId)).toEqual([before.id, after.id]);
    expect(await delivered(endpointId)).toEqual([before.id, after.id]);
  });
});
