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
  #nextId = 1;

  complete(request: ChatRequest): Promise<ChatResponse> {
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
      this.#started().then(
        (worker) => {
          if (!this.#pending.has(id)) return;
          worker.ref();
          worker.postMessage({ id, ...call } satisfies OfflineCall);
        },
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
      const error = new Error(`The offline stand-in's thread stopped: ${why}`);
      for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(error);
    };
    worker.on('error', (error) => stop(error.message));
    worker.on('exit', (code) => stop(`it exited (code ${code})`));
    return this.#ready;
  }

  #receive(reply: OfflineReply): void {
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
