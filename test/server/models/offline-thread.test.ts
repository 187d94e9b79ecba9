import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { OfflineProvider } from '../../../offline-model/src/offline-provider.js';
import { isModelError } from '../../../server/src/errors.js';
import { createOfflineModelProvider } from '../../../server/src/models/create-model-provider.js';
import { OfflineThread } from '../../../server/src/models/offline-thread.js';
import { planRequest } from '../../offline-model/requests.js';

/** A long message of made-up words, order ids and emails: the stand-in's costliest reading. */
function longMessage(seed: number): string {
  let text = `Hi, about my order #W${2_611_340 + seed}: `;
  for (let i = 0; text.length < 8_000; i++)
    text += `${String.fromCharCode(97 + ((i * 7 + seed) % 26))}${(i * 7919 + seed).toString(36)} order #W${1_000_000 + i} user${i}@example.com, `;
  return text.slice(0, 8_000);
}

describe('the offline stand-in on its own thread', () => {
  const models = createOfflineModelProvider();
  afterAll(() => OfflineThread.shared().close());

  it('answers as the stand-in does in the calling thread, and streams the same words in order', async () => {
    for (const text of ['Where is my order #W2611340?', 'Cancel order #W5918442 and sign me up for the newsletter']) {
      const deltas: string[] = [];
      const here = await new OfflineProvider().complete(planRequest(text));
      const there = await models.complete({ ...planRequest(text), onDelta: (d) => deltas.push(d) });
      expect(there).toEqual(here);
      expect(deltas.join('')).toBe(there.content);
    }
  });

  it('keeps the calling thread free while it plans long messages', async () => {
    const requests = Array.from({ length: 24 }, (_, i) => planRequest(longMessage(i)));
    // The same work in this thread, for scale: busy the whole time.
    const inThread = new OfflineProvider();
    const before = performance.eventLoopUtilization();
    let spent = 0;
    for (const r of requests) {
      const t = performance.now();
      await inThread.complete(r);
      spent += performance.now() - t;
    }
    expect(performance.eventLoopUtilization(before).utilization).toBeGreaterThan(0.8);

    const started = performance.eventLoopUtilization();
    const replies = await Promise.all(requests.map((r) => models.complete(r)));
    const used = performance.eventLoopUtilization(started);
    expect(replies.every((r) => r.content?.includes('"tasks"'))).toBe(true);
    // Sending the requests and reading the replies is all this thread does: a small part of the time.
    expect(used.active).toBeLessThan(spent / 2);
    expect(used.utilization).toBeLessThan(0.5);
  });

  it('rejects a cancelled call at once, and one cancelled before it starts', async () => {
    const before = new AbortController();
    before.abort();
    await expect(models.complete({ ...planRequest('Hi'), signal: before.signal })).rejects.toSatisfy(isModelError);

    const during = new AbortController();
    const call = models.complete({ ...planRequest(longMessage(99)), signal: during.signal });
    during.abort();
    await expect(call).rejects.toThrow('cancelled');
    // The thread goes on serving calls.
    await expect(models.complete(planRequest('Hi there'))).resolves.toMatchObject({ model: 'offline-rules' });
  });

  it('fails the call whose delta handler throws, and only that call', async () => {
    const failing = models.complete({
      ...planRequest('Where is my order #W2611340?'),
      onDelta: () => {
        throw new Error('the client went away');
      },
    });
    const other = models.complete(planRequest('Where is my order #W2611340?'));
    await expect(failing).rejects.toThrow('the client went away');
    await expect(other).resolves.toMatchObject({ finishReason: 'stop' });
  });

  it('turns the stand-in’s own refusals into model errors', async () => {
    const request = {
      agentName: 'X',
      messages: [{ role: 'user' as const, content: 'Summarise this' }],
      responseFormat: { name: 'summary', schema: { type: 'object', properties: { text: { type: 'string' } } } },
    };
    await expect(models.complete(request)).rejects.toSatisfy(
      (e: unknown) => isModelError(e) && /cannot produce structured output "summary"/.test((e as Error).message),
    );
  });

  it('takes a shopper’s call before the waiting calls of a principal that gives way', async () => {
    await models.complete(planRequest('Hi')); // the thread is up
    const done: string[] = [];
    // A key running eight shoppers' turns side by side (heavy: it gives way), then one shopper of its own.
    const heavy = Array.from({ length: 8 }, (_, i) =>
      models
        .complete({ ...planRequest(longMessage(100 + i)), givesWay: () => true })
        .then(() => void done.push(`key ${i}`)),
    );
    await new Promise((r) => setImmediate(r)); // the shopper writes a moment later
    const shopper = models.complete(planRequest('Where is my order #W2611340?')).then(() => void done.push('shopper'));
    await Promise.all([...heavy, shopper]);
    // Two of the key's calls were handed to the thread before the shopper's arrived; the other six wait behind it.
    expect(done.indexOf('shopper')).toBeLessThanOrEqual(2);
    // Among themselves, the key's calls keep their order.
    expect(done.filter((d) => d !== 'shopper')).toEqual(Array.from({ length: 8 }, (_, i) => `key ${i}`));
  });

  it('fails the calls of a thread that stops, and starts a new thread for the next call', async () => {
    const thread = OfflineThread.shared();
    await models.complete(planRequest('Hi')); // the thread is up
    const pending = Array.from({ length: 5 }, (_, i) => models.complete(planRequest(longMessage(i))));
    await thread.close();
    for (const call of pending) await expect(call).rejects.toThrow(/stand-in's thread stopped/);
    await expect(models.complete(planRequest('Where is my order #W2611340?'))).resolves.toMatchObject({
      finishReason: 'stop',
    });
  });
});
