import { Worker } from 'node:worker_threads';
import { type ChatRequest, type ChatResponse, OfflineModelError } from '@baton/offline-model';

/** A call as it crosses to the stand-in's thread: the request without its callbacks and signal. */
export interface OfflineCall {
  id: number;
  request: Omit<ChatRequest, 'onDelta' | 'signal'>;
  /** The caller streams: the reply carries the text deltas, in order. */
  stream: boolean;
}

export type OfflineReply =
  | { id: number; response: ChatResponse; deltas: string[] }
  | { id: number; error: { message: string; reason?: OfflineModelError['reason']; stack?: string } };

/** How long a call that gives way may wait behind others' calls before it goes next anyway. */
const MAX_GIVE_WAY_MS = 100;
/**
 * Calls handed to the thread at once: one computing and one ready behind it, so the thread does not idle while the
 * server's thread posts the next. The rest wait here, where a shopper's call can still go ahead of them.
 */
const IN_FLIGHT = 2;

export interface OfflineCallOptions {
  /**
   * Whether this call gives way to others' calls right now: its principal has several runs in progress or a
   * backlog (GiveWay in chat/principal-slots.ts). Read each time the thread takes its next call.
   */
  givesWay?: () => boolean;
}

interface Queued {
  id: number;
  call: OfflineCall;
  givesWay?: () => boolean;
  queuedAt: number;
}

interface Pending {
  resolve: (response: ChatResponse) => void;
  reject: (error: Error) => void;
  onDelta?: (delta: string) => void;
}

/**
 * The offline stand-in on its own worker thread, shared by everything in the process that uses it.
 *
 * The stand-in is computation: planning an 8,000-character message held the server's thread for 6–13 ms
 * (p90–p99 of a flood of them), during which no other conversation's step could run. A language model runs elsewhere and
 * the server only waits for it; on its own thread the stand-in behaves the same way. The thread
 * starts at the first call and keeps the process alive only while calls are pending. If it dies, its
 * pending calls fail and the next call starts a new one.
 *
 * The thread answers one call at a time, so the order it takes them in is the order shoppers wait in. Calls of a
 * principal that gives way (several runs of one API key in progress) go after the others' calls, for at most
 * MAX_GIVE_WAY_MS each: a key running sixteen shoppers' turns side by side does not put sixteen calls ahead of
 * another shopper's.
 */
export class OfflineThread {
  static #shared: OfflineThread | undefined;

  /** The process's stand-in thread. */
  static shared(): OfflineThread {
    OfflineThread.#shared ??= new OfflineThread();
    return OfflineThread.#shared;
  }

  #worker?: Worker;
  #ready?: Promise<Worker>;
  readonly #pending = new Map<number, Pending>();
  /** Calls not yet handed to the thread, in arrival order. */
  #queue: Queued[] = [];
  /** Calls handed to the thread and not yet answered (a cancelled one still is until its reply comes). */
  readonly #inFlight = new Set<number>();
  #nextId = 1;

  complete(request: ChatRequest, options: OfflineCallOptions = {}): Promise<ChatResponse> {
    const { onDelta, signal, ...rest } = request;
    if (signal?.aborted) return Promise.reject(cancelled(signal));
    // Only what the stand-in reads crosses: a ModelRequest's retry budget or tool-call callback would not clone.
    const call: Omit<OfflineCall, 'id'> = {
      request: {
        agentName: rest.agentName,
        messages: rest.messages,
        ...(rest.tools && { tools: rest.tools }),
        ...(rest.responseFormat && { responseFormat: rest.responseFormat }),
      },
      stream: !!onDelta,
    };
    return new Promise<ChatResponse>((resolve, reject) => {
      const id = this.#nextId++;
      const onAbort = () => {
        if (this.#settle(id)) reject(cancelled(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve: (response) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(response);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        onDelta,
      });
      this.#queue.push({ id, call: { id, ...call }, givesWay: options.givesWay, queuedAt: performance.now() });
      this.#started().then(
        () => this.#pump(),
        (error: Error) => this.#settle(id)?.reject(error),
      );
    });
  }

  /**
   * Starts the thread now rather than at the first call (a server does, so that its first shopper does not
   * wait for the stand-in to load). Resolves when it is ready; a failure is the first call's to report.
   */
  async start(): Promise<void> {
    await this.#started().catch(() => {});
  }

  #started(): Promise<Worker> {
    if (this.#ready) return this.#ready;
    const worker = new Worker(new URL('./offline-worker.mjs', import.meta.url), { execArgv: [] });
    worker.unref();
    this.#worker = worker;
    this.#ready = new Promise<Worker>((resolve, reject) => {
      worker.once('message', () => resolve(worker));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The offline stand-in's thread exited (code ${code})`)));
    });
    worker.on('message', (reply: OfflineReply | { ready: true }) => {
      if ('id' in reply) this.#receive(reply);
    });
    const stop = (why: string) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#ready = undefined;
      this.#inFlight.clear();
      const error = new Error(`The offline stand-in's thread stopped: ${why}`);
      for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(error);
    };
    worker.on('error', (error) => stop(error.message));
    worker.on('exit', (code) => stop(`it exited (code ${code})`));
    return this.#ready;
  }

  /** Hands the thread its next calls: others' first, a call that gives way once none is left or it waited long enough. */
  #pump(): void {
    const worker = this.#worker;
    if (!worker) return;
    this.#queue = this.#queue.filter((q) => this.#pending.has(q.id));
    while (this.#inFlight.size < IN_FLIGHT && this.#queue.length) {
      const now = performance.now();
      let next = this.#queue.findIndex((q) => !q.givesWay?.() || now - q.queuedAt >= MAX_GIVE_WAY_MS);
      if (next < 0) next = 0;
      const [q] = this.#queue.splice(next, 1);
      this.#inFlight.add(q!.id);
      worker.ref();
      worker.postMessage(q!.call satisfies OfflineCall);
    }
  }

  #receive(reply: OfflineReply): void {
    this.#inFlight.delete(reply.id);
    this.#pump();
    const pending = this.#settle(reply.id);
    if (!pending) return;
    if ('response' in reply) {
      // A caller's delta handler that throws fails its own call, as it did in the calling thread.
      try {
        for (const delta of reply.deltas) pending.onDelta?.(delta);
      } catch (err) {
        pending.reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      pending.resolve(reply.response);
      return;
    }
    const { message, reason, stack } = reply.error;
    if (reason) {
      pending.reject(new OfflineModelError(message, reason));
      return;
    }
    const error = new Error(message);
    if (stack) error.stack = stack;
    pending.reject(error);
  }

  /** Takes a call out of the pending ones; the thread no longer keeps the process alive once none is left. */
  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (!this.#pending.size) this.#worker?.unref();
    return pending;
  }

  /** Stops the thread (tests); a later call starts a new one. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (worker) await worker.terminate();
  }
}

function cancelled(signal: AbortSignal): OfflineModelError {
  return new OfflineModelError('The request was cancelled', 'cancelled', { cause: signal.reason });
}
