import { ServiceUnavailableError } from '../errors.js';

/** A service the server needs at boot, named as the operator configured it. */
export interface Dependency {
  /** What it is, e.g. "PostgreSQL". */
  name: string;
  /** The setting that points at it, e.g. "DATABASE_URL". */
  setting: string;
  /** Where, with no credentials: "host:port". */
  address: string;
}

/** Socket and driver codes that say the service is not there (yet), as opposed to refusing what was asked. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'CONNECTION_REFUSED',
  'CONNECTION_CLOSED',
  // PostgreSQL starting up, shutting down or in recovery.
  '57P03',
  '57P01',
]);

/** Whether `err` (or an error it wraps) says the service could not be reached. */
export function isUnreachable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
    e = (e as { chainedError?: unknown; cause?: unknown }).chainedError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** "host:port" of the first server in a URL list, without user or password. */
export function addressOf(url: string, defaultPort: number): string {
  try {
    const u = new URL(url.split(',')[0]!.trim());
    return `${u.hostname || 'localhost'}:${u.port || defaultPort}`;
  } catch {
    return 'an unparsable address';
  }
}

/**
 * Runs `connect` until it succeeds, retrying while the dependency cannot be reached, for up to `waitMs` (replicas and
 * their database often start together; 0 tries once). Other failures are thrown as they are. When the time is up, a
 * ServiceUnavailableError names the service, its setting and address.
 */
export async function reachAtStartup<T>(
  dependency: Dependency,
  connect: () => Promise<T>,
  options: { waitMs: number; onRetry?: (message: string) => void; sleep?: (ms: number) => Promise<void> },
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + options.waitMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await connect();
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      const why = err instanceof Error ? err.message : String(err);
      const where = `${dependency.name} at ${dependency.address} (${dependency.setting})`;
      if (Date.now() + delay > deadline)
        throw new ServiceUnavailableError(
          `${where} could not be reached${options.waitMs > 0 ? ` within ${Math.round(options.waitMs / 1000)} s` : ''}: ${why}. Start it, or point ${dependency.setting} at it (STARTUP_WAIT_SECONDS sets how long to wait).`,
          { cause: err, details: { field: dependency.setting } },
        );
      options.onRetry?.(`waiting for ${where}: ${why}`);
      await sleep(delay);
    }
  }
}
