import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Db } from '../../../server/src/db/client.js';
import { createStoreMcpServer } from '../../../server/src/store/mcp/store-mcp-server.js';
import type { StoreDataset } from '../../../server/src/store/store-dataset.js';
import { exportStore } from '../../../server/src/store/store-export.js';
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

interface Observed {
  result: CallToolResult;
  text: string;
}

/** Records whose contents differ from the seeded store's. */
function changedRecords(before: StoreDataset, after: StoreDataset): ReplayTask['changed'] {
  const diff = <T>(b: Record<string, T>, a: Record<string, T>) => {
    expect(Object.keys(a)).toEqual(Object.keys(b));
    return Object.fromEntries(Object.entries(a).filter(([id, rec]) => !isDeepStrictEqual(rec, b[id])));
  };
  return {
    users: diff(before.users, after.users),
    orders: diff(before.orders, after.orders),
    products: diff(before.products, after.products),
  };
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
async function replayTask(db: Db, task: ReplayTask, seeded: StoreDataset) {
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
    return { observed, changed: changedRecords(seeded, await exportStore(tx)) };
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

describe.each([
  ['the dev split of the retail tasks', 'dev.json'],
  ['probes of every rule and error', 'probes.json'],
])('tau-retail replay: %s', (_title, file) => {
  const fixture = loadFixture(file);
  let s: SeededStore;
  let seeded: StoreDataset;

  beforeAll(async () => {
    s = await createSeededStore();
    seeded = await exportStore(s.db);
  });
  afterAll(() => s.dispose());

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
