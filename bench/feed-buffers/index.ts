/**
 * The heap one API key's stalled eventFeeds hold on a replica: five feeds (SUBSCRIPTION_LIMITS.eventFeed)
 * read their first event and are then left unread while 19,999 events of about 2 KB come (just under the
 * count limit, so that the count alone cuts none off). Run twice: with the count limit alone (20,000 events
 * a feed, as before FEED_BUFFER_MAX_BYTES; the same as the code before it while no feed reaches the count),
 * and with the byte limits' defaults. Prints the heap after a full GC, above the baseline (at the end, and the most sampled every
 * 1,000 events), and how the feeds ended.
 *
 *   node --expose-gc --import tsx bench/feed-buffers/index.ts [--kb 2]
 *
 * `--case conversation`: the RSS of a replica process with `--streams` conversationEvents subscriptions of one API key
 * (a key may open 5,000), each on its own busy conversation, all read up to their first event and then left unread
 * while `--events` events of `--kb` KB come to each conversation. Each run in a fresh process (RSS does not shrink
 * back within one): count only (as before conversationEvents was bounded by bytes), then the byte limits' defaults.
 * RSS and heap are sampled after a full GC every 500 events.
 *
 *   node --expose-gc --import tsx bench/feed-buffers/index.ts --case conversation [--streams 10 --events 5000 --kb 4]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { conversationStream, feedStream, MAX_BUFFERED } from '../../server/src/chat/event-stream.js';
import { FeedBuffers } from '../../server/src/chat/feed-buffers.js';
import { loadConfig } from '../../server/src/config.js';
import { FEED_START, type FeedPage, rawToEvent } from '../../server/src/db/event-store.js';
import { MemoryEventBus } from '../../server/src/db/memory-event-bus.js';
import type { BatonEvent } from '../../server/src/domain/events.js';

const { values } = parseArgs({
  options: {
    kb: { type: 'string' },
    case: { type: 'string', default: 'feed' },
    streams: { type: 'string', default: '10' },
    events: { type: 'string', default: '5000' },
    /** Internal: one conversation run of this process, `count` or `bytes`. */
    limits: { type: 'string' },
  },
});
const KB = Number(values.kb ?? (values.case === 'conversation' ? 4 : 2));
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

function flat(seq: number): string {
  const bytes = Buffer.alloc(KB * 1_024, 'x');
  bytes.write(`${seq} `);
  return bytes.toString('latin1');
}

/** A conversation's stored event, as the bus delivers it: one fresh copy per conversation. */
const conversationEvent = (conversation: number, seq: number): BatonEvent =>
  rawToEvent({
    id: conversation * 1_000_000 + seq,
    conversation_id: `00000000-0000-4000-8000-${String(conversation).padStart(12, '0')}`,
    seq,
    run_id: null,
    task_id: null,
    agent_name: null,
    type: 'TOOL_CALL',
    // A fresh flat string per event, as one parsed from the bus or the database is (a slice of one shared string would
    // cost nothing to hold, and flattening it to measure its JSON would grow the heap by itself).
    data: { name: 'store.search', args: {}, output: flat(seq) },
    created_at: new Date().toISOString(),
    tx: String(conversation * 1_000_000 + seq),
  });

/** One run of the conversation case, in this process: prints its RSS figures as one JSON line. */
async function conversationRun(limits: 'count' | 'bytes') {
  const streams = Number(values.streams);
  const events = Number(values.events);
  const bus = new MemoryEventBus();
  // Nothing stored: every event comes live, and what the streams buffer is all the process grows by.
  const store = { list: async () => [] };
  const defaults = loadConfig({}).feedBuffers;
  const buffers = limits === 'bytes' ? new FeedBuffers({ maxEvents: MAX_BUFFERED, ...defaults }) : undefined;
  const principal = { kind: 'key', role: 'integrator', keyId: 'attacker', name: 'attacker' } as const;
  const subscribed = Array.from({ length: streams }, (_, i) => {
    const stream = conversationStream({
      store,
      bus,
      conversationId: conversationEvent(i + 1, 1).conversationId,
      afterSeq: 0,
      includeTransient: true,
      buffers: buffers?.for(principal),
    });
    /** Reads the first event, then stops reading. */
    const reading = stream.next();
    return { stream, reading };
  });
  await tick();
  for (let i = 0; i < streams; i++) bus.publish([conversationEvent(i + 1, 1)]);
  await Promise.all(subscribed.map((s) => s.reading));
  const baseHeap = heap();
  const base = process.memoryUsage().rss;
  let peak = base;
  let peakHeap = 0;
  const started = performance.now();
  for (let seq = 2; seq <= events; seq++) {
    for (let i = 0; i < streams; i++) bus.publish([conversationEvent(i + 1, seq)]);
    if (seq % 100 === 0) await tick();
    if (seq % 500 === 0) {
      // After a full GC: what the streams hold, not the garbage of the events already dropped.
      peakHeap = Math.max(peakHeap, heap() - baseHeap);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  await tick();
  const endHeap = heap() - baseHeap;
  peakHeap = Math.max(peakHeap, endHeap);
  const end = process.memoryUsage().rss;
  peak = Math.max(peak, end);
  const ms = performance.now() - started;
  let ended = 0;
  for (const { stream } of subscribed)
    await stream.next().then(
      () => stream.return(undefined),
      () => ended++,
    );
  await bus.close();
  console.log(JSON.stringify({ base, end, peak, endHeap, peakHeap, ms, ended }));
}

if (values.limits === 'count' || values.limits === 'bytes') {
  await conversationRun(values.limits);
  process.exit(0);
}
if (values.case === 'conversation') {
  const defaults = loadConfig({}).feedBuffers;
  console.log(
    `node ${process.version}, ${values.streams} conversationEvents streams of one key, each on its own conversation, read to their first event, then ${Number(values.events) - 1} events of ${KB} KB each`,
  );
  for (const [limits, label] of [
    ['count', 'count only (20,000 events a stream)'],
    ['bytes', `bytes (${mib(defaults.maxBytes)}, ${mib(defaults.maxBytesPerKey)} a key)`],
  ] as const) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), '--kb', String(KB), '--limits', limits],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(child.stderr);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    console.log(
      `${label.padEnd(36)} RSS ${mib(r.base!)} before, ${mib(r.end!)} at the end, ${mib(r.peak!)} at most (each after a full GC); heap +${mib(r.endHeap!)} at the end, +${mib(r.peakHeap!)} at most; publishing took ${r.ms!.toFixed(0)} ms; ${r.ended} of ${values.streams} ended with SUBSCRIBER_TOO_SLOW`,
    );
  }
  process.exit(0);
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
