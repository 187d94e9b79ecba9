import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ValidationError } from '../errors.js';
import { AddressSet, cidrProblem } from '../security/trusted-proxies.js';

/** Names of cloud metadata services (GCP, Azure): refused by name, whatever they resolve to. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.internal']);
/** Metadata endpoints outside link-local space (Alibaba, Oracle). */
const METADATA_V4 = new Set(['100.100.100.200', '192.0.0.192']);

/** Why an address is refused; `reserved`: link-local, cloud metadata or unspecified, not a network of the operator's. */
interface Forbidden {
  text: string;
  reserved: boolean;
}

/**
 * Addresses Baton never calls out to unless an allow-list names them: link-local (where cloud
 * metadata services live, 169.254.169.254 and fd00:ec2::254 among them), unspecified, the other
 * well-known metadata endpoints, and the operator's own machine and private networks (loopback,
 * 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7): a key that registers a webhook or an MCP server
 * could otherwise send requests into them. An IPv6 address that carries an IPv4 one (mapped,
 * compatible, NAT64, 6to4, Teredo) gets the IPv4 rule too: a NAT64 gateway turns 64:ff9b::a9fe:a9fe
 * into a connection to 169.254.169.254.
 */
function forbiddenReason(address: string): Forbidden | undefined {
  if (isIP(address) === 4) return forbiddenV4(address.split('.').map(Number));
  const words = ipv6Words(address);
  if (!words) return undefined;
  const reserved = (text: string) => ({ text, reserved: true });
  const own = (text: string) => ({ text, reserved: false });
  if (words.every((w) => w === 0)) return reserved('an unspecified address');
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return own('a loopback address');
  if ((words[0]! & 0xffc0) === 0xfe80) return reserved('a link-local address');
  if (words.join(':') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':')) return reserved('a cloud metadata address');
  if ((words[0]! & 0xfe00) === 0xfc00) return own('a private (unique local) address');
  if ((words[0]! & 0xffc0) === 0xfec0) return own('a private (site-local) address');
  for (const v4 of embeddedIPv4(words)) {
    const reason = forbiddenV4(v4);
    if (reason) return { ...reason, text: `${reason.text} (${v4.join('.')} inside an IPv6 address)` };
  }
  return undefined;
}

function forbiddenV4([a, b, c, d]: number[]): Forbidden | undefined {
  const reserved = (text: string) => ({ text, reserved: true });
  const own = (text: string) => ({ text, reserved: false });
  if (a === 169 && b === 254) return reserved('a link-local (cloud metadata) address');
  if (a === 0) return reserved('an unspecified address');
  if (METADATA_V4.has(`${a}.${b}.${c}.${d}`)) return reserved('a cloud metadata address');
  if (a === 127) return own('a loopback address');
  if (a === 10 || (a === 172 && (b! & 0xf0) === 16) || (a === 192 && b === 168))
    return own('a private network address');
  if (a === 100 && (b! & 0xc0) === 64) return own('a private (carrier-grade NAT) address');
  return undefined;
}

/**
 * Every IPv4 address an IPv6 one may carry on the way out: IPv4-mapped (::ffff:0:0/96) and
 * IPv4-compatible (::/96), NAT64 (the well-known 64:ff9b::/96; the local-use 64:ff9b:1::/48 at each
 * RFC 6052 prefix length a network may choose within it, /48 to /96, since Baton cannot know which),
 * 6to4 (2002::/16, the relay's IPv4 in the next 32 bits) and Teredo (2001::/32, the client's IPv4
 * inverted in the last 32 bits).
 */
function embeddedIPv4(words: number[]): number[][] {
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  const at = (...i: number[]) => i.map((n) => bytes[n]!);
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  const found: number[][] = [];
  if (zero(0, 5) && (words[5] === 0xffff || (words[5] === 0 && words[6] !== 0))) found.push(at(12, 13, 14, 15));
  if (words[0] === 0x64 && words[1] === 0xff9b) {
    if (zero(2, 6)) found.push(at(12, 13, 14, 15));
    if (words[2] === 1) found.push(at(6, 7, 9, 10), at(7, 9, 10, 11), at(9, 10, 11, 12), at(12, 13, 14, 15));
  }
  if (words[0] === 0x2002) found.push(at(2, 3, 4, 5));
  if (words[0] === 0x2001 && words[1] === 0) found.push(at(12, 13, 14, 15).map((b) => b ^ 0xff));
  return found;
}

