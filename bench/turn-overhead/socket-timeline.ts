import { writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

/** One socket write ('W') or read ('R'): local>remote port, bytes, the first bytes, when (monotonic µs). */
export type Stamp = [direction: 'W' | 'R', socket: string, bytes: number, head: string, atMicros: number];

/**
 * Stamps every socket write and read of this process with the monotonic clock in microseconds (the
 * clock of V8's CPU profiles, and the same in every process of the machine). Returns the live list.
 * HTTP requests a node server receives are parsed off the socket without a stamp; their sender's
 * write marks them.
 */
export function startTimeline(): Stamp[] {
  const stamps: Stamp[] = [];
  const now = () => Number(process.hrtime.bigint() / 1000n);
  const head = (c: Uint8Array) =>
    Buffer.from(c)
      .subarray(0, 40)
      .toString('latin1')
      .replace(/[^\x20-\x7e]/g, '.');
  const name = (s: Socket) => `${s.localPort}>${s.remotePort}`;
  const proto = Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const writeGeneric = proto._writeGeneric!;
  proto._writeGeneric = function (this: Socket, writev: unknown, data: unknown, ...rest: unknown[]) {
    const chunks = writev
      ? (data as ({ chunk: Uint8Array } | Uint8Array)[]).map((c) => ('chunk' in c ? c.chunk : c))
      : [data as Uint8Array];
    const bytes = chunks.reduce((n, c) => n + c.length, 0);
    stamps.push(['W', name(this), bytes, head(chunks[0] ?? new Uint8Array()), now()]);
    return writeGeneric.call(this, writev, data, ...rest);
  };
  // postgres.js (4.x) reads into its own buffer (net's `onread` option), which bypasses `push`; each
  // read reaches the `ondata` function it sets on the socket, so that function is wrapped as it is set.
  const onData = Symbol('ondata');
  Object.defineProperty(proto, 'ondata', {
    configurable: true,
    get(this: Record<symbol, unknown>) {
      return this[onData];
    },
    set(this: Socket & Record<symbol, unknown>, fn: unknown) {
      this[onData] =
        typeof fn === 'function'
          ? (chunk: Uint8Array) => {
              stamps.push(['R', name(this), chunk.length, head(chunk), now()]);
              return fn.call(this, chunk);
            }
          : fn;
    },
  });
  const push = proto.push!;
  proto.push = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    if (chunk instanceof Uint8Array) stamps.push(['R', name(this), chunk.length, head(chunk), now()]);
    return push.call(this, chunk, ...rest);
  };
  return stamps;
}

// As a preload (`--import tsx --import <this file>`): stamp the process and write `<pid>.json` at exit.
const dir = process.env.BENCH_TIMELINE_DIR;
if (dir && process.env.BENCH_TIMELINE_PRELOAD === '1') {
  const stamps = startTimeline();
  process.on('exit', () => writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(stamps)));
}
