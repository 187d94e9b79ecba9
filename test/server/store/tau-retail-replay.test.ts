import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../../server/src/db/client.js';
import { createStoreMcpServer } from '../../../server/src/store/mcp/store-mcp-server.js';
import { getOrderDetails } from '../../../server/src/store/orders.js';
import { getProductDetails } from '../../../server/src/store/products.js';
import { rowsOf } from '../../../server/src/store/sql-rows.js';
import { adminStoreContext } from '../../../server/src/store/store-call-context.js';
import type { StoreDataset } from '../../../server/src/store/store-dataset.js';
import { exportStore } from '../../../server/src/store/store-export.js';
import { loadUser } from '../../../server/src/store/users.js';
import { toolMetaKeys } from '../../../server/src/tools/tool-call-meta.js';
import { createSeededStore, type SeededStore } from './store-test-kit.js';

/**
 * The retail API's own results (test/fixtures/tau-retail-replay, written by generate.py from the
 * reference's Python tools and data) replayed through the store MCP server: every call must
 * succeed or fail as it did there, answer the same record, and every task must leave the same
 * records changed, with the same contents. Each task starts from the seeded store: it runs in a
 * transaction that is rolled back.
 */

const record = z.record(z.string(), z.unknown());
const fixtureSchema = z.object({
  source: z.object({ repository: z.string(), commit: z.string().nullable(), split: z.string() }),
  tasks: z.array(
    z.object({
      name: z.string(),
      user_id: z.string(),
      calls: z.array(
        z.discriminatedUnion('ok', [
          z.object({ name: z.string(), kwargs: record, ok: z.literal(true), output: z.unknown() }),
          z.object({ name: z.string(), kwargs: record, ok: z.literal(false), error: z.string() }),
        ]),
      ),
      changed: z.object({ users: record, orders: record, products: record }),
    }),
  ),
});
type ReplayTask = z.infer<typeof fixtureSchema>['tasks'][number];
type ReplayCall = ReplayTask['calls'][number];

const loadFixture = (file: string) =>
  fixtureSchema.parse(
    JSON.parse(readFileSync(new URL(`../../fixtures/tau-retail-replay/${file}`, import.meta.url), 'utf8')),
  );

/**
 * What each of the reference's error texts means here: the store's error code, and what its own
 * message must say. `INPUT` is the MCP input schema's refusal (the reason is an enum in both APIs'
 * schemas, so the store never reaches its own check through MCP).
 */
const errorMeanings: { reference: RegExp; codes: string[]; ours: (m: RegExpMatchArray) => RegExp }[] = [
  { reference: /^Error: order not found$/, codes: ['NOT_FOUND'], ours: () => /^No order / },
  { reference: /^Error: user not found$/, codes: ['NOT_FOUND'], ours: () => /^No customer / },
  { reference: /^Error: product not found$/, codes: ['NOT_FOUND'], ours: () => /^No product / },
  {
    reference: /^Error: non-pending order cannot be (cancelled|modified)$/,
    codes: ['CONFLICT'],
    ours: () => /^Cannot .* order #W\d+: (its status is "[^"]+"; only pending orders|its items were already modified)/,
  },
  {
    reference: /^Error: non-delivered order cannot be (returned|exchanged)$/,
    codes: ['CONFLICT'],
    ours: (m) => new RegExp(`cannot be ${m[1]}: its status is "[^"]+", and only delivered orders`),
  },
  { reference: /^Error: invalid reason$/, codes: ['INPUT'], ours: () => /Input validation error.*reason/s },
  {
    reference: /^Error: some item not found$/,
    codes: ['NOT_FOUND'],
    ours: () => /^Item \S+ (is not in order|is listed)/,
  },
  {
    reference: /^Error: the number of items to be exchanged should match$/,
    codes: ['VALIDATION_FAILED'],
    ours: () => /must match the number of items to change/,
  },
  {
    reference: /^Error: new item (\S+) not found or available$/,
    codes: ['NOT_FOUND', 'VALIDATION_FAILED'],
    ours: (m) => new RegExp(`New item ${m[1]} (is not a variant of|\\(.*\\) is out of stock)`),
  },
  {
    reference: /^Error: payment method not found$/,
    codes: ['NOT_FOUND'],
    ours: () => /is not one of this customer's saved payment methods/,
  },
  {
    reference: /^Error: insufficient gift card balance to pay for the (new item|price difference|order)$/,
    codes: ['VALIDATION_FAILED'],
    ours: () => /^payment_method_id: Gift card \S+ has \$[\d.]+, not enough to pay/,
  },
  {
    reference: /^Error: there should be exactly one payment for a pending order$/,
    codes: ['CONFLICT'],
    ours: () => /must have exactly one payment so far/,
  },
  {
    reference: /^Error: the new payment method should be different from the current one$/,
    codes: ['VALIDATION_FAILED'],
    ours: () => /is already paid with \S+; choose a different method/,
  },
  {
    reference: /^Error: payment method should be either the original payment method or a gift card$/,
    codes: ['VALIDATION_FAILED'],
    ours: () => /must go to the order's original payment method \(\S+\) or to one of the customer's gift cards/,
  },
  // Last: an item id, e.g. "Error: 4068787148 not found".
  {
    reference: /^Error: (\S+) not found$/,
    codes: ['NOT_FOUND'],
    ours: (m) => new RegExp(`^Item ${m[1]} (is not in order|is listed \\d+ times)`),
  },
];

