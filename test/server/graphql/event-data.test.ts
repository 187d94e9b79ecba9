import {
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLUnionType,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EventType, eventDataSchemas, eventTypes } from '../../../server/src/domain/events.js';
import { getSchema } from '../../../server/src/graphql/schema.js';
import { eventDataTypeName } from '../../../server/src/graphql/types/event-data.js';
import { deltaSample, eventDataSamples, SAMPLE_PERSONAL } from '../../fixtures/event-data-samples.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/**
 * Every difference between a zod schema and the GraphQL type built for it: field names, nullability,
 * kinds, enum values, nested objects, lists and unions. Written apart from the helper that builds the
 * types, so a bug there, or a hand-written type that drifts (PlanTask), shows up here.
 */
function differences(schema: z.ZodType, type: GraphQLOutputType, path: string): string[] {
  let s = schema;
  let optional = false;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
      optional = true;
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else break;
  }
  if (s instanceof z.ZodUnknown) optional = true;
  const out: string[] = [];
  if (optional === isNonNullType(type))
    out.push(`${path}: ${optional ? 'optional' : 'required'} in zod, ${type} in GraphQL`);
  const t = isNonNullType(type) ? type.ofType : type;
  if (s instanceof z.ZodArray) {
    if (!isListType(t)) return [...out, `${path}: array in zod, ${t} in GraphQL`];
    return [...out, ...differences(s.element as z.ZodType, t.ofType, `${path}[]`)];
  }
  if (isListType(t)) return [...out, `${path}: ${s.type} in zod, list in GraphQL`];
  const named = getNamedType(t);
  const leaf = (name: string) => (named.name === name ? [] : [`${path}: ${s.type} in zod, ${named.name} in GraphQL`]);
  if (s instanceof z.ZodString) return [...out, ...leaf('String')];
  if (s instanceof z.ZodNumber) return [...out, ...leaf(s.isInt ? 'Int' : 'Float')];
  if (s instanceof z.ZodBoolean) return [...out, ...leaf('Boolean')];
  if (s instanceof z.ZodUnknown || s instanceof z.ZodRecord) return [...out, ...leaf('JSON')];
  if (s instanceof z.ZodEnum) {
    if (!isEnumType(named)) return [...out, `${path}: enum in zod, ${named.name} in GraphQL`];
    const want = [...s.options].map(String).sort();
    const have = named
      .getValues()
      .map((v) => v.value as string)
      .sort();
    return JSON.stringify(want) === JSON.stringify(have) ? out : [...out, `${path}: enum ${want} vs ${have}`];
  }
  if (s instanceof z.ZodObject) {
    if (!isObjectType(named)) return [...out, `${path}: object in zod, ${named.name} in GraphQL`];
    return [...out, ...objectDifferences(s, named, path)];
  }
  if (s instanceof z.ZodUnion) {
    if (!isUnionType(named)) return [...out, `${path}: union in zod, ${named.name} in GraphQL`];
    const members = named.getTypes();
    if (members.length !== s.options.length)
      return [...out, `${path}: ${s.options.length} vs ${members.length} members`];
    return [...out, ...s.options.flatMap((o, i) => objectDifferences(o as z.ZodObject, members[i]!, `${path}|${i}`))];
  }
  return [...out, `${path}: no rule for a zod ${s.type}`];
}

function objectDifferences(schema: z.ZodObject, type: GraphQLObjectType, path: string): string[] {
  const fields = type.getFields();
  const keys = Object.keys(schema.shape);
  return [
    ...keys.filter((k) => !fields[k]).map((k) => `${path}.${k}: missing in ${type.name}`),
    ...Object.keys(fields)
      .filter((k) => !keys.includes(k))
      .map((k) => `${path}.${k}: in ${type.name}, not in zod`),
    ...keys
      .filter((k) => fields[k])
      .flatMap((k) => differences(schema.shape[k] as z.ZodType, fields[k]!.type, `${path}.${k}`)),
  ];
}

const union = () => getSchema().getType('EventData') as GraphQLUnionType;
const dataType = (type: EventType) => getSchema().getType(eventDataTypeName(type)) as GraphQLObjectType;

/** A selection of every field of a type, nested ones and every union member included. */
function selectAll(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isUnionType(named))
    return `{ ${named
      .getTypes()
      .map((m) => `... on ${m.name} ${selectAll(m)}`)
      .join(' ')} }`;
  if (!isObjectType(named)) return '';
  return `{ ${Object.values(named.getFields())
    .map((f) => `${f.name} ${selectAll(f.type)}`)
    .join(' ')} }`;
}

/** What GraphQL answers for `value` with every field selected: absent optional fields read as null. */
function expected(value: unknown, type: GraphQLOutputType): unknown {
  const t = isNonNullType(type) ? type.ofType : type;
  if (value === undefined || value === null) return null;
  if (isListType(t)) return (value as unknown[]).map((v) => expected(v, t.ofType));
  if (!isObjectType(t)) return value;
  const v = value as Record<string, unknown>;
  return Object.fromEntries(Object.values(t.getFields()).map((f) => [f.name, expected(v[f.name], f.type)]));
}

const eventsQuery = (type: EventType) =>
  `query($id: ID!) { conversation(id: $id) { events { type data { __typename ... on ${eventDataTypeName(type)} ${selectAll(dataType(type))} } dataJson } } }`;

