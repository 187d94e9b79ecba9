import { Window } from 'happy-dom';
import { createElement, StrictMode } from 'react';
import type { Root } from 'react-dom/client';
import { Provider } from 'urql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBatonClient } from '../../../studio/src/renderer/graphql/create-client.js';
import type { StudioEvent } from '../../../studio/src/renderer/lib/baton-event.js';
import { useConversationEvents } from '../../../studio/src/renderer/playground/use-conversation-events.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

/** Renders nothing; hands each render's events to the test. */
function Probe(props: { conversationId: string; onRender(events: readonly StudioEvent[]): void }) {
  const { events } = useConversationEvents(props.conversationId);
  props.onRender(events);
  return null;
}

/**
 * The playground's event hook, rendered by React in StrictMode (which double-invokes state updaters and
 * runs effects twice) against a real server over a real graphql-ws connection.
 */
describe('useConversationEvents under StrictMode', () => {
  let t: TestApp;
  let url: string;
  let client: ReturnType<typeof createBatonClient>;
  let root: Root;
  let seen: readonly StudioEvent[] = [];
  let renders = 0;

  beforeAll(async () => {
    // react-dom needs a document; the server in this process must keep Node's globals (URL, fetch), so
    // happy-dom provides only window and document rather than being the whole test environment.
    const win = new Window();
    Object.assign(globalThis, { window: win, document: win.document, navigator: win.navigator });
    t = await createTestApp();
    ({ url } = await t.app.start(0, '127.0.0.1'));
    client = createBatonClient({ url, apiKey: null }, { webSocketImpl: WebSocket });
  });
  afterAll(async () => {
    root?.unmount();
    client?.dispose();
    await t?.close();
  });

  const storedIds = async (conversationId: string) => {
    const r = await t.gql<{ conversation: { events: { id: string }[] } }>(
      'query($id: ID!) { conversation(id: $id) { events(first: 500) { id } } }',
      { id: conversationId },
    );
    return r.data!.conversation.events.map((e) => e.id);
  };
  const send = async (conversationId: string, text: string) => {
    const r = await t.gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id: conversationId, text },
    );
    return r.data!.sendMessage.id;
  };
  const until = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 15_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw ${seen.map((e) => e.type)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const completed = (runId: string) => () => seen.some((e) => e.type === 'RUN_COMPLETED' && e.runId === runId);

  it('sees every stored event exactly once, in order, through StrictMode, re-subscription and a reconnect', async () => {
    const started = await t.gql<{ startConversation: { conversation: { id: string } } }>(
      'mutation { startConversation { conversation { id } } }',
    );
    const conversationId = started.data!.startConversation.conversation.id;
    const first = await send(conversationId, 'where is my order #W2378156?');
    await waitForRun(t.app, first);

    // Mounting now replays the stored run; StrictMode mounts, unmounts and mounts again (two subscriptions).
    const { createRoot } = await import('react-dom/client');
    root = createRoot(document.createElement('div'));
    root.render(
      createElement(
        StrictMode,
        null,
        createElement(
          Provider,
          { value: client.client },
          createElement(Probe, {
            conversationId,
            onRender: (events) => {
              seen = events;
              renders++;
            },
          }),
        ),
      ),
    );
    await until('the first run', completed(first));
    const stored = (events: readonly StudioEvent[]) => events.filter((e) => e.id !== null).map((e) => e.id);
    expect(stored(seen)).toEqual(await storedIds(conversationId));
    expect(renders).toBeGreaterThan(1);

    // A live run while subscribed: its events arrive once each, deltas included.
    const second = await send(conversationId, 'do you have running shoes in size 10?');
    await until('the second run', completed(second));
    expect(stored(seen)).toEqual(await storedIds(conversationId));
    // Streamed deltas are not stored, so nothing de-duplicates them: each task's deltas add up to its message.
    const messages = seen.filter((e) => e.type === 'MESSAGE' && e.runId === second && e.taskId);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      const deltas = seen.filter((e) => e.type === 'MESSAGE_DELTA' && e.runId === second && e.taskId === m.taskId);
      expect(deltas.length).toBeGreaterThan(0);
      expect(deltas.map((d) => (d.type === 'MESSAGE_DELTA' ? d.data.delta : '')).join('')).toBe(
        m.type === 'MESSAGE' ? m.data.text : '',
      );
    }

    // The socket drops; graphql-ws reconnects and the subscription replays from the start.
    let reconnected = 0;
    const off = client.socket.on('connected', () => reconnected++);
    client.socket.terminate();
    const third = await send(conversationId, 'what goes well with a blender?');
    await until('the third run after a reconnect', completed(third));
    off();
    expect(reconnected).toBe(1);
    expect(stored(seen)).toEqual(await storedIds(conversationId));
    expect(new Set(stored(seen)).size).toBe(stored(seen).length);
  });
});
