import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Frames a WebSocket sends in the same turn of the event loop leave in one socket write. One stored
 * batch of events reaches a subscriber as several graphql-ws messages at once; written one by one,
 * each would be a syscall and a wake-up of the client. Node's cork is counted, so the cork/uncork
 * pair `ws` puts around every frame still nests inside this one.
 */
export function coalesceFrames(socket: WebSocket): void {
  // `ws` keeps its net.Socket here (not a public field, but stable across ws 7 and 8).
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  if (!raw) return;
  let corked = false;
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  socket.send = ((...args: unknown[]) => {
    if (!corked && !raw.destroyed) {
      corked = true;
      raw.cork();
      setImmediate(() => {
        corked = false;
        raw.uncork();
      });
    }
    send(...args);
  }) as WebSocket['send'];
}
