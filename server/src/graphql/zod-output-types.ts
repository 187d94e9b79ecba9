import type { EnumRef, ObjectRef, UnionRef } from '@pothos/core';
import { z } from 'zod';
import { builder } from './builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
// The refs this helper hands to Pothos; their shapes are checked by zod's types at the public methods.
type AnyOutputRef = ObjectRef<Types, unknown> | EnumRef<Types, unknown> | UnionRef<Types, unknown> | string;
type FieldType = AnyOutputRef | [AnyOutputRef];
type Nullability = boolean | { list: boolean; items: boolean };

/** An object type the schema already has, or the name to give the type built for a zod schema. */
// biome-ignore lint/suspicious/noExplicitAny: any object type; its shape is the zod schema's, checked by the drift test.
export type KnownObject = ObjectRef<Types, any> | string;

/** Types the schema already has, reused where a zod schema describes the same thing. */
export interface KnownOutputTypes {
  /** Enums by their values (any order): a zod enum with the same values is this enum. */
  enums?: readonly (readonly [values: readonly string[], ref: EnumRef<Types, string>])[];
  /** Object types and names by zod schema instance (e.g. `usageSchema` → `Usage`). */
  objects?: ReadonlyMap<z.ZodType, KnownObject>;
  /** Union names by zod schema instance, with each member's name in order. */
  unions?: ReadonlyMap<z.ZodType, { name: string; members: readonly string[] }>;
}

