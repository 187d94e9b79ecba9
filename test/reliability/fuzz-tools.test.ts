import { asc, ne } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  storeOrderItems,
  storeOrders,
  storePaymentMethods,
  storePayments,
  storeUsers,
} from '../../server/src/store/schema/index.js';
import { McpToolRegistry } from '../../server/src/tools/mcp-tool-registry.js';
import type { CustomerScope, ToolDefinition } from '../../server/src/tools/tool-registry.js';
import { createSeededStore, type SeededStore } from '../server/store/store-test-kit.js';

/** The refusals a tool may answer with (Baton error codes, and TIMEOUT); anything else is a bug. */
const TOOL_ERROR_CODES = new Set([
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'TOOL_ERROR',
  'CONFLICT',
  'TIMEOUT',
]);
const SHOPPER = 'james_li_5688';

describe('fuzzing the store tools through the ToolRegistry', () => {
  let s: SeededStore;
  let registry: McpToolRegistry;
  let tools: ToolDefinition[];
  let mine: { orders: string[]; payments: string[] };
  let others: { orders: string[]; users: string[] };
  let items: string[];

  /** Everything that belongs to customers other than the shopper: no call for the shopper may change it. */
  const othersSnapshot = async () =>
    JSON.stringify(
      await Promise.all([
        s.db.select().from(storeUsers).where(ne(storeUsers.id, SHOPPER)).orderBy(asc(storeUsers.id)),
        s.db
          .select()
          .from(storePaymentMethods)
          .where(ne(storePaymentMethods.userId, SHOPPER))
          .orderBy(asc(storePaymentMethods.userId), asc(storePaymentMethods.id)),
        s.db.select().from(storeOrders).where(ne(storeOrders.userId, SHOPPER)).orderBy(asc(storeOrders.id)),
      ]),
    );

  beforeAll(async () => {
    s = await createSeededStore();
    registry = await McpToolRegistry.create({ db: s.db, callTimeoutMs: 10_000, refreshIntervalMs: 600_000 });
    tools = (await registry.list()).filter((t) => t.server === 'store');
    const user = s.data.users[SHOPPER]!;
    mine = { orders: user.orders, payments: Object.keys(user.payment_methods) };
    const otherOrders = Object.values(s.data.orders).filter((o) => o.user_id !== SHOPPER);
    others = {
      orders: otherOrders.slice(0, 20).map((o) => o.order_id),
      users: [...new Set(otherOrders.slice(0, 20).map((o) => o.user_id))],
    };
    items = otherOrders.slice(0, 10).flatMap((o) => o.items.map((i) => i.item_id));
  });
  afterAll(async () => {
    await registry.close();
    await s.dispose();
  });

  /** Plausible values for the names tools take, mixed with anything JSON can hold. */
  const argument = (key: string) => {
    const junk = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('', ' ', '\u0000', '%', "' or 1=1 --", '#W0000000', 'x'.repeat(5_000)),
    );
    if (/order_id/.test(key)) return fc.oneof(fc.constantFrom(...mine.orders, ...others.orders), junk);
    if (/user_id/.test(key)) return fc.oneof(fc.constantFrom(SHOPPER, ...others.users), junk);
    if (/payment_method_id/.test(key)) return fc.oneof(fc.constantFrom(...mine.payments, 'gift_card_0000000'), junk);
    if (/item_ids/.test(key)) return fc.oneof(fc.array(fc.constantFrom(...items), { maxLength: 3 }), junk);
    if (key === 'reason') return fc.oneof(fc.constantFrom('no longer needed', 'ordered by mistake'), junk);
    if (key === 'email') return fc.oneof(fc.constantFrom('james.li4495@example.com', 'nobody@example.com'), junk);
    return junk;
  };

  const call = fc
    .integer({ min: 0, max: 1_000 })
    .chain((i) => {
      const tool = tools[i % tools.length]!;
      const keys = Object.keys((tool.inputSchema.properties as Record<string, unknown> | undefined) ?? {});
      const args = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, argument(k)])), { requiredKeys: [] }),
        },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      );
      return fc.tuple(fc.constant(tool.name), args);
    })
    .chain(([name, args]) =>
      fc.tuple(
        fc.constant(name),
        fc.constant(args),
        fc.constantFrom<CustomerScope>(
          { customerId: SHOPPER, verified: true },
          { customerId: SHOPPER, verified: false },
          { verified: false },
        ),
      ),
    );

  it('every call answers ok or with a typed refusal, and nothing of another customer changes', async () => {
    expect(tools.length).toBeGreaterThan(15);
    const before = await othersSnapshot();
    const countsBefore = await counts();
    let n = 0;
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(call, async ([name, args, customer]) => {
        const index = n++;
        const result = await registry.call(name, args, {
          conversationId: 'fuzz',
          runId: 'fuzz-run',
          taskId: 't1',
          agentName: 'FuzzAgent',
          callIndex: index,
          idempotencyKey: `fuzz-run:t1:${index}`,
          customer,
        });
        if (!result.ok) {
          expect(TOOL_ERROR_CODES, `${name}: ${result.error}`).toContain(result.errorCode);
          // Refusals are for the model to read: no SQL or stack traces.
          expect(result.error ?? '').not.toMatch(/Failed query|select |insert into|update "| at .*\.ts:\d+/i);
        }
        seen.set(result.ok ? 'ok' : result.errorCode!, (seen.get(result.ok ? 'ok' : result.errorCode!) ?? 0) + 1);
      }),
      { numRuns: 200 },
    );
    // The run reached past argument validation: some calls worked and some were refused for identity.
    expect(seen.get('ok') ?? 0).toBeGreaterThan(0);
    expect(seen.get('VALIDATION_FAILED') ?? 0).toBeGreaterThan(0);
    expect(await othersSnapshot()).toBe(before);
    const after = await counts();
    // Tools change orders, never create or delete them, and every order keeps its items.
    expect(after.orders).toBe(countsBefore.orders);
    expect(after.users).toBe(countsBefore.users);
    expect(after.itemless).toBe(0);
    expect(after.payments).toBeGreaterThanOrEqual(countsBefore.payments);
  });

  async function counts() {
    const [orders, users, payments, itemRows] = await Promise.all([
      s.db.select({ id: storeOrders.id }).from(storeOrders),
      s.db.select({ id: storeUsers.id }).from(storeUsers),
      s.db.select({ o: storePayments.orderId }).from(storePayments),
      s.db.select({ o: storeOrderItems.orderId }).from(storeOrderItems),
    ]);
    const withItems = new Set(itemRows.map((r) => r.o));
    return {
      orders: orders.length,
      users: users.length,
      payments: payments.length,
      itemless: orders.filter((o) => !withItems.has(o.id)).length,
    };
  }
});
