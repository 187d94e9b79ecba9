import { createServer, type Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';
import { addressOf, isUnreachable } from '../../../server/src/db/startup-wait.js';
import { ConfigError, ServiceUnavailableError } from '../../../server/src/errors.js';
import { createTestDatabase, testDatabaseKind } from '../../helpers/test-database.js';

/** A port on this machine that nothing listens on (taken, then let go). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const quiet = { LOG_LEVEL: 'silent', DATA_DIR: 'memory://' };

/**
 * An operator starts replicas and their database or NATS in any order: a server that boots first waits for them for
 * STARTUP_WAIT_SECONDS, then says in one line which service, setting and address it could not reach.
 */
describe('services the server needs at boot', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('reads a wrapped socket error as unreachable, and names an address without its credentials', () => {
    expect(isUnreachable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnreachable({ code: 'CONNECTION_REFUSED', chainedError: { code: 'ECONNREFUSED' } })).toBe(true);
    expect(isUnreachable(new Error('boom', { cause: { code: 'ENOTFOUND' } }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toBe(false);
    expect(addressOf('postgres://baton:s3cret@db.internal/baton', 5432)).toBe('db.internal:5432');
    expect(addressOf('nats://a:4223, nats://b:4224', 4222)).toBe('a:4223');
  });

  it('a PostgreSQL that never comes: SERVICE_UNAVAILABLE naming DATABASE_URL and where, after the wait', async () => {
    const port = await closedPort();
    const started = Date.now();
    const err = await buildApp(
      loadConfig({
        ...quiet,
        DATABASE_URL: `postgres://baton:s3cret@127.0.0.1:${port}/baton`,
        STARTUP_WAIT_SECONDS: '1',
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    const e = err as ServiceUnavailableError;
    expect(e.code).toBe('SERVICE_UNAVAILABLE');
    expect(e.details.field).toBe('DATABASE_URL');
    expect(e.message).toContain(`PostgreSQL at 127.0.0.1:${port} (DATABASE_URL) could not be reached within 1 s`);
    expect(e.message).not.toContain('s3cret');
    // It tried more than once before giving up.
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('a NATS that never comes: SERVICE_UNAVAILABLE naming EVENT_BUS', async () => {
    const port = await closedPort();
    const err = await buildApp(
      loadConfig({ ...quiet, EVENT_BUS: `nats://127.0.0.1:${port}`, STARTUP_WAIT_SECONDS: '0' }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as ServiceUnavailableError).details.field).toBe('EVENT_BUS');
    expect((err as Error).message).toContain(`NATS at 127.0.0.1:${port} (EVENT_BUS) could not be reached`);
  });

  it('a PORT another process holds: CONFIG_ERROR naming PORT, not a socket error', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => holder.close(r)));
    const { port } = holder.address() as { port: number };
    const app = await buildApp(loadConfig(quiet));
    cleanup.push(() => app.stop());
    const err = await app.start(port, '127.0.0.1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).details.field).toBe('PORT');
    expect((err as Error).message).toBe(
      `PORT ${port} on 127.0.0.1 is in use by another process: stop it, or set PORT (and HOST) to another`,
    );
    // A whole app boots here (a fresh PGlite, migrated and seeded): on two cores beside other work that took over 30 s.
  }, 90_000);

  it.skipIf(testDatabaseKind !== 'postgres')(
    'a PostgreSQL that comes up while the server waits: the server boots',
    async () => {
      const fresh = await createTestDatabase({ migrate: false });
      cleanup.push(() => fresh.dispose());
      const target = new URL(fresh.url!);
      // The database's address, answered only after a while, as a database that starts after the replica.
      const port = await closedPort();
      let proxy: Server | undefined;
      const opening = setTimeout(() => {
        proxy = createServer((client) => {
          const upstream = new Socket();
          upstream.connect(Number(target.port || 5432), target.hostname);
          client.pipe(upstream).pipe(client);
          client.on('error', () => upstream.destroy());
          upstream.on('error', () => client.destroy());
        }).listen(port, '127.0.0.1');
      }, 1_500);
      cleanup.push(async () => {
        clearTimeout(opening);
        await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
      });
      const url = new URL(fresh.url!);
      url.host = `127.0.0.1:${port}`;
      const app = await buildApp(loadConfig({ ...quiet, DATABASE_URL: url.toString(), STARTUP_WAIT_SECONDS: '20' }));
      cleanup.push(() => app.stop());
      expect(proxy).toBeDefined();
      const rows = await app.services.database.query<{ n: number }>('select count(*)::int as n from agent_cards');
      expect(rows[0]!.n).toBeGreaterThan(0);
    },
    60_000,
  );
});
