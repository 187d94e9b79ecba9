import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const SHOP_WORDS = ['order', 'return', 'shoes', 'blue', 'running', 'refund', 'address', 'cancel', 'laptop', 'charger'];

/** A long, deterministic shopper message: shop words among made-up ones (each a spelling puzzle), 8,000 characters. */
function longMessage(seed: number): string {
  let s = seed;
  const words: string[] = [];
  for (let len = 0; len < 8_000; ) {
    s = (s * 1_103_515_245 + 12_345) & 0x7fffffff;
    const word =
      s % 3 === 0
        ? SHOP_WORDS[s % SHOP_WORDS.length]!
        : Array.from({ length: 3 + (s % 9) }, (_, i) => String.fromCharCode(97 + ((s >> i) % 26))).join('');
    words.push(word);
    len += word.length + 1;
  }
  return `Hi, about my order #W7678072: ${words.join(' ')}`.slice(0, 8_000);
}

/**
 * Other shapes of a long message, so the bound holds for what a script may paste, not for one text:
 * one giant word, a pasted log, many emails and order ids.
 */
function otherShape(seed: number): string {
  const fill = (unit: (i: number) => string) => {
    let text = '';
    for (let i = 0; text.length < 8_000; i++) text += unit(i);
    return text.slice(0, 8_000);
  };
  switch (seed % 3) {
    case 0:
      return String.fromCharCode(97 + (seed % 26)).repeat(8_000);
    case 1:
      return fill(
        (i) =>
          `2026-12-05T03:12:${i % 60}.123Z ERROR [worker-${(i + seed) % 7}] job ${(i * 7919).toString(16)} failed\n`,
      );
    default:
      return fill((i) => `order #W${1_000_000 + i * 37 + seed} for user${i}.name@example${i % 5}.com, `);
  }
}

/** Nearest-rank percentile. */
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil(p * values.length) - 1]!;

/**
 * Availability: one integrator key floods long messages (8,000 characters of several shapes, within
 * every limit); a shopper in another conversation keeps a turn time (p99) within twice its quiet
 * figure. Per-principal run slots keep the flood's runs from crowding the process, a key with a backlog
 * gives way to others' turns at each step (GiveWay), and the offline stand-in's work per message is
 * bounded and linear in the text, so no message holds the event loop for long.
 */
