import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../server/src/chat/events.js';
import { EventStore } from '../../../server/src/db/event-store.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

const conversationId = '00000000-0000-4000-8000-000000000001';
const msg = (text: string): NewEvent => ({ type: 'MESSAGE', conversationId, data: { role: 'user', text } });

describe('EventStore', () => {
  let t: TestDatabase;
  let store: EventStore;
  beforeAll(async () => {
    t = await createTestDatabase();
    store = new EventStore(t.database);
  });
  afterAll(() => t.dispose());

  it('assigns increasing ids and reads a conversation after a cursor, in order', async () => {
    const first = await store.append([msg('a'), msg('b')]);
    const second = await store.append([msg('c')]);
    const ids = [...first, ...second].map((e) => e.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(3);
    const after = await store.list({ conversationId, after: ids[0] });
    expect(after.map((e) => (e.type === 'MESSAGE' ? e.data.text : ''))).toEqual(['b', 'c']);
  });

  it('never stores MESSAGE_DELTA', async () => {
    const before = await store.maxId();
    const stored = await store.append([{ type: 'MESSAGE_DELTA', conversationId, data: { delta: 'x' } }]);
    expect(stored).toEqual([]);
    expect(await store.maxId()).toBe(before);
  });

  it('keeps ids in commit order under concurrent writers', async () => {
    const batches = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append([msg(`p${i}`), msg(`q${i}`)])));
    for (const b of batches) expect((b[1]?.id as number) - (b[0]?.id as number)).toBe(1);
    const all = await store.list({ conversationId });
    expect(all.length).toBe(3 + 40);
  });
});