describe('the EventData types and eventDataSchemas', () => {
  it('have one union member per event type, named after it', () => {
    expect(
      union()
        .getTypes()
        .map((t) => t.name)
        .sort(),
    ).toEqual(eventTypes.map(eventDataTypeName).sort());
  });

  it.each(eventTypes)('%s: the GraphQL type has the zod schema’s fields, kinds and nullability', (type) => {
    expect(objectDifferences(eventDataSchemas[type], dataType(type), type)).toEqual([]);
  });

  it('the comparison catches a drift', () => {
    const drifted = eventDataSchemas.HANDOFF.extend({ extra: z.string(), reason: z.string().optional() });
    expect(objectDifferences(drifted, dataType('HANDOFF'), 'HANDOFF')).toEqual([
      'HANDOFF.extra: missing in HandoffData',
      'HANDOFF.reason: optional in zod, String! in GraphQL',
    ]);
    const plan = eventDataSchemas.PLAN.extend({
      plan: z.object({ refuse: z.boolean(), tasks: z.array(z.object({ id: z.number().int() })) }),
    });
    expect(objectDifferences(plan, dataType('PLAN'), 'PLAN')).toContain(
      'PLAN.plan.tasks[].id: number in zod, String in GraphQL',
    );
  });
});

describe('Event.data', () => {
  let t: TestApp;
  let url: string;
  let conversationId: string;
  let admin: string;
  let plain: string;
  let granted: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys', NODE_ENV: 'production' } });
    await t.app.services.runs.stop();
    admin = (await t.app.services.apiKeys.create('admin', 'admin')).key;
    plain = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    granted = (await t.app.services.apiKeys.create('warehouse', 'integrator', undefined, { fullEventData: true })).key;
    url = (await t.app.start(0, '127.0.0.1')).url;
    const { conversation } = await t.app.services.conversations.start({});
    conversationId = conversation.id;
    // Parsed as the writers parse them, so the stored data is what the schema says it is.
    const batch = eventDataSamples.map((s) => ({
      conversationId,
      type: s.type,
      data: eventDataSchemas[s.type].parse(s.data),
    })) as Parameters<typeof t.app.services.events.append>[0];
    await t.app.services.events.append(batch);
  });
  afterAll(() => t.close());

  type Read = { type: EventType; data: Record<string, unknown>; dataJson: unknown };
  const read = async (type: EventType, key: string) => {
    const r = await t.gql<{ conversation: { events: Read[] } }>(eventsQuery(type), { id: conversationId }, key);
    expect(r.errors).toBeUndefined();
    return r.data!.conversation.events.filter((e) => e.type === type);
  };

  it.each([...new Set(eventDataSamples.map((s) => s.type))])('%s round-trips with its typed fields', async (type) => {
    const samples = eventDataSamples.filter((s) => s.type === type);
    const events = await read(type, admin);
    expect(events.map((e) => e.data)).toEqual(
      samples.map((s) => ({ __typename: eventDataTypeName(type), ...(expected(s.data, dataType(type)) as object) })),
    );
    expect(events.map((e) => e.dataJson)).toEqual(samples.map((s) => s.data));
  });

  it('MESSAGE_DELTA, streamed only, round-trips through a subscription', async () => {
    const query = `subscription($id: ID!) { conversationEvents(conversationId: $id) { type data { __typename ... on MessageDeltaData { delta } } } }`;
    const sub = subscribe('ws', url, query, { id: conversationId }, (d) => d.conversationEvents, admin);
    await sub.waitFor(eventDataSamples.length);
    t.app.services.events.publish([{ ...deltaSample, conversationId, id: null, seq: null, createdAt: new Date() }]);
    const got = await sub.waitFor(eventDataSamples.length + 1);
    sub.stop();
    expect(got.at(-1)).toEqual({
      type: 'MESSAGE_DELTA',
      data: { __typename: 'MessageDeltaData', ...deltaSample.data },
    });
  });

  it('is redacted in every typed field, nested ones too, for an integrator key without the full-data grant', async () => {
    const all = await Promise.all(eventTypes.filter((x) => x !== 'MESSAGE_DELTA').map((type) => read(type, plain)));
    const text = JSON.stringify(all);
    for (const value of Object.values(SAMPLE_PERSONAL)) expect(text).not.toContain(value);
    const byType = new Map(all.flat().map((e) => [e.type, e]));
    const plan = byType.get('PLAN')!.data as { plan: { tasks: { instruction: string }[] }; editReason: string };
    expect(plan.plan.tasks[0]!.instruction).toBe('Find orders of [email]');
    expect(plan.editReason).toBe('the shopper gave [phone]');
    expect(byType.get('MESSAGE')!.data.text).toBe('Ship to [address]');
    expect(byType.get('TOOL_CALL')!.data.arguments).toEqual({ email: '[redacted]', note: 'call [phone]' });
    expect(byType.get('TOOL_CALL')!.data.output).toEqual({ user_id: 'noah_brown_6181', payment_methods: '[redacted]' });
    const identities = all.flat().filter((e) => e.type === 'IDENTITY');
    expect(identities.map((e) => e.data.claim)).toEqual([
      { email: '[redacted]' },
      { firstName: '[redacted]', lastName: '[redacted]', zip: '[redacted]' },
    ]);
    // Staff-only events stay off an integrator's reads.
    expect(byType.has('SUGGESTION')).toBe(false);
  });

  it('is whole for a key granted full data, and staff see SUGGESTION', async () => {
    const text = JSON.stringify(
      await Promise.all(['PLAN', 'MESSAGE', 'TOOL_CALL'].map((x) => read(x as EventType, granted))),
    );
    for (const value of Object.values(SAMPLE_PERSONAL)) expect(text).toContain(value);
    expect(await read('SUGGESTION', granted)).toEqual([]);
    expect((await read('SUGGESTION', admin))[0]!.data.text).toBe(`Your order ships to ${SAMPLE_PERSONAL.street}`);
  });
});
