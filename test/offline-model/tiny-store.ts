import { defaultStoreDataDir, loadStoreDataset, type StoreDataset } from '../../server/src/store/store-dataset.js';
import { seedStore } from '../../server/src/store/store-seed.js';
import { createStoreToolRegistry } from '../../server/src/tools/mcp-tool-registry.js';
import { createTestDatabase } from '../helpers/test-database.js';
import type { HarnessResult, HarnessTool } from './task-harness.js';

/** The customers the offline tests talk as, with their orders (from the tau-retail dataset). */
export const TINY_STORE_USERS = ['james_li_5688', 'emma_smith_8564', 'noah_brown_6181'];

/**
 * The real store MCP tools over a small slice of the dataset (three customers, or those named, every product), so
 * that offline replies are checked against the store's actual output shapes in seconds.
 */
export async function createTinyStore(
  userIds: readonly string[] = TINY_STORE_USERS,
  options: { policy?: 'email' | 'strict' } = {},
): Promise<{
  tools: HarnessTool[];
  call: (name: string, args: Record<string, unknown>, customerId?: string) => Promise<HarnessResult>;
  dispose: () => Promise<void>;
}> {
  const full = await loadStoreDataset(defaultStoreDataDir());
  const users = Object.fromEntries(userIds.map((id) => [id, full.users[id]!]));
  const orderIds = new Set(Object.values(users).flatMap((u) => u.orders));
  const dataset: StoreDataset = {
    users,
    orders: Object.fromEntries(Object.entries(full.orders).filter(([id]) => orderIds.has(id))),
    products: full.products,
  };
  const db = await createTestDatabase();
  await seedStore(db.database.db, { dataset });
  const registry = await createStoreToolRegistry({ db: db.database.db });
  const tools = (await registry.list()).map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema,
  }));
  let index = 0;
  return {
    tools,
    call: (name, args, customerId) => {
      index++;
      return registry.call(name, args, {
        conversationId: 'conv-offline',
        runId: 'run-offline',
        taskId: 't1',
        agentName: 'test',
        callIndex: index,
        idempotencyKey: `run-offline:t1:${index}`,
        // The retail benchmark's policy, in which an email identifies: these tests pin the stand-in's
        // recipes for it (test/server/identity covers the strict levels end to end). Under `strict` an email or a
        // name only records who the shopper says they are.
        customer: { customerId, verified: !!customerId, policy: options.policy ?? 'email' },
      });
    },
    async dispose() {
      await registry.close();
      await db.dispose();
    },
  };
}
