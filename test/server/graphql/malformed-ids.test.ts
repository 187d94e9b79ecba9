import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSchema } from '../../../server/src/graphql/schema.js';
import { createTestApp, errorCode, type GraphQLResult, type TestApp } from '../../helpers/test-app.js';

const BAD = 'not-a-uuid';

/** Whether an input type holds an ID anywhere (itself, a list of them, a field of an input object). */
function holdsId(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named.name === 'ID') return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => holdsId(f.type, seen));
}

/**
 * A literal for an argument: every ID malformed (or, with `eventIdsValid`, the ids of events, which are
 * numbers, a well-formed "1" so that the uuid beside them is what is checked); other required values the
 * plainest of their type; optional ones left out.
 */
function literal(
  type: GraphQLInputType,
  name: string,
  required: boolean,
  eventIdsValid: boolean,
  bad = BAD,
): string | undefined {
  if (isNonNullType(type)) return literal(type.ofType, name, true, eventIdsValid, bad);
  if (isListType(type)) {
    const inner = literal(type.ofType, name, true, eventIdsValid, bad);
    return required || holdsId(type) ? `[${inner ?? ''}]` : undefined;
  }
  if (isEnumType(type)) return required ? type.getValues()[0]!.name : undefined;
  if (isInputObjectType(type)) {
    if (!required && !holdsId(type)) return undefined;
    const fields = Object.values(type.getFields()).flatMap((f) => {
      const v = literal(f.type, f.name, isNonNullType(f.type), eventIdsValid, bad);
      return v === undefined ? [] : [`${f.name}: ${v}`];
    });
    return `{ ${fields.join(', ')} }`;
  }
  if (!isScalarType(type)) return undefined;
  if (type.name === 'ID') return eventIdsValid && /eventId$|^after$/i.test(name) ? '"1"' : `"${bad}"`;
  if (!required) return name === 'as' ? '"Probe"' : undefined;
  const plain: Record<string, string> = {
    String: '"x"',
    Int: '1',
    Float: '1',
    Boolean: 'false',
    JSON: '{}',
    DateTime: '"2026-01-01T00:00:00Z"',
  };
  return plain[type.name];
}

const selection = (field: GraphQLField<unknown, unknown>) => {
  const t = getNamedType(field.type);
  return isObjectType(t) || isUnionType(t) ? '{ __typename }' : '';
};

/** The operation calling `field` with every ID argument malformed. */
function operation(op: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, eventIdsValid: boolean, bad = BAD) {
  const args = field.args.flatMap((a: GraphQLArgument) => {
    const v = literal(a.type, a.name, isNonNullType(a.type), eventIdsValid, bad);
    return v === undefined ? [] : [`${a.name}: ${v}`];
  });
  return `${op} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${selection(field)} }`;
}

/** Every query and mutation that takes an ID somewhere in its arguments. */
function* idFields(): Generator<['query' | 'mutation', GraphQLField<unknown, unknown>]> {
  const schema = getSchema();
  for (const [op, root] of [
    ['query', schema.getQueryType()!],
    ['mutation', schema.getMutationType()!],
  ] as const)
    for (const field of Object.values(root.getFields())) if (field.args.some((a) => holdsId(a.type))) yield [op, field];
}

/** Reads a subscription over SSE (yoga.fetch) up to its first answer. */
async function firstOfSubscription(t: TestApp, query: string, variables: Record<string, unknown>) {
  const controller = new AbortController();
  const res = await t.app.yoga.fetch('http://baton.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      const data = /^data: (.+)$/m.exec(text);
      if (data) return JSON.parse(data[1]!) as GraphQLResult;
    }
  } finally {
    controller.abort();
  }
  throw new Error(`no answer: ${text}`);
}

