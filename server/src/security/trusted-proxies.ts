import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Why an entry of TRUSTED_PROXIES is not an address or a CIDR block; undefined when it is one. */
export function cidrProblem(entry: string): string | undefined {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return `"${entry}" is not an IPv4 or IPv6 address or CIDR block`;
  if (bits === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `"${entry}" has a prefix length outside 0-${max}`;
  return undefined;
}

/** A set of addresses and CIDR blocks, IPv4 and IPv6 (an IPv4-mapped IPv6 address matches its IPv4 block). */
export class AddressSet {
  private readonly list = new BlockList();
  readonly size: number;

  /** `entries` must each pass cidrProblem (config validates them). */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
    this.size = entries.length;
  }

  has(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** One X-Forwarded-For entry as an address: a bare IPv4 or IPv6 address, `a.b.c.d:port` or `[v6]:port`. */
function forwardedAddress(entry: string): string | undefined {
  const text = entry.trim();
  if (isIP(text)) return text;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed && isIP(bracketed[1]!) === 6) return bracketed[1];
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  if (withPort && isIP(withPort[1]!) === 4) return withPort[1];
  return undefined;
}

/**
 * The address of the client behind a request. The TCP peer's, unless the peer is one of `trusted`
 * (TRUSTED_PROXIES): then the right-most X-Forwarded-For entry that is not itself a trusted proxy,
 * since each proxy appends the address it was connected from and everything left of that is the
 * client's to write. An entry that is not an IP address stops the walk at the peer. Only
 * X-Forwarded-For is read: a proxy that writes it passes a `Forwarded` header on as the client sent it.
 */
export function clientAddressOf(trusted: AddressSet, req: Pick<IncomingMessage, 'socket' | 'headers'>): string {
  const peer = req.socket?.remoteAddress;
  if (!peer) return 'unknown';
  if (!trusted.size || !trusted.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  let client = peer;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (!entries[i]!.trim() && entries.length === 1) break; // no header
    const address = forwardedAddress(entries[i]!);
    if (!address) return peer;
    client = address;
    if (!trusted.has(address)) break;
  }
  return client;
}

/** Whether the request's TCP peer is a trusted proxy (its requests carry someone else's address). */
export const fromTrustedProxy = (trusted: AddressSet, peer: string | undefined): boolean =>
  !!peer && trusted.size > 0 && trusted.has(peer);