describe('fairness under a flood of long messages', () => {
  let t: TestApp;
  let floodKey: string;
  /** Shoppers take turns, so none passes its conversation's message limit. */
  const shoppers: { id: string; token: string }[] = [];
  const floodConversations: string[] = [];
  /** Made before measuring, so the test's own text generation does not load the process it measures. */
  const floodTexts = Array.from({ length: 64 }, (_, i) => (i % 2 ? otherShape(i) : longMessage(i + 1)));

  beforeAll(async () => {
    // The flood sends about 150 messages a second for seconds at a time: over the default 600 a minute a
    // key may send. Refused messages would cost the server little, so the operator's limit is raised
    // here, and the test measures what a flood the server accepts does to everyone else.
    t = await createTestApp({
      env: { SEED_DEMO_DATA: 'true', AUTH_MODE: 'keys', RATE_LIMIT_MESSAGES_PER_KEY: '3000' },
    });
    floodKey = (await t.app.services.apiKeys.create('flood', 'integrator')).key;
    // 606 turns in all: enough shoppers that none passes its conversation's message limit (30 a minute).
    for (let i = 0; i < 40; i++) {
      const started = await t.app.services.conversations.start({});
      shoppers.push({ id: started.conversation.id, token: started.token });
    }
    // About 900 flood messages: 15 or so a conversation.
    for (let i = 0; i < 60; i++) {
      const r = await t.gql<{ startConversation: { conversation: { id: string } } }>(
        'mutation { startConversation(input: {}) { conversation { id } } }',
        {},
        floodKey,
      );
      floodConversations.push(r.data!.startConversation.conversation.id);
    }
  }, 120_000);
  afterAll(() => t.close());

  const send = (conversationId: string, text: string, token: string) =>
    t.gql<{ sendMessage: { id: string } | null }>(
      'mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id } }',
      { c: conversationId, t: text },
      token,
    );

  /** One shopper turn: from sending the message to RUN_COMPLETED reaching a subscriber of the bus. */
  const quietTurn = async (shopper: { id: string; token: string }, text: string): Promise<number> => {
    const started = performance.now();
    let runId: string | undefined;
    let finished: (() => void) | undefined;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const seen = new Set<string>();
    const stop = t.app.services.bus.subscribe((e) => {
      if (e.conversationId !== shopper.id || (e.type !== 'RUN_COMPLETED' && e.type !== 'RUN_FAILED')) return;
      seen.add(e.runId!);
      if (runId && seen.has(runId)) finished!();
    });
    try {
      const r = await send(shopper.id, text, shopper.token);
      expect(r.errors).toBeUndefined();
      runId = r.data!.sendMessage!.id;
      if (seen.has(runId)) finished!();
      await done;
      return performance.now() - started;
    } finally {
      stop();
    }
  };

  const QUIET_TEXTS = ['Do you sell running shoes in blue?', 'What is your return policy?', 'Hi there!'];
  const turns = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++)
      out.push(await quietTurn(shoppers[i % shoppers.length]!, QUIET_TEXTS[i % QUIET_TEXTS.length]!));
    return out;
  };

  /** Floods from the key until `stop` resolves: every flood conversation sends its next long message once its last one is answered. */
  const flood = (stop: Promise<void>) => {
    let flooding = true;
    let sent = 0;
    let refused = 0;
    void stop.then(() => {
      flooding = false;
    });
    // Each flood conversation sends its next message once its last run ends, as a client following the
    // conversation's events would (not by polling, which would load the process this test measures).
    const ended = new Map<string, () => void>();
    const off = t.app.services.bus.subscribe((e) => {
      if (e.type === 'RUN_COMPLETED' || e.type === 'RUN_FAILED' || e.type === 'RUN_CANCELLED') ended.get(e.runId!)?.();
    });
    void stop.then(() => {
      for (const end of ended.values()) end();
    });
    const one = async (conversationId: string): Promise<void> => {
      while (flooding) {
        const r = await send(
          conversationId,
          floodTexts[(sent++ + floodConversations.length) % floodTexts.length]!,
          floodKey,
        );
        if (r.errors) refused++;
        const runId = r.data?.sendMessage?.id;
        if (!runId) return;
        await new Promise<void>((resolve) => {
          ended.set(runId, resolve);
          if (!flooding || !t.app.services.runs.isActive(runId)) resolve();
        });
        ended.delete(runId);
      }
    };
    const all = Promise.all(floodConversations.map(one)).finally(off);
    return { done: all.then(() => ({ sent, refused })) };
  };

  // Issue 14 asks for 2x. Measured figures are in docs/security.md (Availability). The project runs this
  // file after every other test file and alone (vitest.config.ts), so the two cores are not shared with
  // another file's servers while it measures.
  it('keeps another conversation’s turn p99 within 2x its quiet figure', async () => {
    await turns(6); // warm up
    // Quiet and flooded phases alternate, so both see the same machine (others' load comes and goes).
    const quiet: number[] = [];
    const loaded: number[] = [];
    let sent = 0;
    let refused = 0;
    const delay = monitorEventLoopDelay({ resolution: 1 });
    // 300 turns each: the p99 is then the third-slowest turn. Over 100 it was the second-slowest, which
    // says more about the machine's other work at that moment than about the server (ratios of 1.2x to
    // 2.3x in runs of the same code).
    for (let phase = 0; phase < 10; phase++) {
      quiet.push(...(await turns(30)));
      let stop!: () => void;
      const f = flood(
        new Promise<void>((r) => {
          stop = r;
        }),
      );
      await new Promise((r) => setTimeout(r, 200)); // the flood's first 40 messages are in
      delay.enable();
      loaded.push(...(await turns(30)));
      delay.disable();
      stop();
      const counts = await f.done;
      sent += counts.sent;
      refused += counts.refused;
      await t.app.services.runs.idle();
    }

    const quietP99 = percentile(quiet, 0.99);
    const loadedP99 = percentile(loaded, 0.99);
    console.log(
      `quiet p50 ${percentile(quiet, 0.5).toFixed(1)} ms p99 ${quietP99.toFixed(1)} ms; under flood p50 ${percentile(loaded, 0.5).toFixed(1)} ms p99 ${loadedP99.toFixed(1)} ms (${(loadedP99 / quietP99).toFixed(2)}x); ${sent} flood messages, ${refused} refused; event loop delay under flood p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms (taken on this machine, whatever else it runs)`,
    );
    expect(refused).toBe(0);
    expect(sent).toBeGreaterThan(200);
    expect(loadedP99).toBeLessThanOrEqual(2 * quietP99);
  }, 240_000);
});