const pascal = (s: string) =>
  s
    .toLowerCase()
    .split(/[_\s-]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `RUN_STARTED` → `RunStarted`: the stem of an event type's GraphQL names. */
export const typeStem = (eventType: string) => pascal(eventType);

/**
 * Builds Pothos output types from zod schemas, so a GraphQL type cannot drift from the schema that
 * validates the same data (STYLE.md rule 4). Strings, numbers (Int when `.int()`), booleans, enums,
 * arrays, objects and unions of objects map to their GraphQL kinds; `z.unknown()` and records map to JSON;
 * `.optional()`/`.nullable()` make a field nullable and `.default()` keeps it required. Anything else
 * throws while the schema is built, naming the field.
 */
export class ZodOutputTypes {
  private readonly objects = new Map<z.ZodType, ObjectRef<Types, unknown>>();
  private readonly enums = new Map<string, EnumRef<Types, string>>();
  private readonly unions = new Map<z.ZodType, UnionRef<Types, unknown>>();

  constructor(private readonly known: KnownOutputTypes = {}) {
    for (const [values, ref] of known.enums ?? []) this.enums.set(enumKey(values), ref);
  }

  /**
   * The object type `name` for `schema`. `read` takes the object out of the value the type resolves
   * on (e.g. the event, for its `data`); by default the value is the object itself.
   */
  object<S extends z.ZodObject, P = z.output<S>>(
    name: string,
    schema: S,
    options: { description?: string; read?: (parent: P) => z.output<S> } = {},
  ): ObjectRef<Types, P> {
    const read = options.read ?? ((p: P) => p as unknown as z.output<S>);
    const ref = builder.objectRef<P>(name);
    ref.implement({
      description: options.description ?? schema.description,
      fields: (t) =>
        Object.fromEntries(
          Object.entries(schema.shape).map(([key, field]) => {
            const { type, nullable } = this.fieldType(field as z.ZodType, name, key);
            const config = {
              type,
              nullable,
              description: (field as z.ZodType).description,
              resolve: (parent: P) => (read(parent) as Record<string, unknown>)[key] ?? null,
            };
            // biome-ignore lint/suspicious/noExplicitAny: the field's type is computed from the zod schema at run time.
            return [key, t.field(config as any)];
          }),
        ),
    });
    return ref;
  }

  private fieldType(schema: z.ZodType, owner: string, key: string): { type: FieldType; nullable: Nullability } {
    const inner = unwrap(schema);
    if (inner.schema instanceof z.ZodArray) {
      const item = this.fieldType(inner.schema.element as z.ZodType, owner, key);
      if (Array.isArray(item.type)) throw new Error(`${owner}.${key}: lists of lists have no GraphQL type here`);
      return { type: [item.type], nullable: { list: inner.nullable, items: item.nullable === true } };
    }
    // z.unknown() accepts null and undefined too: its JSON is nullable.
    const free = inner.schema instanceof z.ZodUnknown || inner.schema instanceof z.ZodAny;
    return { type: this.namedType(inner.schema, owner, key), nullable: inner.nullable || free };
  }

  private namedType(schema: z.ZodType, owner: string, key: string): AnyOutputRef {
    if (schema instanceof z.ZodString) return 'String';
    if (schema instanceof z.ZodNumber) return schema.isInt ? 'Int' : 'Float';
    if (schema instanceof z.ZodBoolean) return 'Boolean';
    // A record's keys are data (e.g. usage by model name), which GraphQL cannot name as fields.
    if (schema instanceof z.ZodUnknown || schema instanceof z.ZodAny || schema instanceof z.ZodRecord) return 'JSON';
    if (schema instanceof z.ZodEnum)
      return this.enumType(schema.options.map(String), `${stem(owner)}${capitalize(key)}`);
    if (schema instanceof z.ZodObject) return this.objectType(schema, `${stem(owner)}${capitalize(key)}`);
    if (schema instanceof z.ZodUnion) return this.unionType(schema, `${stem(owner)}${capitalize(key)}`);
    throw new Error(`${owner}.${key}: no GraphQL type for a zod ${schema.type}`);
  }

  private enumType(values: string[], name: string): EnumRef<Types, string> {
    const key = enumKey(values);
    let ref = this.enums.get(key);
    if (!ref) {
      ref = builder.enumType(name, { values }) as EnumRef<Types, string>;
      this.enums.set(key, ref);
    }
    return ref;
  }

  private objectType(schema: z.ZodObject, fallbackName: string): ObjectRef<Types, unknown> | string {
    const known = this.known.objects?.get(schema);
    if (known && typeof known !== 'string') return known as ObjectRef<Types, unknown>;
    let ref = this.objects.get(schema);
    if (!ref) {
      ref = this.object(known ?? fallbackName, schema) as ObjectRef<Types, unknown>;
      this.objects.set(schema, ref);
    }
    return ref;
  }

  private unionType(schema: z.ZodUnion, fallbackName: string): UnionRef<Types, unknown> {
    let ref = this.unions.get(schema);
    if (ref) return ref;
    const names = this.known.unions?.get(schema);
    const unionName = names?.name ?? fallbackName;
    const members = schema.options.map((option, i) => {
      if (!(option instanceof z.ZodObject)) throw new Error(`${unionName}: only unions of objects have a GraphQL type`);
      const name = names?.members[i] ?? `${unionName}${i + 1}`;
      return { schema: option, name, ref: this.object(name, option) as ObjectRef<Types, unknown> };
    });
    ref = builder.unionType(unionName, {
      types: members.map((m) => m.ref),
      // The first member whose required fields are all present: zod tries the members in the same order.
      resolveType: (value) => {
        const v = value as Record<string, unknown>;
        const member = members.find((m) =>
          Object.entries(m.schema.shape).every(([k, f]) => unwrap(f as z.ZodType).nullable || v[k] !== undefined),
        );
        return member?.name ?? null;
      },
    }) as UnionRef<Types, unknown>;
    this.unions.set(schema, ref);
    return ref;
  }
}

/** The schema under `.optional()`, `.nullable()` and `.default()`, and whether the value may be missing. */
export function unwrap(schema: z.ZodType): { schema: z.ZodType; nullable: boolean } {
  let s = schema;
  let nullable = false;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
      nullable = true;
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else return { schema: s, nullable };
  }
}

const enumKey = (values: readonly string[]) => [...values].sort().join('\u0000');
const stem = (typeName: string) => typeName.replace(/Data$/, '');
