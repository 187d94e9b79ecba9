import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

type SendCallback = (err?: Error) => void;

/**
 * Frames a WebSocket sends in the same turn of the event loop leave in one socket write. One stored
 * batch of events reaches a subscriber as several graphql-ws messages at once; written one by one,
 * each would be a syscall and a wake-up of the client. Node's cork is counted, so the cork/uncork
 * pair `ws` puts around every frame still nests inside this one.
 *
 * graphql-ws waits for each message's send callback before it takes the next event, and a corked
 * write calls back only after the uncork: every frame would wait a turn of its own. So while the
 * socket's buffer is below its high-water mark, a queued frame counts as sent (a failed write still
 * closes the socket, which ends the subscriptions); above it, the callback waits for the write, and
 * a slow client holds its subscriptions back as before.
 */
export function coalesceFrames(socket: WebSocket): void {
  // `ws` keeps its net.Socket here (not a public field, but stable across ws 7 and 8).
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  if (!raw) return;
  let corked = false;
  const send = socket.send.bind(socket) as (data: unknown, options?: unknown, cb?: SendCallback) => void;
  socket.send = ((data: unknown, optionsOrCb?: unknown, maybeCb?: SendCallback) => {
    const options = typeof optionsOrCb === 'function' ? {} : optionsOrCb;
    const cb = (typeof optionsOrCb === 'function' ? optionsOrCb : maybeCb) as SendCallback | undefined;
    if (raw.destroyed || raw.writableNeedDrain) return send(data, options, cb);
    if (!corked) {
      corked = true;
      raw.cork();
      setImmediate(() => {
        corked = false;
        raw.uncork();
      });
    }
    send(data, options);
    if (cb) queueMicrotask(() => cb());
  }) as WebSocket['send'];
}
