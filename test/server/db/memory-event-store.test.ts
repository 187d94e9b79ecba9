import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../server/src/db/memory-event-store.js';
import type { NewEvent } from '../../../server/src/domain/events.js';

const conversationId = '00000000-0000-4000-8000-000000000001';
const other = '00000000-0000-4000-8000-000000000002';
const runId = '00000000-0000-4000-8000-0000000000aa';
const msg = (text: string, conversation = conversationId): NewEvent => ({
  type: 'MESSAGE',
  conversationId: conversation,
  runId,
  data: { role: 'user', text },
});
const texts = (events: { type: string; data: unknown }[]) =>
  events.map((e) => (e.type === 'MESSAGE' ? (e.data as { text: string }).text : e.type));

describe('MemoryEventStore', () => {
  it('assigns increasing ids across batches and reads after a cursor, in order', async () => {
    const store = new MemoryEventStore();
    const first = await store.append([msg('a'), msg('b')]);
    const second = await store.append([msg('c')]);
    expect([...first, ...second].map((e) => e.id)).toEqual([1, 2, 3]);
    expect(first[0]).toMatchObject({ conversationId, runId, taskId: null, agentName: null });
    expect(first[0]?.createdAt).toBeInstanceOf(Date);
    expect(texts(await store.list({ conversationId, after: 1 }))).toEqual(['b', 'c']);
    expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('never stores MESSAGE_DELTA, and a delta-only batch stores nothing', async () => {
    const store = new MemoryEventStore();
    const stored = await store.append([
      msg('a'),
      { type: 'MESSAGE_DELTA', conversationId, runId, data: { delta: 'x' } },
      msg('b'),
    ]);
    expect(texts(stored)).toEqual(['a', 'b']);
    expect(await store.append([{ type: 'MESSAGE_DELTA', conversationId, data: { delta: 'y' } }])).toEqual([]);
    expect(stored.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('filters like EventStore.list: conversation, run, types, agents, range and limit', async () => {
    const store = new MemoryEventStore();
    await store.append([
      msg('a'),
      msg('elsewhere', other),
      {
        type: 'TASK_STARTED',
        conversationId,
        runId,
        taskId: 't1',
        agentName: 'OrderManagementAgent',
        data: { statusMessage: 's', instruction: 'i' },
      },
      { type: 'RUN_COMPLETED', conversationId, runId: null, data: { reply: 'r', durationMs: 1 } },
      msg('b'),
    ]);
    expect(texts(await store.list({ conversationId }))).toEqual(['a', 'TASK_STARTED', 'RUN_COMPLETED', 'b']);
    expect(texts(await store.list({ conversationId: other }))).toEqual(['elsewhere']);
    expect(texts(await store.list({ runId }))).toEqual(['a', 'elsewhere', 'TASK_STARTED', 'b']);
    expect(texts(await store.list({ types: ['TASK_STARTED', 'RUN_COMPLETED'] }))).toEqual([
      'TASK_STARTED',
      'RUN_COMPLETED',
    ]);
    expect(texts(await store.list({ agentNames: ['OrderManagementAgent'] }))).toEqual(['TASK_STARTED']);
    expect(texts(await store.list({ after: 1, upTo: 3 }))).toEqual(['elsewhere', 'TASK_STARTED']);
    expect(texts(await store.list({ conversationId, limit: 2 }))).toEqual(['a', 'TASK_STARTED']);
  });

  it('applies a run patch with its batch, keeping fields a later patch leaves unset', async () => {
    const store = new MemoryEventStore();
    await store.append([msg('a')], { id: runId, status: 'RUNNING', plan: { tasks: [] } });
    await store.append([], { id: runId, completedTaskIds: ['t1'] });
    expect(store.run(runId)).toMatchObject({ status: 'RUNNING', plan: { tasks: [] }, completedTaskIds: ['t1'] });
    expect(store.run(runId)?.finishedAt).toBeUndefined();
    await store.append([msg('done')], { id: runId, status: 'COMPLETED', finished: true });
    expect(store.run(runId)?.status).toBe('COMPLETED');
    expect(store.run(runId)?.finishedAt).toBeInstanceOf(Date);
  });

  it('clear() forgets events but ids keep increasing', async () => {
    const store = new MemoryEventStore();
    await store.append([msg('a'), msg('b')]);
    store.clear();
    expect(await store.list({})).toEqual([]);
    const [next] = await store.append([msg('c')]);
    expect(next?.id).toBe(3);
  });
});
