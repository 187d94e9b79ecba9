import { describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import type { NotFoundError } from '../../../server/src/errors.js';
import { DeletedConversations } from '../../../server/src/privacy/deleted-conversations.js';

/** Two replicas' DeletedConversations on one bus, over a set of existing conversation ids. */
function replicas() {
  const bus = new MemoryEventBus();
  const existing = new Set(['c1', 'c2', 'c3']);
  const lookups: string[][] = [];
  const forgotten: (readonly string[] | 'all')[] = [];
  const make = () =>
    new DeletedConversations({
      bus,
      existing: async (ids) => {
        lookups.push([...ids]);
        return new Set(ids.filter((id) => existing.has(id)));
      },
      forget: (ids) => forgotten.push(ids),
      logger: { warn: () => {} },
    });
  return { bus, existing, lookups, forgotten, a: make(), b: make() };
}

/** Starts a watch and records what ends it. */
function watch(w: { start(onGone: (e: NotFoundError) => void): () => void }) {
  const ended: NotFoundError[] = [];
  const stop = w.start((e) => ended.push(e));
  return { ended, stop };
}

const settled = () => new Promise((r) => setTimeout(r, 0));

describe('DeletedConversations', () => {
  it('ends, on the other replica, only the streams whose conversation is gone, after one lookup', async () => {
    const { a, b, existing, lookups, forgotten } = replicas();
    const gone = watch(b.open('c1'));
    const goneToo = watch(b.open('c1'));
    const kept = watch(b.open('c2'));
    existing.delete('c1');
    a.deleted(['c1']);
    await settled();
    expect(gone.ended.map((e) => [e.code, e.details.reason])).toEqual([['NOT_FOUND', 'CONVERSATION_DELETED']]);
    expect(goneToo.ended).toHaveLength(1);
    expect(kept.ended).toEqual([]);
    expect(lookups).toEqual([['c1', 'c2']]);
    // A forgets what it deleted; B, told no ids, forgets every token it remembered.
    expect(forgotten).toEqual([['c1'], 'all']);
    expect(b.watched).toBe(1);
    kept.stop();
    expect(b.watched).toBe(0);
  });

  it('ends the deleting replica’s own streams without a lookup', async () => {
    const { a, existing, lookups } = replicas();
    const own = watch(a.open('c3'));
    existing.delete('c3');
    a.deleted(['c3']);
    await settled();
    expect(own.ended).toHaveLength(1);
    expect(lookups).toEqual([]);
  });

  it('a stream opened before a deletion and started after it looks its conversation up again', async () => {
    const { a, b, existing, lookups } = replicas();
    // Opened (the subscription then finds the conversation), deleted on A meanwhile, started after.
    const late = b.open('c1');
    const lateOnA = a.begin();
    existing.delete('c1');
    a.deleted(['c1']);
    await settled();
    const started = watch(late);
    const startedOnA = watch(lateOnA('c1'));
    await settled();
    expect(started.ended).toHaveLength(1);
    expect(startedOnA.ended).toHaveLength(1);
    // A stream opened after the deletion was heard needs no lookup: its own check would find nothing.
    const after = watch(b.open('c2'));
    await settled();
    expect(after.ended).toEqual([]);
    expect(lookups).toEqual([['c1'], ['c1']]);
  });
});
