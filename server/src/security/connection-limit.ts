import type { Server } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { ipv6Words } from '../tools/outbound-address.js';

/**
 * The client a connection counts against: its IPv4 address (unwrapped from an IPv4-mapped IPv6 one), or
 * the /64 of an IPv6 address, since one host commonly holds a whole /64 and could otherwise open each
 * connection from an address of its own.
 */
export function connectionKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const words = ipv6Words(address);
  return words
    ? `${words
        .slice(0, 4)
        .map((w) => w.toString(16))
        .join(':')}::/64`
    : address;
}

/**
 * Caps the connections one client address holds open on `server` at `max` (0: no cap). One past it is
 * answered 429 (`RATE_LIMITED`, reason `TOO_MANY_CONNECTIONS`) and closed at once, before it is read:
 * without the cap, idle connections from one address held the replica's file descriptors until Node's
 * header timeout. A connection counts from accept to close, so a WebSocket or an SSE stream is one
 * connection for as long as it lasts. The address is the TCP peer's (forwarded headers are anyone's to write);
 * a peer that `exempt` names (a trusted proxy, whose connections carry many clients) is not capped here:
 * ForwardedClientLimit counts its clients per request.
 */
export function limitConnectionsPerAddress(
  server: Server,
  max: number,
  onRefused: (address: string, open: number) => void,
  exempt: (address: string) => boolean = () => false,
): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address) return; // already gone
    if (exempt(address)) return;
    const key = connectionKey(address);
    const count = open.get(key) ?? 0;
    if (count >= max) {
      onRefused(key, count);
      refuse(socket, max);
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}

/** The 429 body of a refused connection, request or WebSocket upgrade. */
export const tooManyConnectionsBody = (max: number): string =>
  JSON.stringify({
    errors: [
      {
        message: `Too many open connections from this address (at most ${max})`,
        extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_CONNECTIONS', limit: max },
      },
    ],
  });

function refuse(socket: Socket, max: number): void {
  const body = tooManyConnectionsBody(max);
  socket.on('error', () => {}); // a client that reset first; nothing to do
  socket.write(
    `HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
  // A peer that reads nothing cannot keep it open either.
  setImmediate(() => socket.destroy());
}
