/**
 * The heap one API key's stalled eventFeeds hold on a replica: five feeds (SUBSCRIPTION_LIMITS.eventFeed)
 * read their first event and are then left unread while 19,999 events of about 2 KB come (just under the
 * count limit, so that the count alone cuts none off). Run twice: with the count limit alone (20,000 events
 * a feed, as before FEED_BUFFER_MAX_BYTES; the same as the code before it while no feed reaches the count),
 * and with the byte limits' defaults. Prints the heap after a full GC, above the baseline (at the end, and the most sampled every
 * 1,000 events), and how the feeds ended.
 *
 *   node --expose-gc --import tsx bench/feed-buffers/index.ts [--kb 2]
 */
import { parseArgs } from 'node:util';
import { feedStream, MAX_BUFFERED } from '../../server/src/chat/event-stream.js';
import { FeedBuffers } from '../../server/src/chat/feed-buffers.js';
import { loadConfig } from '../../server/src/config.js';
import { FEED_START, type FeedPage, rawToEvent } from '../../server/src/db/event-store.js';
import { MemoryEventBus } from '../../server/src/db/memory-event-bus.js';
import type { BatonEvent } from '../../server/src/domain/events.js';

const { values } = parseArgs({
  options: { kb: { type: 'string', default: '2' } },
});
const KB = Number(values.kb);
const FEEDS = 5;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;
const tick = () => new Promise((r) => setImmediate(r));
function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const text = 'x'.repeat(KB * 1_024);
/** A stored event, as the bus delivers it; nothing else keeps it. */
const event = (id: number): BatonEvent =>
  rawToEvent({
    id,
    conversation_id: '00000000-0000-4000-8000-000000000001',
    seq: id,
    run_id: null,
    task_id: null,
    agent_name: null,
    type: 'MESSAGE',
    // A fresh string per event, as one parsed from the bus or the database is.
    data: { role: 'assistant', text: `${id} ${text.slice(String(id).length + 1)}` },
    created_at: new Date().toISOString(),
    tx: String(id),
  });

async function run(label: string, bytes: { maxBytes: number; maxBytesPerKey: number }) {
  const bus = new MemoryEventBus();
  const first = event(1);
  // The store holds only the first event: what the feeds buffer is all the heap grows by.
  const store = {
    serialCommits: true,
    async feed(after: { id: number }): Promise<FeedPage> {
      return after.id < 1
        ? { events: [first], position: { tx: '1', id: 1 } }
        : { events: [], position: { tx: String(after.id), id: after.id } };
    },
  };
  const buffers = new FeedBuffers({ maxEvents: MAX_BUFFERED, ...bytes });
  const principal = { kind: 'key', role: 'integrator', keyId: 'attacker', name: 'attacker' } as const;
  const ended: string[] = [];
  const feeds = Array.from({ length: FEEDS }, () => {
    const stream = feedStream({
      store,
      bus,
      after: FEED_START,
      filter: {},
      pollMs: 60_000,
      buffers: buffers.for(principal),
    });
    /** Reads the first event, then stops reading (a client that stopped taking its socket's data). */
    const reading = (async () => {
      for (;;) {
        const { value, done } = await stream.next();
        if (done || value.id! >= 1) return;
      }
    })();
    return { stream, reading };
  });
  await tick();
  const base = heap();
  const total = MAX_BUFFERED;
  let peak = 0;
  const started = performance.now();
  for (let id = 2; id <= total; id++) {
    bus.publish([event(id)]);
    if (id % 100 === 0) await tick();
    if (id % 1_000 === 0) peak = Math.max(peak, heap() - base);
  }
  await tick();
  const held = heap() - base;
  peak = Math.max(peak, held);
  const ms = performance.now() - started;
  for (const [i, { stream }] of feeds.entries())
    await stream.next().then(
      () => stream.return(undefined),
      (e: Error) => ended.push(`feed ${i + 1}: ${e.constructor.name}`),
    );
  await Promise.all(feeds.map((f) => f.reading));
  await bus.close();
  console.log(
    `${label.padEnd(34)} ${total} events of ${KB} KB: heap +${mib(held)} at the end, +${mib(peak)} at most (publishing took ${ms.toFixed(0)} ms); ended: ${ended.join(', ') || 'none'}`,
  );
}

const defaults = loadConfig({}).feedBuffers;
console.log(
  `node ${process.version}, ${FEEDS} feeds of one key, all stalled together, ${MAX_BUFFERED - 1} events each`,
);
await run('count only (20,000 events a feed)', {
  maxBytes: Number.POSITIVE_INFINITY,
  maxBytesPerKey: Number.POSITIVE_INFINITY,
});
await run(`bytes (${mib(defaults.maxBytes)}, ${mib(defaults.maxBytesPerKey)} a key)`, defaults);
