import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../../server/src/auth/api-key-service.js';
import * as keysCommand from '../../../server/src/cli/keys-command.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { createCliEnv, runCli } from './cli-test-env.js';

describe('pnpm baton keys', () => {
  let cli: Awaited<ReturnType<typeof createCliEnv>>;
  beforeAll(async () => {
    cli = await createCliEnv();
  });
  afterAll(() => cli.dispose());

  const keys = (...args: string[]) => runCli(keysCommand, args, cli.env, cli.database);
  const created = (out: string) => {
    const id = /\(id ([0-9a-f-]{36})\)/.exec(out)?.[1];
    const key = out.split('\n').at(-1)!;
    return { id: id!, key };
  };

  it('rotates a key: the new one works against the API, the revoked old one is refused', async () => {
    const old = created((await keys('create', 'storefront-old')).out);
    const next = await keys('create', 'storefront-new');
    expect(next.code).toBe(0);
    const fresh = created(next.out);
    expect(fresh.key).toMatch(/^bk_int_/);

    // A server with API keys on the same database accepts the new key.
    const t: TestApp = await createTestApp({
      db: { database: cli.database, dispose: async () => {} },
      env: { AUTH_MODE: 'keys' },
    });
    try {
      const ok = await t.gql('{ agents { name } }', undefined, fresh.key);
      expect(ok.errors).toBeUndefined();
      expect((await t.gql('{ agents { name } }', undefined, 'bk_int_not-a-key')).errors?.[0]?.message).toBe(
        'Invalid API key',
      );
    } finally {
      await t.close();
    }

    const revoked = await keys('revoke', old.id);
    expect(revoked.code).toBe(0);
    // A fresh verifier (no cache): the old key is refused, the new one still accepted.
    const verifier = new ApiKeyService(cli.database.db);
    expect(await verifier.verify(old.key)).toBeNull();
    expect(await verifier.verify(fresh.key)).toMatchObject({ name: 'storefront-new', role: 'integrator' });

    const listed = (await keys('list')).out.split('\n');
    expect(listed.find((l) => l.startsWith(old.id))).toMatch(/revoked \d{4}-/);
    expect(listed.find((l) => l.startsWith(fresh.id))).toMatch(/ active {2}runs at once: default {2}storefront-new$/);
    // The listing never shows a whole key.
    expect(listed.join('\n')).not.toContain(fresh.key);
  });

  it('creates admin keys on request', async () => {
    const { out } = await keys('create', 'ops', '--role', 'admin');
    const { key } = created(out);
    expect(key).toMatch(/^bk_adm_/);
    expect(await new ApiKeyService(cli.database.db).verify(key)).toMatchObject({ role: 'admin' });
  });

  it('grants full event data only on request: integrator keys read redacted events by default', async () => {
    const plain = created((await keys('create', 'feed')).out).key;
    const full = created((await keys('create', 'warehouse', '--full-event-data')).out).key;
    const verifier = new ApiKeyService(cli.database.db);
    expect(await verifier.verify(plain)).toMatchObject({ role: 'integrator', fullEventData: false });
    expect(await verifier.verify(full)).toMatchObject({ role: 'integrator', fullEventData: true });
  });

  it("gives a backend's key runs at once of its own, changed later without rotating it", async () => {
    const made = await keys('create', 'storefront-backend', '--runs-at-once', '24');
    expect(made.out).toContain('Up to 24 of its runs execute at once on each replica.');
    const { id, key } = created(made.out);
    const verifier = () => new ApiKeyService(cli.database.db);
    expect(await verifier().verify(key)).toMatchObject({ runsAtOnce: 24 });
    expect((await keys('list')).out.split('\n').find((l) => l.startsWith(id))).toMatch(
      / runs at once 24 {2}storefront-backend$/,
    );

    expect((await keys('set', id, '--runs-at-once', '48')).code).toBe(0);
    expect(await verifier().verify(key)).toMatchObject({ runsAtOnce: 48 });
    expect((await keys('set', id, '--runs-at-once', 'default')).code).toBe(0);
    expect(await verifier().verify(key)).not.toHaveProperty('runsAtOnce');

    for (const bad of ['0', '-3', '2.5', 'many', '1001']) {
      const refused = await keys('create', 'x', '--runs-at-once', bad);
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(/--runs-at-once must be a whole number from 1 to 1000/);
    }
    expect((await keys('set', id, '--runs-at-once', 'default', 'extra')).err).toMatch(/unexpected argument extra/);
    expect((await keys('set', id)).err).toMatch(/--runs-at-once N\|default/);
    expect((await keys('set', '00000000-0000-4000-8000-000000000000', '--runs-at-once', '2')).err).toMatch(
      /No API key/,
    );
  });

  it('explains mistakes: unknown key, bad role, missing name', async () => {
    const missing = await keys('revoke', '00000000-0000-4000-8000-000000000000');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No API key/);
    expect((await keys('revoke', 'abc')).err).toMatch(/by its id/);
    expect((await keys('create', 'x', '--role', 'root')).err).toMatch(/--role must be admin or integrator or support/);
    expect((await keys('create')).code).toBe(2);
    expect((await keys()).code).toBe(2);
  });
});
