import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { FeedBufferAccount, SharedBufferBudget } from '../../../server/src/chat/feed-buffers.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const KB = 1_024;
const query =
  'subscription($id: ID!, $after: ID) { conversationEvents(conversationId: $id, after: $after) { id dataJson } }';

/**
 * A conversationEvents client that stops reading its socket: graphql-ws waits for each message's send, so once the
 * socket's buffers are full the server's stream holds what comes, and is bounded by bytes as eventFeed is.
 */
describe('a stalled conversationEvents subscription over WebSocket', () => {
  let t: TestApp;
  let url: string;
  /** The budgets streams joined, newest last. */
  const budgets: SharedBufferBudget[] = [];
  /** The most each budget held. */
  const peaks = new Map<SharedBufferBudget, number>();
  beforeAll(async () => {
    t = await createTestApp({ env: { FEED_BUFFER_MAX_BYTES: '65536', FEED_BUFFER_MAX_BYTES_PER_KEY: '131072' } });
    await t.app.services.runs.stop();
    const { feedBuffers } = t.app.services;
    const accountFor = feedBuffers.for.bind(feedBuffers);
    feedBuffers.for = (principal): FeedBufferAccount => {
      const account = accountFor(principal);
      return {
        limits: account.limits,
        join: (member) => {
          const joined = account.join(member);
          const { budget } = joined;
          budgets.push(budget);
          if (!peaks.has(budget)) {
            peaks.set(budget, 0);
            const add = budget.add.bind(budget);
            budget.add = (bytes) => {
              add(bytes);
              peaks.set(budget, Math.max(peaks.get(budget)!, budget.bytes));
            };
          }
          return joined;
        },
      };
    };
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  it('ends with SUBSCRIBER_TOO_SLOW and its cursor at the bound, and resumes from it with no gap and no duplicate', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    const { events } = t.app.services;
    /** Stores and publishes a message of about `kb` KB; its id. */
    const emit = async (kb: number) => {
      const [stored] = await events.append([
        {
          type: 'MESSAGE',
          conversationId: conversation.id,
          // Random: WebSocket compression would shrink a repeated letter to nothing.
          data: { role: 'assistant', text: randomBytes((kb * KB * 3) / 4).toString('base64') },
        },
      ]);
      events.bus.publish([stored!]);
      return String(stored!.id);
    };
    let socket: WebSocket | undefined;
    const got: string[] = [];
    let ended: { extensions?: Record<string, unknown> } | undefined;
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          socket = this;
        }
      },
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      keepAlive: 0,
    });
    client.subscribe<{ conversationEvents: { id: string } }>(
      { query, variables: { id: conversation.id } },
      {
        next: (v) => {
          if (v.errors) ended = v.errors[0] as never;
          else got.push(v.data!.conversationEvents.id);
        },
        error: (e) => {
          ended = (Array.isArray(e) ? e[0] : e) as never;
        },
        complete: () => {},
      },
    );
    // Live once an event stored after it opened arrives.
    await vi.waitFor(
      async () => {
        await emit(1);
        expect(got.length).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 300 },
    );
    const budget = budgets.at(-1)!;
    // The client stops reading while events of 64 KB come, until the stream held some and let go of them: it ended.
    socket!.pause();
    const published: string[] = [];
    let held = false;
    for (let i = 0; i < 600 && !(held && budget.bytes === 0); i++) {
      published.push(await emit(64));
      await new Promise((r) => setTimeout(r, 5));
      if (budget.bytes > 0) held = true;
    }
    expect(held && budget.bytes === 0).toBe(true);
    socket!.resume();
    await vi.waitFor(() => expect(ended).toBeDefined(), { timeout: 10_000 });
    expect(ended!.extensions).toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW', after: got.at(-1) });
    await client.dispose();
    // Resubscribed after its cursor, it gets the rest: each event once, in order.
    const last = published.at(-1)!;
    const rest = subscribe(
      'ws',
      url,
      query,
      { id: conversation.id, after: ended!.extensions!.after },
      (d) => {
        return (d.conversationEvents as { id: string }).id;
      },
      token,
    );
    await vi.waitFor(() => expect(rest.items.at(-1)).toBe(last), { timeout: 10_000 });
    rest.stop();
    const all = [...got, ...rest.items];
    expect(new Set(all).size).toBe(all.length);
    expect(all.map(Number)).toEqual([...all.map(Number)].sort((a, b) => a - b));
    expect(all.slice(-published.length)).toEqual(published);
  }, 60_000);

  it('eventFeed replays a history bigger than it may hold, page by page as far as each fits, in order', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const { events } = t.app.services;
    // 24 events of 16 KB: six times what the feed may hold (64 KB).
    const stored = await events.append(
      Array.from({ length: 24 }, (_, i) => ({
        type: 'MESSAGE' as const,
        conversationId: conversation.id,
        data: { role: 'assistant' as const, text: `${i} ${'z'.repeat(16 * KB)}` },
      })),
    );
    const ids = stored.map((e) => String(e.id));
    const feed = subscribe(
      'ws',
      url,
      'subscription($after: ID) { eventFeed(types: [MESSAGE], after: $after) { id conversationId } }',
      { after: String(stored[0]!.id! - 1) },
      (d) => d.eventFeed as { id: string; conversationId: string },
    );
    // On PostgreSQL the feed reaches them once every older transaction ended: waited for, not read once.
    await vi.waitFor(() => expect(feed.items.filter((e) => e.conversationId === conversation.id)).toHaveLength(24), {
      timeout: 20_000,
    });
    feed.stop();
    expect(feed.error).toBeUndefined();
    expect(feed.items.filter((e) => e.conversationId === conversation.id).map((e) => e.id)).toEqual(ids);
    // The pages it read counted against its budget, and held no more than it may (64 KB, or one event).
    const peak = peaks.get(budgets.at(-1)!)!;
    expect(peak).toBeGreaterThan(16 * KB);
    expect(peak).toBeLessThanOrEqual(64 * KB);
  }, 30_000);

  it('runEvents resumes after its cursor, to the end of the run', async () => {
    const { conversation, token } = await t.app.services.conversations.start({});
    const { run } = await t.app.services.conversations.sendMessage(conversation.id, 'hello');
    const { events } = t.app.services;
    const stored = await events.append([
      { type: 'MESSAGE', conversationId: conversation.id, runId: run.id, data: { role: 'assistant', text: 'one' } },
      { type: 'MESSAGE', conversationId: conversation.id, runId: run.id, data: { role: 'assistant', text: 'two' } },
      { type: 'RUN_COMPLETED', conversationId: conversation.id, runId: run.id, data: { reply: 'two', durationMs: 1 } },
    ]);
    const ids = stored.map((e) => String(e.id));
    const resumed = subscribe(
      'ws',
      url,
      'subscription($id: ID!, $after: ID) { runEvents(runId: $id, after: $after) { id } }',
      { id: run.id, after: ids[0] },
      (d) => (d.runEvents as { id: string }).id,
      token,
    );
    expect(await resumed.waitFor(2)).toEqual(ids.slice(1));
    resumed.stop();
  });

  it("counts a key's conversationEvents and eventFeed against one budget", async () => {
    const keyed = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    try {
      const { feedBuffers, apiKeys, conversations } = keyed.app.services;
      await keyed.app.services.runs.stop();
      const at = (await keyed.app.start(0, '127.0.0.1')).url;
      const { key } = await apiKeys.create('one', 'integrator');
      const { conversation } = await conversations.start({});
      const live = async (sub: ReturnType<typeof subscribe>) =>
        vi.waitFor(
          async () => {
            await conversations.sendMessage(conversation.id, 'ping');
            expect(sub.items.length).toBeGreaterThan(0);
          },
          { timeout: 10_000, interval: 300 },
        );
      const events = subscribe('ws', at, query, { id: conversation.id }, (d) => d.conversationEvents, key);
      await live(events);
      expect(feedBuffers.credentials).toBe(1);
      const feed = subscribe('ws', at, 'subscription { eventFeed { id } }', {}, (d) => d.eventFeed, key);
      await live(feed);
      expect(feedBuffers.credentials).toBe(1);
      events.stop();
      feed.stop();
      await vi.waitFor(() => expect(feedBuffers.credentials).toBe(0), { timeout: 5_000 });
    } finally {
      await keyed.close();
    }
  }, 30_000);
});
