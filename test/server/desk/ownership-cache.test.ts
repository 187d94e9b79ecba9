import { describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import { OwnershipCache } from '../../../server/src/desk/ownership-cache.js';
import type { BatonEvent } from '../../../server/src/domain/events.js';

const event = (type: 'HUMAN_REQUESTED' | 'HUMAN_JOINED' | 'HANDED_BACK' | 'RESOLVED', seq: number): BatonEvent =>
  ({
    id: 100 + seq,
    seq,
    conversationId: 'c1',
    type,
    createdAt: new Date(),
    data:
      type === 'HUMAN_REQUESTED'
        ? { by: 'shopper', reason: 'x', ticketId: 't1' }
        : type === 'HANDED_BACK'
          ? { human: 'Dana', note: '' }
          : type === 'RESOLVED'
            ? { by: 'Dana', ticketId: 't1' }
            : { human: 'Dana', ticketId: 't1' },
  }) as BatonEvent;

describe('OwnershipCache', () => {
  it('ignores a hand-off event the bus delivers again after a newer one', async () => {
    const bus = new MemoryEventBus();
    const cache = new OwnershipCache();
    await cache.start(bus, async () => []);
    bus.publish([event('HUMAN_REQUESTED', 3)]);
    bus.publish([event('HUMAN_JOINED', 5)]);
    expect(cache.get('c1')).toBe('HUMAN');
    bus.publish([event('HANDED_BACK', 9)]);
    expect(cache.get('c1')).toBeUndefined();
    // PostgreSQL's bus reads the log again and brings the claim back late: the conversation stays the bot's.
    bus.publish([event('HUMAN_JOINED', 5)]);
    expect(cache.get('c1')).toBeUndefined();
    bus.publish([event('HUMAN_REQUESTED', 12)]);
    expect(cache.get('c1')).toBe('WAITING_FOR_HUMAN');
  });

  it('keeps a change this process made against an older event arriving after it, and starts from the stored state', async () => {
    const bus = new MemoryEventBus();
    const cache = new OwnershipCache();
    await cache.start(bus, async () => [{ conversationId: 'c1', state: 'HUMAN', seq: 7 }]);
    expect(cache.get('c1')).toBe('HUMAN');
    bus.publish([event('HUMAN_REQUESTED', 3)]);
    expect(cache.get('c1')).toBe('HUMAN');
    cache.set('c1', 'RESOLVED', 10);
    bus.publish([event('HUMAN_JOINED', 7)]);
    expect(cache.get('c1')).toBeUndefined();
    bus.publish([event('RESOLVED', 10)]);
    expect(cache.get('c1')).toBeUndefined();
  });
});
