// @ts-check
// JavaScript, not TypeScript: Node 20 cannot load TypeScript into a worker thread without registering
// a loader there first, which costs a quarter of a second per database. Type-checked all the same.

import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, protocol } from '@electric-sql/pglite';

/**
 * @typedef {import('./pglite-thread.js').PgliteRequest} PgliteRequest
 * @typedef {import('./pglite-thread.js').PgliteReply} PgliteReply
 * @typedef {import('./pglite-thread.js').PgliteWorkerData} PgliteWorkerData
 * @typedef {import('./pglite-thread.js').SerializedError} SerializedError
 * @typedef {import('@electric-sql/pglite').Results<unknown>} Results
 */

/*
 * The worker thread that runs PGlite for PgliteThread. PGlite executes every statement synchronously
 * in WebAssembly: on the server's own thread, each one (0.4–2 ms) would stall HTTP, WebSocket and
 * model-stream handling. Here it runs beside them; only the messages of pglite-thread.ts cross.
 */

if (!parentPort) throw new Error('pglite-worker.mjs runs as a worker thread (see PgliteThread)');
const port = parentPort;

/** @param {PgliteReply} reply @param {ArrayBuffer[]} [transfer] */
const send = (reply, transfer = []) => port.postMessage(reply, transfer);

/**
 * An error as it can cross the thread boundary: its message plus its own fields (a DatabaseError's
 * `code`, `detail`, ...). PGlite attaches the query's options, parsers included: functions stay behind.
 * @param {unknown} error
 * @returns {SerializedError}
 */
function serializeError(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  /** @type {Record<string, unknown>} */
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'function') continue;
    try {
      fields[key] = structuredClone(value);
    } catch {}
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

/**
 * A result without what cannot cross (PGlite's result may carry a written Blob).
 * @param {Results} result
 * @returns {Results}
 */
function plain(result) {
  return {
    rows: result.rows,
    fields: result.fields,
    ...(result.affectedRows !== undefined && { affectedRows: result.affectedRows }),
  };
}

/** @param {string} value */
const identity = (value) => value;

/** @param {PGlite} pg */
function serve(pg) {
  /** @type {Map<string, () => Promise<void>>} */
  const unlisten = new Map();

  /**
   * @param {PgliteRequest} request
   * @returns {Promise<{ value: unknown, transfer?: ArrayBuffer[] }>}
   */
  const run = async (request) => {
    switch (request.op) {
      case 'query': {
        // The caller's parsers are functions and run on its side: these types come back as text.
        const parsers = Object.fromEntries(request.rawTypes.map((type) => [type, identity]));
        const result = await pg.query(request.text, request.params, { rowMode: request.rowMode, parsers });
        return { value: plain(result) };
      }
      case 'exec':
        return { value: (await pg.exec(request.text)).map(plain) };
      case 'commit': {
        // A transaction in which a statement failed ends in ROLLBACK, without an error from COMMIT:
        // fail as PGlite's own transaction() does rather than report a commit that did not happen.
        const { messages } = await pg.execProtocol(protocol.serialize.query('COMMIT'));
        const done = messages.find((m) => m.name === 'commandComplete');
        if (done && 'text' in done && done.text === 'ROLLBACK')
          throw Object.assign(new Error('Transaction was rolled back instead of committed'), {
            code: '25P02',
            severity: 'ERROR',
          });
        return { value: null };
      }
      case 'listen': {
        const channel = request.channel;
        if (!unlisten.has(channel))
          unlisten.set(channel, await pg.listen(channel, (payload) => send({ op: 'notification', channel, payload })));
        return { value: null };
      }
      case 'unlisten':
        await unlisten.get(request.channel)?.();
        unlisten.delete(request.channel);
        return { value: null };
      case 'dump': {
        const bytes = await (await pg.dumpDataDir(request.compression)).arrayBuffer();
        return { value: bytes, transfer: [bytes] };
      }
      case 'close':
        if (!pg.closed) await pg.close();
        return { value: null };
    }
  };

  port.on('message', (/** @type {PgliteRequest} */ request) => {
    // Not awaited one by one: PGlite runs its calls in the order they were made.
    run(request).then(
      ({ value, transfer }) => {
        send({ op: 'result', id: request.id, value }, transfer);
        if (request.op === 'close') port.close();
      },
      (error) => send({ op: 'error', id: request.id, error: serializeError(error) }),
    );
  });
  send({ op: 'ready' });
}

const options = /** @type {PgliteWorkerData} */ (workerData);
PGlite.create({
  ...(options.dataDir && { dataDir: options.dataDir }),
  ...(options.loadDataDir && { loadDataDir: new Blob([options.loadDataDir]) }),
})
  .then(async (pg) => {
    // PGlite runs no checkpointer, so WAL segments are not recycled: every 16 MB of WAL starts a new
    // segment file, which PostgreSQL fills with zeros first. That held the one session for 40-100 ms
    // (every statement of every conversation waiting) about every 2,000 stored messages. PGlite runs
    // with fsync off, so the zeros guaranteed nothing.
    await pg.exec('set wal_init_zero = off');
    return pg;
  })
  .then(serve, (error) => send({ op: 'failed', error: serializeError(error) }));
