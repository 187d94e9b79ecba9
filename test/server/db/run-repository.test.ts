import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { testDatabaseKind } from '../../helpers/test-database.js';

const claimFor = { owner: 'test-owner', leaseMs: 30_000 };

describe('RunRepository', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.services.runs.stop();
  });
  afterAll(() => t.close());

  it('numbers a conversation’s events 1, 2, 3… across enqueue, claim and append', async () => {
    const { conversations, runRepository, eventStore } = t.app.services;
    const { conversation } = await conversations.start({});
    const first = await conversations.sendMessage(conversation.id, 'one', 'AUTO', { claimFor });
    await runRepository.append(
      [
        {
          type: 'RUN_COMPLETED',
          conversationId: conversation.id,
          runId: first.run.id,
          data: { reply: 'ok', durationMs: 1 },
        },
      ],
      { id: first.run.id, status: 'COMPLETED', finished: true },
    );
    const second = await conversations.sendMessage(conversation.id, 'two', 'AUTO');
    const claimed = await runRepository.claim(second.run.id, claimFor);
    expect(claimed?.started?.type).toBe('RUN_STARTED');
    const events = await eventStore.list({ conversationId: conversation.id });
    expect(events.map((e) => [e.type, e.seq])).toEqual([
      ['MESSAGE', 1],
      ['RUN_STARTED', 2],
      ['RUN_COMPLETED', 3],
      ['MESSAGE', 4],
      ['RUN_STARTED', 5],
    ]);
  });

  it('refuses an event batch that spans conversations', async () => {
    const { conversations, runRepository } = t.app.services;
    const [a, b] = [await conversations.start({}), await conversations.start({})];
    const event = (conversationId: string) =>
      ({ type: 'MESSAGE', conversationId, data: { role: 'user', text: 'x' } }) as const;
    await expect(runRepository.append([event(a.conversation.id), event(b.conversation.id)])).rejects.toThrow(
      /one conversation/,
    );
  });

  // PGlite has one connection: a transaction held open there holds up everything by design.
  it.skipIf(testDatabaseKind !== 'postgres')(
    'a write held open in one conversation holds up neither another conversation’s sendMessage nor its appends',
    async () => {
      const { conversations } = t.app.services;
      const [held, free] = [await conversations.start({}), await conversations.start({})];
      const other = postgres(t.db.url!, { max: 1, onnotice: () => {} });
      const reserved = await other.reserve();
      try {
        await reserved`begin`;
        // What an append of `held` does first: its conversation's lock and row.
        await reserved`select pg_advisory_xact_lock(hashtextextended(${held.conversation.id}::text, 0))`;
        await reserved`update conversations set last_seq = last_seq + 1 where id = ${held.conversation.id}`;
        const started = Date.now();
        const sent = await conversations.sendMessage(free.conversation.id, 'not waiting', 'AUTO', { claimFor });
        expect(sent.message.seq).toBe(1);
        expect(Date.now() - started).toBeLessThan(2_000);
        // The held conversation's own message waits for that transaction, and then comes after it.
        let waited = false;
        const blocked = conversations.sendMessage(held.conversation.id, 'waiting').then((s) => {
          waited = true;
          return s;
        });
        await new Promise((r) => setTimeout(r, 300));
        expect(waited).toBe(false);
        await reserved`commit`;
        expect((await blocked).message.seq).toBe(2);
      } finally {
        reserved.release();
        await other.end();
      }
    },
  );
});
