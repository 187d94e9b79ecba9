import { ValidationError } from '../errors.js';
import { assertOutboundAllowed } from '../tools/outbound-address.js';

/**
 * A webhook endpoint's URL: http or https, no credentials, and not a loopback, private-network,
 * link-local or cloud metadata address by name or after DNS resolution, unless WEBHOOK_ALLOWED_HOSTS names it (the address rule is
 * outbound-address's). Checked at registration and again before each delivery, so a name re-pointed
 * later is caught too.
 */
export async function assertDeliverableUrl(
  raw: string,
  allowedHosts: readonly string[],
  field = 'input.url',
  resolve?: (host: string) => Promise<string[]>,
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ValidationError.single(field, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw ValidationError.single(field, 'use http or https');
  if (url.username || url.password) throw ValidationError.single(field, 'credentials in the URL are not allowed');
  await assertOutboundAllowed(url.toString(), allowedHosts, field, {
    setting: 'WEBHOOK_ALLOWED_HOSTS',
    unresolvable: 'refuse',
    resolve,
  });
  return url;
}
