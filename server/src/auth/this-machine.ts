/** A host name or address of this machine: localhost (and *.localhost), 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\](?::\d+)?$/, '$1')
    .replace(/^([^:]+):\d+$/, '$1')
    .replace(/\.$/, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    /^127(?:\.\d{1,3}){3}$/.test(name) ||
    name === '::1' ||
    name === '::ffff:127.0.0.1'
  );
}

/**
 * Whether a request without credentials comes from a page of this machine: its Host names this machine (a name that
 * resolves here by DNS rebinding still carries the attacker's name) and its Origin, when a browser sent one, is a
 * page served from this machine. With AUTH_MODE=off such a request is the admin; any other page on the web could
 * otherwise send a form to http://127.0.0.1:4000/graphql and act as the admin of the developer's server (register
 * an MCP server, which runs a command).
 */
export function fromThisMachine(
  headers: { origin?: string | null; host?: string | null; relayed?: boolean },
  /** The client's address (the TCP peer's, or the one a trusted proxy forwarded), when known. */
  address?: string,
): boolean {
  // A program elsewhere writes any Host it likes, and a proxy on this machine (relayed) connects from here for anyone:
  // only a client that is itself on this machine, talking to it directly, is.
  if (headers.relayed) return false;
  if (address !== undefined && !isLoopbackHost(address)) return false;
  if (headers.host && !isLoopbackHost(headers.host)) return false;
  const origin = headers.origin;
  if (origin === undefined || origin === null) return true;
  // "null" is what a sandboxed frame or a file sends: anyone's page can be either.
  if (origin === 'null') return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.host);
  } catch {
    return false;
  }
}

/**
 * Headers a proxy adds to what it passes on (`Via` by RFC 9110, the others by convention): a request carrying one was
 * relayed, and its client is wherever the proxy's client is.
 */
export const RELAY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'via'] as const;

/** Whether a request was relayed by a proxy (RELAY_HEADERS), given a way to read one of its headers. */
export const relayed = (has: (name: string) => boolean): boolean => RELAY_HEADERS.some(has);
