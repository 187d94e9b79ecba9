import { isIP } from 'node:net';
import type { Agent } from 'undici';
import { guardedLookup, type OutboundCheck } from './outbound-address.js';

/** Loaded at the first outbound call: a replica with no MCP server over HTTP and no webhook never needs it (~5 MiB). */
let undici: Promise<typeof import('undici')> | undefined;

/**
 * A `fetch` whose connections are checked on the addresses they actually connect to: a name through guardedLookup,
 * and an address written in the URL (net.connect looks no address up, so the lookup never sees one) by the same
 * check before connecting. That covers every hop of a redirect too: the MCP SDK's requests follow them, and a
 * registered server that answered `307 Location: http://169.254.169.254/…` had Baton connect there.
 * It is undici's own fetch with its own Agent (Node's built-in fetch bundles another undici, whose dispatcher API
 * differs).
 */
export function guardedFetch(allowHosts: readonly string[], options: OutboundCheck = {}): typeof fetch {
  let dispatcher: Agent | undefined;
  // Callers pass a URL and an init (the MCP SDK and the webhook sender do); a Request is read for its URL.
  return (async (input: string | URL | Request, init?: RequestInit) => {
    undici ??= import('undici');
    const { Agent, buildConnector, fetch } = await undici;
    if (!dispatcher) {
      const lookup = guardedLookup(allowHosts, options);
      const connect = buildConnector({ lookup });
      dispatcher = new Agent({
        connect: (opts, callback) => {
          const host = opts.hostname.replace(/^\[|\]$/g, '');
          if (!isIP(host)) return connect(opts, callback);
          lookup(host, { all: true }, (err) => (err ? callback(err, null) : connect(opts, callback)));
        },
      });
    }
    return fetch((input instanceof Request ? input.url : input) as never, { ...(init as object), dispatcher } as never);
  }) as unknown as typeof fetch;
}
