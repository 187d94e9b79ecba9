import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { repoPath } from '../paths.js';

/** A PGlite statement's failure or the worker's, with the fields PGlite gave it (`code`, `detail`, ...). */
export class PgliteThreadError extends Error {
  code?: string;
  constructor(error: SerializedError) {
    super(error.message);
    Object.assign(this, error.fields);
    this.name = error.name;
    if (error.stack) this.stack = error.stack;
  }
}

/** The worker is gone (it crashed, or the database was closed): SQLSTATE class 08, as a dropped connection. */
function goneError(why: string): PgliteThreadError {
  return new PgliteThreadError({
    name: 'PgliteThreadError',
    message: `The embedded database is not running: ${why}`,
    fields: { code: '08006' },
  });
}

/** What the server's thread asks the worker. Requests arrive in the order they must run. */
export type PgliteRequest =
  | {
      id: number;
      op: 'query';
      text: string;
      params: unknown[];
      rowMode: 'object' | 'array';
      /** Types the worker returns as text, for the caller's parsers (functions, which cannot cross). */
      rawTypes: number[];
    }
  | { id: number; op: 'exec'; text: string }
  /** COMMIT, failing with 25P02 if the transaction had failed and so rolled back. */
  | { id: number; op: 'commit' }
  | { id: number; op: 'listen' | 'unlisten'; channel: string }
  | { id: number; op: 'dump'; compression: 'none' | 'gzip' | 'auto' }
  | { id: number; op: 'close' };

export type PgliteReply =
  | { op: 'ready' }
  | { op: 'failed'; error: SerializedError }
  | { op: 'result'; id: number; value: unknown }
  | { op: 'error'; id: number; error: SerializedError }
  | { op: 'notification'; channel: string; payload: string };

export interface PgliteWorkerData {
  dataDir?: string;
  /** A data-directory dump (tar or tar.gz) to start from. */
  loadDataDir?: ArrayBuffer;
}

