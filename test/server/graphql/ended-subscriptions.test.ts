import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/**
 * A subscription its client ends (or whose socket closes) lets go of the bus at once. The streams are async
 * generators waiting for their next event: over WebSocket, graphql-ws's `return()` queued behind that wait, so a quiet
 * conversation's stream kept its listener and buffer until the conversation's next event, which may never come.
 */
describe('an ended subscription leaves the bus', () => {
  let t: TestApp;
  let url: string;
  let listening = 0;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.services.runs.stop();
    // Counts the bus listeners that the replica's streams hold.
    const bus = t.app.services.events.bus;
    const subscribeOnBus = bus.subscribe.bind(bus);
    bus.subscribe = ((...args: Parameters<typeof bus.subscribe>) => {
      listening++;
      const unsubscribe = subscribeOnBus(...args);
      let once = false;
      return () => {
        if (!once) listening--;
        once = true;
        unsubscribe();
      };
    }) as typeof bus.subscribe;
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close());

  const operations = {
    conversationEvents: 'subscription($id: ID!) { conversationEvents(conversationId: $id) { id type } }',
    eventFeed: 'subscription { eventFeed(types: [MESSAGE]) { id type } }',
  };

  for (const transport of ['ws', 'sse'] as const)
    for (const [name, query] of Object.entries(operations))
      it(`${transport}: ${name}, ended by its client while nothing happens`, async () => {
        const { conversation, token } = await t.app.services.conversations.start({});
        const before = listening;
        // The shopper's token for their conversation; the feed is staff's (no credentials: AUTH_MODE off).
        const credential = name === 'conversationEvents' ? token : undefined;
        const sub = subscribe(transport, url, query, { id: conversation.id }, (d) => d[name], credential);
        // Live once a message sent after it opened arrives.
        await vi.waitFor(
          async () => {
            await t.app.services.conversations.sendMessage(conversation.id, 'ping');
            expect(sub.items.length).toBeGreaterThan(0);
          },
          { timeout: 10_000, interval: 300 },
        );
        expect(listening).toBe(before + 1);
        sub.stop();
        await vi.waitFor(() => expect(listening).toBe(before), { timeout: 5_000 });
      });
});
