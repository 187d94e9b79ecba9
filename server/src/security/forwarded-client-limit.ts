import type { EventEmitter } from 'node:events';
import { connectionKey } from './connection-limit.js';

/**
 * HTTP_MAX_CONNECTIONS_PER_ADDRESS for clients behind a trusted proxy. The accept-time cap cannot read
 * headers and leaves a proxy's connections alone, so each client the proxy forwards is counted here
 * instead: its requests in progress (an SSE stream lasts as long as it is open) and its WebSockets,
 * each from admission until `until` emits 'close'. One past `max` is refused.
 */
export class ForwardedClientLimit {
  private readonly open = new Map<string, number>();

  constructor(
    readonly max: number,
    private readonly onRefused: (client: string, open: number) => void,
  ) {}

  /** Counts one more for `client` until `until` closes; false (nothing counted) when it already holds `max`. */
  admit(client: string, until: EventEmitter): boolean {
    if (this.max <= 0) return true;
    const key = connectionKey(client);
    const count = this.open.get(key) ?? 0;
    if (count >= this.max) {
      this.onRefused(key, count);
      return false;
    }
    this.open.set(key, count + 1);
    until.once('close', () => {
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    });
    return true;
  }
}
