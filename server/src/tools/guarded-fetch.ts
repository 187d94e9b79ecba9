import type { Agent } from 'undici';
import { guardedLookup, type OutboundCheck } from './outbound-address.js';

/** Loaded at the first outbound call: a replica with no MCP server over HTTP and no webhook never needs it (~5 MiB). */
let undici: Promise<typeof import('undici')> | undefined;

/**
 * A `fetch` whose connections resolve names through guardedLookup: every connection to an MCP server
 * or a webhook endpoint is checked on the addresses it actually connects to. It is undici's own fetch
 * with its own Agent (Node's built-in fetch bundles another undici, whose dispatcher API differs).
 */
export function guardedFetch(allowHosts: readonly string[], options: OutboundCheck = {}): typeof fetch {
  let dispatcher: Agent | undefined;
  // Callers pass a URL and an init (the MCP SDK and the webhook sender do); a Request is read for its URL.
  return (async (input: string | URL | Request, init?: RequestInit) => {
    undici ??= import('undici');
    const { Agent, fetch } = await undici;
    dispatcher ??= new Agent({ connect: { lookup: guardedLookup(allowHosts, options) } });
    return fetch((input instanceof Request ? input.url : input) as never, { ...(init as object), dispatcher } as never);
  }) as unknown as typeof fetch;
}