/** The reference answers a bare user id and users without their id; the store answers JSON with `user_id`. */
function expectedOutput(call: Extract<ReplayCall, { ok: true }>): unknown {
  if (call.name.startsWith('find_user_id_by_')) return { user_id: call.output };
  if (call.name === 'get_user_details' || call.name === 'modify_user_address') {
    return { user_id: call.kwargs.user_id, ...(call.output as object) };
  }
  return call.output;
}

/** The seeded store: its export, and the fingerprints that tell which records a task changed. */
interface Seeded {
  data: StoreDataset;
  fingerprints: Map<string, string>;
}

interface Observed {
  result: CallToolResult;
  text: string;
}

type Kind = keyof ReplayTask['changed'];

/**
 * A hash of every stored record (a user with its payment methods, an order with its items and
 * payments, a product with its variants) in one statement: far cheaper than exporting the whole
 * store after each task, and it still sees a write to any record.
 */
async function fingerprints(db: DbOrTx): Promise<Map<string, string>> {
  const rows = rowsOf<{ kind: Kind; id: string; hash: string }>(
    await db.execute(sql`
      with items as (
        select order_id, string_agg(row(i.*)::text, '|' order by position) as h from store_order_items i group by order_id
      ), payments as (
        select order_id, string_agg(row(p.*)::text, '|' order by position) as h from store_payments p group by order_id
      ), methods as (
        select user_id, string_agg(row(m.*)::text, '|' order by seq) as h from store_payment_methods m group by user_id
      ), variants as (
        select product_id,
          string_agg(concat_ws(',', item_id, seq, options::text, available, price_cents), '|' order by seq) as h
        from store_variants group by product_id
      )
      select 'orders' as kind, o.id, md5(concat_ws('#', row(o.*)::text, items.h, payments.h)) as hash
        from store_orders o left join items on items.order_id = o.id left join payments on payments.order_id = o.id
      union all
      select 'users', u.id, md5(concat_ws('#', row(u.*)::text, methods.h))
        from store_users u left join methods on methods.user_id = u.id
      union all
      select 'products', p.id, md5(concat_ws('#', p.id, p.name, variants.h))
        from store_products p left join variants on variants.product_id = p.id`),
  );
  return new Map(rows.map((r) => [`${r.kind} ${r.id}`, r.hash]));
}

const readRecord: Record<Kind, (db: DbOrTx, id: string) => Promise<unknown>> = {
  users: loadUser,
  orders: (db, id) => getOrderDetails(db, adminStoreContext(), id),
  products: getProductDetails,
};

/**
 * The records whose contents differ from the seeded store's, in the dataset's shape: those whose
 * fingerprint changed, read as the tools answer them, and kept when they differ from the export
 * of the seeded store.
 */
