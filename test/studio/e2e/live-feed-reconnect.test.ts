import type { WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRun } from '../../helpers/test-app.js';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

/**
 * The Live feed across a dropped connection: the page's WebSocket to /graphql goes through a route the test can cut,
 * and while it is cut every new socket is closed at once (as when the server is away). A conversation that runs
 * meanwhile shows in full once the connection is back: each event once, in order.
 */
// Both builds: under the dev build's StrictMode, ConnectionProvider once disposed of its graphql-ws client at mount and
// kept using it, and a disposed client never retries a dropped connection.
describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): live feed across a reconnect', (build) => {
  let h: StudioHarness;
  const gate = { open: true, sockets: [] as WebSocketRoute[] };
  beforeAll(async () => {
    h = await startStudio(build);
    await h.page.routeWebSocket(/\/graphql$/, (ws) => {
      // Going Away, as soon as the socket says hello: graphql-ws retries it, as it does a server that restarts.
      // (Closed before it opened, the page's socket could stay connecting.) Its hello never reaches the server.
      const server = ws.connectToServer();
      if (!gate.open)
        return void ws.onMessage(() => {
          void server.close();
          void ws.close({ code: 1001, reason: 'away' });
        });
      gate.sockets.push(ws);
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A conversation started outside the studio, run to its end; its stored events' types, in order. */
  const converseElsewhere = async (text: string) => {
    const started = await h.t.gql<{ startConversation: { conversation: { id: string } } }>(
      'mutation { startConversation { conversation { id } } }',
    );
    const id = started.data!.startConversation.conversation.id;
    const sent = await h.t.gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id, text },
    );
    await waitForRun(h.t.app, sent.data!.sendMessage.id);
    const events = await h.t.gql<{ conversation: { events: { type: string }[] } }>(
      'query($id: ID!) { conversation(id: $id) { events(first: 500) { type } } }',
      { id },
    );
    // Staff-only suggestions are never on the feed.
    return { id, types: events.data!.conversation.events.map((e) => e.type).filter((t) => t !== 'SUGGESTION') };
  };

  it('shows every event committed while the connection was down, once each, in order', {
    timeout: 90_000,
  }, async () => {
    const { page } = h;
    await h.open('feed');
    const feed = page.getByRole('list', { name: 'Events' });
    const typesOf = (id: string) =>
      feed
        .locator('li')
        .filter({ hasText: id.slice(0, 8) })
        .locator('.type-badge');
    // The socket opens for the feed's subscription, which starts at the live end as of the page's mount.
    await expect.poll(() => gate.sockets.length).toBe(1);
    const before = await converseElsewhere('do you have running shoes in size 10?');
    await expect.poll(() => typesOf(before.id).allTextContents()).toEqual(before.types);

    // The connection drops and stays down while another conversation runs from start to end.
    gate.open = false;
    for (const ws of gate.sockets) await ws.close({ code: 1001, reason: 'away' });
    await page
      .getByRole('status')
      .getByText(/Reconnecting/)
      .waitFor();
    const away = await converseElsewhere('where is my order #W2378156?');
    expect(away.types.length).toBeGreaterThan(3);
    expect(await typesOf(away.id).count()).toBe(0);

    // Back: the feed catches up with every one of them, once each, in order, and says it is live again.
    gate.open = true;
    await expect.poll(() => typesOf(away.id).allTextContents(), { timeout: 30_000 }).toEqual(away.types);
    await page
      .getByRole('status')
      .getByText(/Reconnecting/)
      .waitFor({ state: 'detached' });
    expect(await typesOf(before.id).allTextContents()).toEqual(before.types);
    expect(await page.getByText('Feed disconnected').count()).toBe(0);
  });
});
