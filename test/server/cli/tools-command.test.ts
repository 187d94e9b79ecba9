import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as toolsCommand from '../../../server/src/cli/tools-command.js';
import { defaultStoreDataDir, loadStoreDataset, type StoreDataset } from '../../../server/src/store/store-dataset.js';
import { createCliEnv, runCli } from './cli-test-env.js';

describe('pnpm baton tools', () => {
  let cli: Awaited<ReturnType<typeof createCliEnv>>;
  let data: StoreDataset;
  beforeAll(async () => {
    cli = await createCliEnv();
    data = await loadStoreDataset(defaultStoreDataDir());
  });
  afterAll(() => cli.dispose());

  it('lists the tools of every server, read or write', async () => {
    const { code, out } = await runCli(toolsCommand, ['list'], cli.env, cli.database);
    expect(code).toBe(0);
    expect(out).toMatch(/^store \(in-process\)$/m);
    expect(out).toMatch(/^ {2}store\.get_order_details\s+read\s+Get an order/m);
    expect(out).toMatch(/^ {2}store\.cancel_pending_order\s+write\s+Cancel a pending order\./m);
  });

  it("calls a tool as a customer, and refuses another customer's order", async () => {
    const order = Object.values(data.orders)[0]!;
    const args = ['call', 'store.get_order_details', '--args', JSON.stringify({ order_id: order.order_id })];
    const mine = await runCli(toolsCommand, [...args, '--as-user', order.user_id], cli.env, cli.database);
    expect(mine.code).toBe(0);
    expect(JSON.parse(mine.out)).toEqual({ ok: true, output: order });
    const other = Object.keys(data.users).find((u) => u !== order.user_id)!;
    const refused = await runCli(toolsCommand, [...args, '--as-user', other], cli.env, cli.database);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ ok: false, errorCode: 'NOT_FOUND' });
    const admin = await runCli(toolsCommand, args, cli.env, cli.database);
    expect(JSON.parse(admin.out).output.order_id).toBe(order.order_id);
  });

  // A fresh database opened, migrated and seeded by the command itself: slower than the rest.
  it('opens the configured database when none is given', async () => {
    const { code, out } = await runCli(toolsCommand, ['call', 'store.list_all_product_types'], cli.configEnv);
    expect(code).toBe(0);
    expect(Object.keys(JSON.parse(out).output)).toHaveLength(Object.keys(data.products).length);
  }, 90_000);

  it('explains usage mistakes without touching the database', async () => {
    expect((await runCli(toolsCommand, [], cli.env, cli.database)).code).toBe(2);
    expect((await runCli(toolsCommand, ['call'], cli.env, cli.database)).err).toMatch(/name the tool to call/);
    expect((await runCli(toolsCommand, ['call', 'store.x', '--args', '{nope'], cli.env, cli.database)).err).toMatch(
      /not valid JSON/,
    );
    expect((await runCli(toolsCommand, ['call', 'store.x', '--as-user'], cli.env, cli.database)).err).toMatch(
      /--as-user needs a value/,
    );
  });
});
