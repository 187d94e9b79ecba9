import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranscriptEvents } from '../../../server/src/chat/chat-state-loader.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { standInTools } from '../../fakes/stand-in-tools.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

describe('ConversationService.sendMessage', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ models: new ScriptedModel(() => ({ content: 'ok' })), tools: standInTools().registry });
    // Nothing executes runs here: these tests look at what sendMessage itself stores.
    await t.app.services.runs.stop();
  });
  afterAll(() => t.close());

  const claimFor = { owner: 'test-owner', leaseMs: 30_000 };

  it('stores a run that nothing is ahead of already claimed, with its RUN_STARTED after the message', async () => {
    const { conversations, eventStore } = t.app.services;
    const { conversation } = await conversations.start({ customerId: 'usr_1' });
    const sent = await conversations.sendMessage(conversation.id, 'hello', 'AUTO', { claimFor });
    expect(sent.run).toMatchObject({ status: 'RUNNING', leaseOwner: 'test-owner', messageEventId: sent.message.id });
    expect(sent.run.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect(sent.customerId).toBe('usr_1');
    expect(sent.started).toMatchObject({ type: 'RUN_STARTED', runId: sent.run.id, data: { mode: 'AUTO' } });
    const stored = await eventStore.list({ runId: sent.run.id });
    expect(stored.map((e) => e.type)).toEqual(['MESSAGE', 'RUN_STARTED']);
    expect(stored[1]!.id).toBeGreaterThan(stored[0]!.id!);

    // A second message while that run is active waits, unclaimed.
    const queued = await conversations.sendMessage(conversation.id, 'and another thing', 'AUTO', { claimFor });
    expect(queued.run).toMatchObject({ status: 'PENDING', leaseOwner: null });
    expect(queued.started).toBeUndefined();
  });

  it('publishes the stored message and RUN_STARTED once they are committed', async () => {
    const { conversations, eventStore, bus } = t.app.services;
    const { conversation } = await conversations.start({});
    const delivered: { type: string; id: number | null; seq: number | null }[] = [];
    const unsubscribe = bus.subscribe((e) => {
      if (e.conversationId === conversation.id) delivered.push({ type: e.type, id: e.id, seq: e.seq });
    });
    try {
      const sent = await conversations.sendMessage(conversation.id, 'hello', 'AUTO', { claimFor });
      // What subscribers got is exactly what the database holds: ids and seqs come from the stored rows.
      const stored = await eventStore.list({ runId: sent.run.id });
      expect(delivered).toEqual(stored.map((e) => ({ type: e.type, id: e.id, seq: e.seq })));
      expect(stored.map((e) => [e.type, e.seq])).toEqual([
        ['MESSAGE', sent.message.seq],
        ['RUN_STARTED', sent.started!.seq],
      ]);
      expect(sent.started!.seq).toBe(sent.message.seq! + 1);
    } finally {
      unsubscribe();
    }
  });

  it('a claimed run comes with the transcript, as loadTranscriptEvents reads it; a queued one without', async () => {
    const { conversations } = t.app.services;
    const { conversation } = await conversations.start({});
    const first = await conversations.sendMessage(conversation.id, 'where is #W1?', 'AUTO', { claimFor });
    expect(first.history?.map((e) => e.id)).toEqual([first.message.id]);
    const base = {
      conversationId: conversation.id,
      runId: first.run.id,
      taskId: 't1',
      agentName: 'OrderManagementAgent',
    };
    await t.app.services.runRepository.append(
      [
        { ...base, type: 'TOOL_CALL', data: { tool: 'get_order_details', arguments: {}, output: 'ok', durationMs: 1 } },
        { ...base, type: 'MESSAGE', data: { role: 'assistant', text: 'shipped' } },
        { ...base, type: 'TASK_COMPLETED', data: { output: 'shipped', durationMs: 2 } },
      ],
      { id: first.run.id, status: 'COMPLETED', finished: true },
    );

    const second = await conversations.sendMessage(conversation.id, 'thanks', 'AUTO', { claimFor });
    expect(second.run.status).toBe('RUNNING');
    const expected = await loadTranscriptEvents(t.app.services, conversation.id, second.run.id);
    expect(expected.map((e) => e.type)).toEqual(['MESSAGE', 'TOOL_CALL', 'MESSAGE', 'TASK_COMPLETED', 'MESSAGE']);
    expect(second.history).toEqual(expected);

    const queued = await conversations.sendMessage(conversation.id, 'one more', 'AUTO', { claimFor });
    expect(queued.run.status).toBe('PENDING');
    expect(queued.history).toBeUndefined();
  });

  it('without claimFor the run is PENDING and no RUN_STARTED is stored', async () => {
    const { conversations, eventStore } = t.app.services;
    const { conversation } = await conversations.start({});
    const sent = await conversations.sendMessage(conversation.id, 'hello');
    expect(sent.run.status).toBe('PENDING');
    expect((await eventStore.list({ runId: sent.run.id })).map((e) => e.type)).toEqual(['MESSAGE']);
  });

  it('two messages claiming at the same moment: one run is claimed, the other queues (no error)', async () => {
    const { conversations } = t.app.services;
    for (let round = 0; round < 5; round++) {
      const { conversation } = await conversations.start({});
      const sent = await Promise.all([
        conversations.sendMessage(conversation.id, 'first', 'AUTO', { claimFor }),
        conversations.sendMessage(conversation.id, 'second', 'AUTO', { claimFor }),
      ]);
      expect(sent.map((s) => s.run.status).sort()).toEqual(['PENDING', 'RUNNING']);
      const runs = await conversations.runsOf(conversation.id);
      expect(runs.filter((r) => r.status === 'RUNNING')).toHaveLength(1);
    }
  });

  it('refuses an unknown conversation and an empty message with typed errors, storing nothing', async () => {
    const { conversations } = t.app.services;
    await expect(
      conversations.sendMessage('00000000-0000-4000-8000-00000000dead', 'hi', 'AUTO', { claimFor }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { conversation } = await conversations.start({});
    await expect(conversations.sendMessage(conversation.id, '   ')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await conversations.runsOf(conversation.id)).toEqual([]);
  });
});
