import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as storeCommand from '../../../server/src/cli/store-command.js';
import * as toolsCommand from '../../../server/src/cli/tools-command.js';
import { defaultStoreDataDir, loadStoreDataset, type StoreDataset } from '../../../server/src/store/store-dataset.js';
import { createCliEnv, runCli } from './cli-test-env.js';

describe('pnpm baton store', () => {
  let cli: Awaited<ReturnType<typeof createCliEnv>>;
  let data: StoreDataset;
  const readExport = async (dir: string, name: string) =>
    JSON.parse(await readFile(join(cli.env.INIT_CWD!, dir, `${name}.json`), 'utf8'));

  beforeAll(async () => {
    cli = await createCliEnv();
    data = await loadStoreDataset(defaultStoreDataDir());
  });
  afterAll(() => cli.dispose());

  it('reset after a change, then export, reproduces the source files', async () => {
    const pending = Object.values(data.orders).find((o) => o.status === 'pending')!;
    const cancel = await runCli(
      toolsCommand,
      [
        'call',
        'store.cancel_pending_order',
        '--args',
        JSON.stringify({ order_id: pending.order_id, reason: 'no longer needed' }),
      ],
      cli.env,
      cli.database,
    );
    expect(cancel.code).toBe(0);
    expect((await runCli(storeCommand, ['export', 'changed'], cli.env, cli.database)).code).toBe(0);
    expect((await readExport('changed', 'orders'))[pending.order_id].cancel_reason).toBe('no longer needed');

    const reset = await runCli(storeCommand, ['reset'], cli.env, cli.database);
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(
      /^Store reset: 500 users, 1000 orders, 50 products with 591 variants, \d+ knowledge articles\.$/,
    );
    const exported = await runCli(storeCommand, ['export', 'clean'], cli.env, cli.database);
    expect(exported.out.split('\n')).toEqual(
      ['users', 'orders', 'products'].map((n) => `wrote ${join(cli.env.INIT_CWD!, 'clean', `${n}.json`)}`),
    );
    for (const name of ['users', 'orders', 'products'] as const) {
      const source = JSON.parse(await readFile(join(defaultStoreDataDir(), `${name}.json`), 'utf8'));
      expect(await readExport('clean', name), name).toEqual(source);
    }
  });

  it('explains usage mistakes', async () => {
    for (const args of [[], ['export'], ['reset', 'extra'], ['drop']]) {
      const { code, err } = await runCli(storeCommand, args, cli.env, cli.database);
      expect(code).toBe(2);
      expect(err).toMatch(/usage: pnpm baton store reset/);
    }
  });
});
