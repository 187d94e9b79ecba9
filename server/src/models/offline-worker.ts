import { parentPort } from 'node:worker_threads';
import { OfflineModelError, OfflineProvider } from '@baton/offline-model';
import type { OfflineCall, OfflineReply } from './offline-thread.js';

/**
 * The offline stand-in's thread (see OfflineThread). It answers calls in the order they arrive, one
 * at a time, as the stand-in's work is all computation.
 */
if (!parentPort) throw new Error('offline-worker runs as a worker thread (see OfflineThread)');
const port = parentPort;
const stand = new OfflineProvider();

port.on('message', async ({ id, request, stream }: OfflineCall) => {
  const deltas: string[] = [];
  let reply: OfflineReply;
  try {
    const response = await stand.complete({ ...request, onDelta: stream ? (d) => deltas.push(d) : undefined });
    reply = { id, response, deltas };
  } catch (err) {
    reply =
      err instanceof OfflineModelError
        ? { id, error: { message: err.message, reason: err.reason } }
        : { id, error: { message: err instanceof Error ? err.message : String(err), stack: (err as Error)?.stack } };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