/** An error as it crosses the thread boundary: its message plus its own fields (a DatabaseError's `code`, ...). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

type Request = PgliteRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The part of PGlite's interface that Baton and drizzle's PGlite driver use. */
export interface PgliteClient {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(text: string): Promise<Results[]>;
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

/**
 * PGlite on a worker thread (pglite-worker.mjs), behind the calls of PGlite's own client that Baton
 * and drizzle use: query, exec, transaction, listen, dumpDataDir, close. PGlite is one session, so
 * calls run in the order they are made, and a transaction's statements run with nothing between
 * them: a call made while a transaction is open waits for its end, as in PGlite. Statements are
 * not awaited one by one: the worker receives the next while it runs the last.
 */
export class PgliteThread implements PgliteClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  #nextId = 1;
  /** Settles when the last transaction begun so far has ended; calls outside it wait for this. */
  #idle: Promise<void> = Promise.resolve();
  #closed = false;
  #gone?: PgliteThreadError;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: PgliteReply) => this.#receive(reply));
    worker.on('error', (error) => this.#fail(goneError(`its worker thread failed (${error.message})`)));
    worker.on('exit', (code) => this.#fail(goneError(`its worker thread exited (code ${code})`)));
    // Like PGlite on the main thread, an idle database does not keep the process alive.
    worker.unref();
  }

  static async create(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PgliteThread> {
    const data: PgliteWorkerData = {
      ...(options.dataDir && { dataDir: options.dataDir }),
      ...(options.loadDataDir && { loadDataDir: await options.loadDataDir.arrayBuffer() }),
    };
    const worker = new Worker(repoPath('server', 'src', 'db', 'pglite-worker.mjs'), {
      workerData: data,
      transferList: data.loadDataDir ? [data.loadDataDir] : [],
      // Plain JavaScript: the server's loader flags (tsx's, under `pnpm start`) would only slow its start.
      execArgv: [],
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: PgliteReply) => {
        if (reply.op === 'ready') done(() => resolve());
        else if (reply.op === 'failed') done(() => reject(new PgliteThreadError(reply.error)));
      };
      const onError = (error: Error) => done(() => reject(error));
      const onExit = (code: number) => done(() => reject(goneError(`its worker thread exited (code ${code})`)));
      const done = (settle: () => void) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        settle();
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    }).catch(async (error) => {
      await worker.terminate();
      throw error;
    });
    return new PgliteThread(worker);
  }

  get closed(): boolean {
    return this.#closed;
  }

  query<T>(text: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.#open().then(() => this.#query<T>(text, params, options));
  }

  exec(text: string): Promise<Results[]> {
    return this.#open().then(() => this.#call({ op: 'exec', text }) as Promise<Results[]>);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.#closed) throw this.#gone ?? goneError('it was closed');
    const before = this.#idle;
    let end!: () => void;
    this.#idle = new Promise((resolve) => (end = resolve));
    try {
      await before;
      await this.#call({ op: 'exec', text: 'BEGIN' });
      let closed = false;
      const tx: Transaction = {
        query: (text, params = [], options = {}) => this.#query(text, params, options),
        sql: () => Promise.reject(new Error('tx.sql is not supported on PgliteThread; use tx.query')),
        exec: async (text) => (await this.#call({ op: 'exec', text })) as Results[],
        rollback: async () => {
          await this.#call({ op: 'exec', text: 'ROLLBACK' });
          closed = true;
        },
        listen: () => Promise.reject(new Error('LISTEN inside a transaction is not supported on PgliteThread')),
        get closed() {
          return closed;
        },
      };
      try {
        const result = await fn(tx);
        if (!closed) {
          closed = true;
          await this.#call({ op: 'commit' });
        }
        return result;
      } catch (error) {
        if (!closed) await this.#call({ op: 'exec', text: 'ROLLBACK' }).catch(() => {});
        throw error;
      }
    } finally {
      end();
    }
  }

  /** Subscribes to NOTIFY on `channel`; resolves once listening, with the unsubscribe function. */
  async listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>> {
    const callbacks = this.#listeners.get(channel) ?? new Set();
    this.#listeners.set(channel, callbacks);
    callbacks.add(callback);
    await this.#open();
    await this.#call({ op: 'listen', channel });
    return async () => {
      callbacks.delete(callback);
      if (callbacks.size === 0 && this.#listeners.get(channel) === callbacks) {
        this.#listeners.delete(channel);
        if (!this.#closed) await this.#call({ op: 'unlisten', channel });
      }
    };
  }

  async dumpDataDir(compression: 'none' | 'gzip' | 'auto' = 'auto'): Promise<Blob> {
    await this.#open();
    return new Blob([(await this.#call({ op: 'dump', compression })) as ArrayBuffer]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#idle;
      await this.#call({ op: 'close' });
    } finally {
      this.#fail(goneError('it was closed'));
      await this.#worker.terminate();
    }
  }

  async #query<T>(text: string, params: unknown[], options: QueryOptions): Promise<Results<T>> {
    const parsers = options.parsers ?? {};
    const rawTypes = Object.keys(parsers).map(Number);
    const rowMode = options.rowMode ?? 'object';
    const result = (await this.#call({ op: 'query', text, params, rowMode, rawTypes })) as Results<T>;
    if (rawTypes.length === 0) return result;
    // The worker returned these types as text; the caller's parsers (functions) run here.
    result.fields.forEach((field, index) => {
      const parse = parsers[field.dataTypeID];
      if (!parse) return;
      const key = rowMode === 'array' ? index : field.name;
      for (const row of result.rows as Record<string | number, unknown>[]) {
        const value = row[key];
        if (value !== null && value !== undefined) row[key] = parse(value as string);
      }
    });
    return result;
  }

  /**
   * Resolves when a call made now may be sent: after any transaction begun before it. A call made
   * after close() is refused; one made before it still runs.
   */
  #open(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#gone ?? goneError('it was closed'));
    return this.#idle;
  }

  #call(request: Request): Promise<unknown> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id } as PgliteRequest);
    });
  }

  #receive(reply: PgliteReply) {
    if (reply.op === 'notification') {
      for (const callback of this.#listeners.get(reply.channel) ?? []) callback(reply.payload);
      return;
    }
    if (reply.op !== 'result' && reply.op !== 'error') return;
    const call = this.#pending.get(reply.id);
    if (!call) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.op === 'result') call.resolve(reply.value);
    else call.reject(new PgliteThreadError(reply.error));
  }

  #fail(error: PgliteThreadError) {
    this.#gone ??= error;
    this.#closed = true;
    for (const call of this.#pending.values()) call.reject(error);
    this.#pending.clear();
  }
}