describe('malformed ids get typed errors, never INTERNAL_SERVER_ERROR', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { NODE_ENV: 'development' } });
    await t.app.services.runs.stop();
  });
  afterAll(() => t.close());

  it('answers each reported operation NOT_FOUND, naming the argument, before any statement', async () => {
    const cases: [string, string][] = [
      ['{ dataset(id: "not-a-uuid") { id } }', 'id'],
      ['{ experiment(id: "not-a-uuid") { id } }', 'id'],
      [
        '{ compareExperiments(baseId: "not-a-uuid", id: "7a6b1f1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b") { base { id } } }',
        'baseId',
      ],
      ['mutation { updateKnowledgeArticle(id: "not-a-uuid", input: { title: "x" }) { id } }', 'id'],
      ['mutation { deleteKnowledgeArticle(id: "not-a-uuid") }', 'id'],
      ['mutation { sendHumanMessage(conversationId: "not-a-uuid", text: "hi", as: "Dana") { id } }', 'conversationId'],
      [
        'mutation { makeProposedChange(conversationId: "not-a-uuid", proposalEventId: "1", as: "Dana") { id } }',
        'conversationId',
      ],
      ['mutation { handBackConversation(conversationId: "not-a-uuid", as: "Dana") { state } }', 'conversationId'],
      [
        'mutation { updateTicket(id: "not-a-uuid", input: { assignee: "Jane Privateperson", internalNote: "customer SSN 123-45-6789" }) { id } }',
        'id',
      ],
      ['mutation { deleteDataset(id: "not-a-uuid") { id } }', 'id'],
      ['mutation { startExperiment(datasetId: "not-a-uuid") { id } }', 'datasetId'],
    ];
    for (const [query, field] of cases) {
      const r = await t.gql(query);
      expect(r.errors, query).toHaveLength(1);
      expect(r.errors![0]!.extensions, query).toMatchObject({ code: 'NOT_FOUND', field });
      // Development mode shows unexpected errors' messages: no statement, no parameters.
      expect(r.errors![0]!.message, query).not.toMatch(/Failed query|params|select|update|delete/i);
    }
    // As a conversation and a run always were.
    expect(errorCode(await t.gql('{ conversation(id: "not-a-uuid") { id } }'))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql('{ run(id: "not-a-uuid") { id } }'))).toBe('NOT_FOUND');
  });

  it('a malformed conversation id filters runs as an unknown one does: none', async () => {
    for (const id of [BAD, '7a6b1f1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b']) {
      const r = await t.gql<{ runs: unknown[] }>('query($id: ID) { runs(conversationId: $id) { id } }', { id });
      expect(r.errors, id).toBeUndefined();
      expect(r.data?.runs, id).toEqual([]);
    }
  });

  it('every query and mutation with an ID argument answers a malformed one with a typed error', async () => {
    let probed = 0;
    for (const [op, field] of idFields())
      for (const eventIdsValid of [false, true]) {
        const query = operation(op, field, eventIdsValid);
        const r = await t.gql(query);
        probed++;
        for (const e of r.errors ?? []) {
          expect(e.extensions?.code, `${query}: ${e.message}`).not.toBe('INTERNAL_SERVER_ERROR');
          expect(e.extensions?.code, query).toBeDefined();
        }
      }
    expect(probed).toBeGreaterThan(60);
  });

  it('an error never repeats a long id whole: an answer stays small whatever the caller sent', async () => {
    const long = 'x'.repeat(50_000);
    let probed = 0;
    for (const [op, field] of idFields()) {
      const r = await t.gql(operation(op, field, false, long));
      probed++;
      for (const e of r.errors ?? [])
        expect(e.message.length, `${field.name}: ${e.message.slice(0, 80)}`).toBeLessThan(1_100);
    }
    expect(probed).toBeGreaterThan(30);
  });

  it('a malformed event cursor is VALIDATION_FAILED naming `after`, in reads and subscriptions', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const read = await t.gql('query($id: ID!) { conversation(id: $id) { events(after: "x") { id } } }', {
      id: conversation.id,
    });
    expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'after' });
    const conversationEvents = await firstOfSubscription(
      t,
      'subscription($id: ID!) { conversationEvents(conversationId: $id, after: "x") { id } }',
      { id: conversation.id },
    );
    expect(conversationEvents.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'after' });
    const feed = await firstOfSubscription(t, 'subscription { eventFeed(after: "x") { id } }', {});
    expect(feed.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'after' });
    for (const query of [
      'subscription { conversationEvents(conversationId: "not-a-uuid") { id } }',
      'subscription { runEvents(runId: "not-a-uuid") { id } }',
    ]) {
      expect(errorCode(await firstOfSubscription(t, query, {})), query).toBe('NOT_FOUND');
    }
  });
});

describe('deeply nested JSON input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { NODE_ENV: 'development' } });
  });
  afterAll(() => t.close());

  const nested = (levels: number) => {
    let m: Record<string, unknown> = { leaf: true };
    for (let i = 1; i < levels; i++) m = { a: m };
    return m;
  };
  const MUTATION = 'mutation($m: JSON) { startConversation(input: { metadata: $m }) { conversation { metadata } } }';
  const start = (metadata: unknown) =>
    t.gql<{ startConversation: { conversation: { metadata: unknown } } }>(MUTATION, { m: metadata });
  /** Metadata `levels` deep, written as text: JSON.stringify itself overflows the stack on very deep values. */
  const startDeep = async (levels: number, open = '{"a":', close = '}') => {
    const m = `${open.repeat(levels - 1)}{"leaf":true}${close.repeat(levels - 1)}`;
    const res = await t.app.yoga.fetch('http://baton.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":${JSON.stringify(MUTATION)},"variables":{"m":${m}}}`,
    });
    return (await res.json()) as GraphQLResult;
  };

  it('is refused VALIDATION_FAILED naming metadata beyond 32 levels, not a stack overflow; 32 are kept', async () => {
    expect((await start(nested(33))).errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'input.metadata',
    });
    for (const levels of [5_000, 50_000]) {
      const r = await startDeep(levels);
      expect(r.errors?.[0]?.extensions, String(levels)).toMatchObject({
        code: 'VALIDATION_FAILED',
        field: 'input.metadata',
      });
    }
    // Arrays count as levels too.
    expect((await startDeep(5_000, '{"a":[', ']}')).errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'input.metadata',
    });
    // 32 levels are kept, and wide metadata too, within its 1,000 keys and array items (json-argument-size.test.ts).
    const ok = await start(nested(32));
    expect(ok.errors).toBeUndefined();
    expect(JSON.stringify(ok.data?.startConversation.conversation.metadata)).toContain('leaf');
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, { v: [i] }]));
    expect((await start(wide)).errors).toBeUndefined();
  });
});
