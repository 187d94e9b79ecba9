import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ValidationError } from '../errors.js';

/** Names of cloud metadata services (GCP, Azure): refused by name, whatever they resolve to. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.internal']);
/** Metadata endpoints outside link-local space (Alibaba, Oracle). */
const METADATA_V4 = new Set(['100.100.100.200', '192.0.0.192']);

/**
 * Addresses Baton never calls out to unless an allow-list names them: link-local (where cloud
 * metadata services live, 169.254.169.254 and fd00:ec2::254 among them), unspecified, and the
 * other well-known metadata endpoints. IPv4-mapped IPv6 forms are unwrapped first.
 */
function forbiddenReason(address: string): string | undefined {
  const v4 = toIPv4(address);
  if (v4) {
    const [a, b] = v4;
    if (a === 169 && b === 254) return 'a link-local (cloud metadata) address';
    if (a === 0) return 'an unspecified address';
    if (METADATA_V4.has(v4.join('.'))) return 'a cloud metadata address';
    return undefined;
  }
  const words = ipv6Words(address);
  if (!words) return undefined;
  if (words.every((w) => w === 0)) return 'an unspecified address';
  if ((words[0]! & 0xffc0) === 0xfe80) return 'a link-local address';
  if (words.join(':') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':')) return 'a cloud metadata address';
  return undefined;
}

/** The four octets of an IPv4 address, or of an IPv4-mapped/compatible IPv6 one. */
function toIPv4(address: string): number[] | undefined {
  if (isIP(address) === 4) return address.split('.').map(Number);
  const words = ipv6Words(address);
  if (!words) return undefined;
  const mapped = words.slice(0, 5).every((w) => w === 0) && (words[5] === 0xffff || words[5] === 0);
  if (!mapped || (words[5] === 0 && words[6] === 0)) return undefined;
  return [words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff];
}

/** The eight 16-bit words of an IPv6 address (with an embedded dotted IPv4 tail), or undefined. */
function ipv6Words(address: string): number[] | undefined {
  const plain = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  if (isIP(plain) !== 6) return undefined;
  let text = plain;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (s: string | undefined) => (s ? s.split(':').map((h) => Number.parseInt(h, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const fill = tail === undefined ? [] : new Array(8 - left.length - right.length).fill(0);
  const words = [...left, ...fill, ...right];
  return words.length === 8 ? words : undefined;
}

export interface OutboundCheck {
  /** The setting that names allowed hosts, for the error message. */
  setting?: string;
  /** A name that does not resolve: allowed (it cannot be reached anyway) or refused. */
  unresolvable?: 'allow' | 'refuse';
  resolve?: (host: string) => Promise<string[]>;
}

const lookupAll = async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Host names as an allow-list gives them: lower case, without brackets. */
const normalise = (hosts: readonly string[]) =>
  new Set(
    hosts
      .map((h) =>
        h
          .trim()
          .replace(/^\[|\]$/g, '')
          .toLowerCase(),
      )
      .filter(Boolean),
  );

/**
 * The addresses `host` resolves to, each checked: throws ValidationError on `field` when the host is
 * a metadata service by name or any address is forbidden, unless `allowed` names the host or the
 * address. An allowed host comes back unchecked (undefined: resolve it as usual).
 */
async function checkedAddresses(
  host: string,
  allowed: ReadonlySet<string>,
  field: string,
  options: OutboundCheck,
): Promise<string[] | undefined> {
  const setting = options.setting ?? 'OUTBOUND_ALLOW_HOSTS';
  if (allowed.has(host)) return undefined;
  if (METADATA_HOSTS.has(host))
    throw ValidationError.single(
      field,
      `${host} is a cloud metadata service; Baton does not call it unless ${setting} names it`,
    );
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else
    try {
      addresses = await (options.resolve ?? lookupAll)(host);
    } catch {
      if (options.unresolvable === 'refuse') throw ValidationError.single(field, `${host} does not resolve`);
      addresses = [];
    }
  for (const address of addresses) {
    const reason = forbiddenReason(address);
    if (reason && !allowed.has(address.toLowerCase()))
      throw ValidationError.single(
        field,
        `${host}${address === host ? '' : ` resolves to ${address}, which`} is ${reason}; Baton does not call it unless ${setting} names it`,
      );
  }
  return addresses;
}

/**
 * Refuses an outbound URL whose host is, or resolves to, a forbidden address (every address it
 * resolves to is checked), unless `allowHosts` names the host or the address. The one owner of this
 * rule: MCP servers and webhook endpoints both call it, at registration for a clear error, and their
 * connections check again in the address lookup they connect with (guarded-fetch.ts). Throws
 * ValidationError on `field`.
 */
export async function assertOutboundAllowed(
  url: string,
  allowHosts: readonly string[],
  field: string,
  options: OutboundCheck = {},
): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  await checkedAddresses(host, normalise(allowHosts), field, options);
}

type LookupAddress = { address: string; family: number };
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect that refuses what assertOutboundAllowed refuses, on the very addresses
 * the connection then uses: a name checked once and resolved again to connect could be re-pointed in
 * between (DNS rebinding).
 */
export function guardedLookup(allowHosts: readonly string[], options: OutboundCheck = {}) {
  const allowed = normalise(allowHosts);
  return (hostname: string, lookupOptions: { all?: boolean }, callback: LookupCallback): void => {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    checkedAddresses(host, allowed, 'url', { ...options, unresolvable: 'refuse' })
      .then(async (checked) => checked ?? (await (options.resolve ?? lookupAll)(host)))
      .then((addresses) => {
        if (!addresses.length) throw Object.assign(new Error(`${host} does not resolve`), { code: 'ENOTFOUND' });
        const all = addresses.map((address) => ({ address, family: isIP(address) || 4 }));
        if (lookupOptions.all) callback(null, all);
        else callback(null, all[0]!.address, all[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, lookupOptions.all ? [] : ''));
  };
}

/**
 * A connection failure in words that say what happened without repeating what the server sent
 * back (a response body can hold anything, including another service's secrets).
 */
export function describeConnectFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const status = /\bHTTP (\d{3})\b/.exec(message)?.[1];
  if (status) return `the server answered HTTP ${status}`;
  if (/did not answer within \d+ ms/.test(message)) return message;
  const code = (err as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (err as { code?: unknown }).code;
  // The MCP SDK's StreamableHTTPError carries the HTTP status as its code (and the body in its message).
  if (typeof code === 'number' && code >= 100 && code < 600) return `the server answered HTTP ${code}`;
  if (typeof code === 'string') return `the connection failed (${code})`;
  if (err instanceof ValidationError) return message;
  return 'the connection failed';
}
