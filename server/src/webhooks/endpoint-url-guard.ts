import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ValidationError } from '../errors.js';

/** Hostnames of cloud metadata services (AWS, GCP, Azure, Alibaba, Oracle): never a webhook receiver. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.internal']);
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  'fd00:ec2::254',
  '192.0.0.192',
]);

/** Whether an address is link-local (169.254/16, fe80::/10, IPv4-mapped ones too) or a metadata endpoint. */
export function isForbiddenAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (METADATA_ADDRESSES.has(a)) return true;
  if (isIP(a) === 4) return a.startsWith('169.254.');
  if (isIP(a) === 6) return /^fe[89ab][0-9a-f]:/.test(a);
  return false;
}

/**
 * Refuses endpoint URLs that point at link-local or cloud metadata addresses, by name or after DNS
 * resolution (every address the name resolves to), unless the host is on the allow-list. Checked when
 * an endpoint is registered and again before each delivery, so a name re-pointed later is caught too.
 */
export async function assertDeliverableUrl(
  raw: string,
  allowedHosts: readonly string[],
  field = 'input.url',
  resolve: (host: string) => Promise<string[]> = async (host) =>
    (await lookup(host, { all: true, verbatim: true })).map((r) => r.address),
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ValidationError.single(field, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw ValidationError.single(field, 'use http or https');
  if (url.username || url.password) throw ValidationError.single(field, 'credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (allowedHosts.includes(host)) return url;
  if (METADATA_HOSTS.has(host) || isForbiddenAddress(host))
    throw ValidationError.single(
      field,
      `${host} is a link-local or metadata address (allow it with WEBHOOK_ALLOWED_HOSTS)`,
    );
  if (isIP(host)) return url;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    throw ValidationError.single(field, `${host} does not resolve`);
  }
  const bad = addresses.find((a) => isForbiddenAddress(a) && !allowedHosts.includes(a));
  if (bad)
    throw ValidationError.single(
      field,
      `${host} resolves to ${bad}, a link-local or metadata address (allow it with WEBHOOK_ALLOWED_HOSTS)`,
    );
  return url;
}