async function changedRecords(db: DbOrTx, seeded: Seeded): Promise<ReplayTask['changed']> {
  const now = await fingerprints(db);
  expect([...now.keys()].sort()).toEqual([...seeded.fingerprints.keys()].sort());
  const changed: ReplayTask['changed'] = { users: {}, orders: {}, products: {} };
  for (const [key, hash] of now) {
    if (hash === seeded.fingerprints.get(key)) continue;
    const [kind, id] = key.split(' ') as [Kind, string];
    const rec = await readRecord[kind](db, id);
    if (!isDeepStrictEqual(rec, seeded.data[kind][id])) changed[kind][id] = rec;
  }
  return changed;
}

/** Runs `work` in a transaction and rolls it back, so the next task starts from the seeded store. */
async function rolledBack<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  let out: { value: T } | undefined;
  try {
    await db.transaction(async (tx) => {
      out = { value: await work(tx) };
      tx.rollback();
    });
  } catch (err) {
    if (!(err instanceof TransactionRollbackError)) throw err;
  }
  return out!.value;
}

/** One task through a fresh MCP client and server over the transaction, as an admin caller of `/mcp/store`. */
async function replayTask(db: Db, task: ReplayTask, seeded: Seeded) {
  return rolledBack(db, async (tx) => {
    const server = createStoreMcpServer({
      db: tx,
      scope: { kind: 'fixed', customer: { verified: true, admin: true }, keyPrefix: 'replay:' },
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'tau-retail-replay', version: '1' });
    await client.connect(clientSide);
    const observed: Observed[] = [];
    try {
      for (const call of task.calls) {
        const result = (await client.callTool({ name: call.name, arguments: call.kwargs })) as CallToolResult;
        observed.push({ result, text: (result.content[0] as { text: string }).text });
      }
    } finally {
      await client.close();
    }
    return { observed, changed: await changedRecords(tx, seeded) };
  });
}

function expectSameOutcome(call: ReplayCall, { result, text }: Observed, where: string): void {
  if (call.ok) {
    expect(result.isError, `${where} failed: ${text}`).toBeFalsy();
    const output = JSON.parse(text);
    expect(output, where).toEqual(expectedOutput(call));
    if (call.name === 'list_all_product_types') expect(Object.keys(output), where).toEqual(Object.keys(call.output!));
    return;
  }
  expect(result.isError, `${where} succeeded; the reference said "${call.error}"`).toBe(true);
  const meaning = errorMeanings.find((m) => m.reference.test(call.error));
  if (!meaning) throw new Error(`${where}: no meaning is known for the reference's "${call.error}"`);
  const code = (result._meta?.[toolMetaKeys.errorCode] as string | undefined) ?? 'INPUT';
  expect(meaning.codes, `${where}: "${call.error}" answered ${code}: ${text}`).toContain(code);
  expect(text, `${where}: "${call.error}"`).toMatch(meaning.ours(call.error.match(meaning.reference)!));
}

let s: SeededStore;
let seeded: Seeded;

beforeAll(async () => {
  s = await createSeededStore();
  seeded = { data: await exportStore(s.db), fingerprints: await fingerprints(s.db) };
});
afterAll(() => s.dispose());

describe.each([
  ['the dev split of the retail tasks', 'dev.json'],
  ['probes of every rule and error', 'probes.json'],
])('tau-retail replay: %s', (_title, file) => {
  const fixture = loadFixture(file);

  it('covers what it claims', () => {
    expect(fixture.source.repository).toBe('sierra-research/tau-bench');
    if (file === 'dev.json') expect(fixture.tasks).toHaveLength(20);
    const errors = fixture.tasks.flatMap((t) => t.calls.filter((c) => !c.ok));
    // Every meaning is reached by some call of the probes.
    if (file === 'probes.json') {
      for (const m of errorMeanings)
        expect(
          errors.some((c) => m.reference.test(c.error)),
          String(m.reference),
        ).toBe(true);
    }
  });

  it.each(fixture.tasks.map((t) => [t.name, t] as const))('%s', async (_name, task) => {
    const { observed, changed } = await replayTask(s.db, task, seeded);
    task.calls.forEach((call, i) => {
      expectSameOutcome(call, observed[i]!, `${task.name}, call ${i + 1} (${call.name})`);
    });
    expect(changed).toEqual(task.changed);
  });
});
