import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { coalesceFrames } from '../../../server/src/graphql/coalesce-frames.js';

describe('coalesceFrames', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    for (const c of wss?.clients ?? []) c.terminate();
    await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
  });

  /** A server socket with coalesceFrames, the number of buffers in each raw socket write, and a client. */
  async function connect(before?: (socket: WebSocket) => void) {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss!.once('listening', r));
    const writes: number[] = [];
    const serverSide = new Promise<WebSocket>((resolve) =>
      wss!.on('connection', (socket) => {
        before?.(socket);
        coalesceFrames(socket);
        const raw = (socket as unknown as { _socket: Socket & Record<string, (...a: unknown[]) => unknown> })._socket;
        for (const method of ['_write', '_writev']) {
          const original = raw[method]!.bind(raw);
          raw[method] = (chunks: unknown, ...rest: unknown[]) => {
            writes.push(method === '_writev' ? (chunks as unknown[]).length : 1);
            return original(chunks, ...rest);
          };
        }
        resolve(socket);
      }),
    );
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    await new Promise((r) => client.once('open', r));
    return { socket: await serverSide, client, writes, received };
  }

  it('sends the frames of one event-loop turn in one socket write, in order, and later ones after', async () => {
    const { socket, client, writes, received } = await connect();

    for (let i = 1; i <= 5; i++) socket.send(`m${i}`);
    await new Promise((r) => setTimeout(r, 50));
    socket.send('m6');
    await new Promise((r) => setTimeout(r, 50));

    expect(received).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    // Five frames (a header and a payload each) in one writev, then the sixth on its own.
    expect(writes).toHaveLength(2);
    expect(writes[0]).toBe(10);
    client.close();
  });

  it('coalesces frames whose sender waits for each send callback, as graphql-ws does', async () => {
    const { socket, client, writes, received } = await connect();
    const sendAndWait = (data: string) =>
      new Promise<void>((resolve, reject) => socket.send(data, (err) => (err ? reject(err) : resolve())));

    for (let i = 1; i <= 4; i++) await sendAndWait(`m${i}`);
    await new Promise((r) => setTimeout(r, 50));

    expect(received).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(writes).toEqual([8]);
    client.close();
  });

  it('leaves the send callback to the write when the socket is backed up', async () => {
    const callbacks: boolean[] = [];
    const { socket, client, received } = await connect((s) => {
      const original = s.send.bind(s) as (...a: unknown[]) => void;
      s.send = ((...args: unknown[]) => {
        callbacks.push(typeof args.at(-1) === 'function');
        original(...args);
      }) as WebSocket['send'];
    });
    const raw = (socket as unknown as { _socket: Socket })._socket;

    await new Promise<void>((resolve) => socket.send('free', () => resolve()));
    Object.defineProperty(raw, 'writableNeedDrain', { value: true, configurable: true });
    await new Promise<void>((resolve) => socket.send('backed-up', () => resolve()));
    await new Promise((r) => setTimeout(r, 50));

    expect(received).toEqual(['free', 'backed-up']);
    // The first frame's callback came from coalesceFrames; the second went down to ws with the write.
    expect(callbacks).toEqual([false, true]);
    client.close();
  });
});