/** The eight 16-bit words of an IPv6 address (with an embedded dotted IPv4 tail), or undefined. */
export function ipv6Words(address: string): number[] | undefined {
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

/**
 * An allow-list (OUTBOUND_ALLOW_HOSTS, WEBHOOK_ALLOWED_HOSTS) as checks take it: host names and
 * addresses as written (lower case, without brackets), and the addresses and CIDR blocks among them.
 */
interface AllowList {
  names: ReadonlySet<string>;
  /** Every address and block: they open this machine and private networks. */
  blocks: AddressSet;
  /**
   * The addresses, and the blocks that lie inside link-local, metadata or unspecified space: only they
   * open such an address. `fd00::/8` opens a private network, not fd00:ec2::254 (AWS's metadata
   * service) inside it; `0.0.0.0/0` opens no metadata address; `169.254.169.254` or `169.254.0.0/16` do.
   */
  reserved: AddressSet;
}

const parseAllowList = (hosts: readonly string[]): AllowList => {
  const names = new Set(
    hosts
      .map((h) =>
        h
          .trim()
          .replace(/^\[|\]$/g, '')
          .toLowerCase(),
      )
      .filter(Boolean),
  );
  // Config refuses a malformed block (ConfigError naming the setting); one passed in directly is left out.
  const blocks = [...names].filter((entry) => isIP(entry) || (entry.includes('/') && !cidrProblem(entry)));
  return {
    names,
    blocks: new AddressSet(blocks),
    reserved: new AddressSet(blocks.filter((block) => blockEnds(block).every((end) => forbiddenReason(end)?.reserved))),
  };
};

/** The first and last addresses of a block (an address alone: itself, twice). */
function blockEnds(entry: string): [string, string] {
  const [address, bits] = entry.split('/') as [string, string | undefined];
  if (isIP(address) === 4) {
    const value = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(bits ?? 32));
    const first = value - (value % size);
    return [v4Text(first), v4Text(first + size - 1)];
  }
  const value = ipv6Words(address)!.reduce((n, word) => (n << 16n) | BigInt(word), 0n);
  const hostBits = BigInt(128 - Number(bits ?? 128));
  const first = (value >> hostBits) << hostBits;
  return [v6Text(first), v6Text(first | ((1n << hostBits) - 1n))];
}

const v4Text = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
const v6Text = (n: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

/** Whether the allow-list opens a forbidden address: by its text, or by an address or block that covers it. */
function opens(allowed: AllowList, address: string, reason: Forbidden): boolean {
  if (allowed.names.has(address.toLowerCase())) return true;
  const plain = address.split('%')[0]!;
  return reason.reserved ? allowed.reserved.has(plain) : allowed.blocks.has(plain);
}

/**
 * The addresses `host` resolves to, each checked: throws ValidationError on `field` when the host is
 * a metadata service by name or any address is forbidden, unless `allowed` names the host, or names
 * or covers the address. An allowed host name comes back unchecked (undefined: resolve it as usual).
 */
async function checkedAddresses(
  host: string,
  allowed: AllowList,
  field: string,
  options: OutboundCheck,
): Promise<string[] | undefined> {
  const setting = options.setting ?? 'OUTBOUND_ALLOW_HOSTS';
  if (allowed.names.has(host)) return undefined;
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
    if (reason && !opens(allowed, address, reason))
      throw ValidationError.single(
        field,
        `${host}${address === host ? '' : ` resolves to ${address}, which`} is ${reason.text}; Baton does not call it unless ${setting} names it${reason.reserved ? '' : ' or a block around it'}`,
      );
  }
  return addresses;
}

/**
 * Refuses an outbound URL whose host is, or resolves to, a forbidden address (every address it
 * resolves to is checked), unless `allowHosts` names the host or the address, or holds a CIDR block
 * around the address (for link-local, metadata and unspecified addresses, a block inside that space).
 * The one owner of this rule: MCP servers and webhook endpoints both call it, at registration for a
 * clear error, and their connections check again in the address lookup they connect with
 * (guarded-fetch.ts). Throws ValidationError on `field`.
 */
export async function assertOutboundAllowed(
  url: string,
  allowHosts: readonly string[],
  field: string,
  options: OutboundCheck = {},
): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  await checkedAddresses(host, parseAllowList(allowHosts), field, options);
}

type LookupAddress = { address: string; family: number };
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect that refuses what assertOutboundAllowed refuses, on the very addresses
 * the connection then uses: a name checked once and resolved again to connect could be re-pointed in
 * between (DNS rebinding).
 */
export function guardedLookup(allowHosts: readonly string[], options: OutboundCheck = {}) {
  const allowed = parseAllowList(allowHosts);
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
