import type { WebSocket } from 'ws';

/** What graphql-ws keeps of one socket's operations (its Context's `subscriptions`: one entry per operation running). */
interface Operations {
  readonly subscriptions: Readonly<Record<string, unknown>>;
}

/** The close code of an idle socket: a normal closure, which graphql-ws clients do not retry with nothing to run. */
export const IDLE_CLOSE_CODE = 1000;

/**
 * Closes graphql-ws sockets that run no operation for `idleMs` (WS_IDLE_TIMEOUT_SECONDS) after the
 * handshake or their last operation ended. graphql-ws itself only closes sockets that never send
 * connection_init; one that did and then sent nothing, or whose subscriptions all completed, held a
 * connection and its memory until the client left. A socket with a running operation is never closed.
 */
export class IdleWebSockets {
  private readonly sockets = new Map<WebSocket, { operations: Operations; idleSince: number; busy: boolean }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs: number) {}

  /** From graphql-ws onConnect: the socket's idle time counts from now. */
  track(socket: WebSocket, operations: Operations): void {
    if (this.idleMs <= 0) return;
    this.sockets.set(socket, { operations, idleSince: Date.now(), busy: false });
    socket.once('close', () => this.sockets.delete(socket));
    this.timer ??= setInterval(() => this.sweep(), Math.min(1_000, this.idleMs)).unref();
  }

  /** From onSubscribe and onComplete: an operation began or ended now. */
  touch(socket: WebSocket): void {
    const tracked = this.sockets.get(socket);
    if (tracked) tracked.idleSince = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sockets.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socket, tracked] of this.sockets) {
      const busy = Object.keys(tracked.operations.subscriptions).length > 0;
      // Idle from the first sweep that finds no operation, if no later operation touched it.
      if (busy || tracked.busy) {
        tracked.busy = busy;
        tracked.idleSince = now;
      } else if (now - tracked.idleSince >= this.idleMs) {
        this.sockets.delete(socket);
        socket.close(IDLE_CLOSE_CODE, `No subscription for ${Math.round(this.idleMs / 1_000)} s`);
      }
    }
  }
}
