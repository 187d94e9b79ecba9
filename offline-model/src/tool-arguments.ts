import type { PostalAddress } from './entity-extractor.js';
import { stem } from './text-features.js';
import type { JsonSchema } from './wire.js';

/** Everything a specialist knows that could fill a tool argument. */
export interface ArgumentValues {
  /** The shopper's request in their words (summaries, descriptions, interests). */
  text: string;
  /** Search words (products, colours, materials). */
  query: string;
  email?: string;
  orderId?: string;
  customerId?: string;
  productId?: string;
  itemIds: string[];
  firstName?: string;
  lastName?: string;
  zip?: string;
  phone?: string;
  address?: PostalAddress;
  color?: string;
  size?: string;
  material?: string;
  maxPrice?: number;
  minPrice?: number;
  productType?: string;
  inStock?: boolean;
  numbers: number[];
  urgent: boolean;
  upset: boolean;
  /** Stems of the shopper's words, to pick enum values ("urgent", "ordered by mistake"). */
  stems: ReadonlySet<string>;
}

export interface FilledArguments {
  args: Record<string, unknown>;
  /** Required properties nothing could fill: the tool must not be called. */
  missing: string[];
}

type Schema = Record<string, unknown>;
const props = (schema: Schema): Record<string, Schema> =>
  (schema.properties && typeof schema.properties === 'object' ? schema.properties : {}) as Record<string, Schema>;
const requiredOf = (schema: Schema): string[] => (Array.isArray(schema.required) ? (schema.required as string[]) : []);
const typeOf = (schema: Schema): string | undefined => {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  if (typeof t === 'string') return t;
  if (Array.isArray(schema.enum)) return 'string';
  return undefined;
};

/**
 * Fills a tool's arguments from its JSON schema: `given` first (a recipe's exact choices), then
 * by property name and type from what the shopper said. Required properties that stay empty are
 * reported in `missing`; optional ones are filled only from a direct match of their name.
 */
export function fillArguments(
  schema: JsonSchema,
  values: ArgumentValues,
  given: Record<string, unknown> = {},
): FilledArguments {
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  const properties = props(schema);
  const required = new Set(requiredOf(schema));
  for (const [name, prop] of Object.entries(properties)) {
    const value = name in given ? coerce(given[name], typeOf(prop)) : valueFor(name, prop, values, required.has(name));
    if (value !== undefined) args[name] = value;
    else if (required.has(name)) missing.push(name);
  }
  // A schema-less tool (or one whose schema we cannot read) gets the recipe's arguments as they are.
  for (const [name, value] of Object.entries(given))
    if (!(name in properties) && value !== undefined) args[name] = value;
  return { args, missing };
}

function valueFor(name: string, prop: Schema, v: ArgumentValues, required: boolean): unknown {
  const n = name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const type = typeOf(prop);
  if (Array.isArray(prop.enum)) return pickEnum(n, prop.enum.map(String), v, required);
  if (type === 'object') {
    const nested = fillArguments(prop, v);
    return nested.missing.length === 0 && Object.keys(nested.args).length > 0 ? nested.args : undefined;
  }
  const direct = directValue(n, v);
  if (direct !== undefined) return coerce(direct, type);
  if (!required) return undefined;
  if (
    /summary|description|message|interest|question|details|issue|subject|topic|note|comment|text|body|reason|request/.test(
      n,
    )
  )
    return v.text;
  if (/query|search|keyword|^q$|term/.test(n)) return v.query || v.text;
  if (type === 'number' || type === 'integer') return v.numbers[0];
  if (type === 'boolean') return n.split('_').some((w) => v.stems.has(stem(w)));
  return undefined;
}

/** Values whose property names say exactly what they hold. */
function directValue(n: string, v: ArgumentValues): unknown {
  if (/email/.test(n)) return v.email;
  if (/(^|_)order(_?(id|number|no))?$/.test(n)) return v.orderId;
  if (/(user|customer)_?id$/.test(n)) return v.customerId;
  if (/item_?ids$/.test(n)) return v.itemIds.length ? v.itemIds : undefined;
  if (/item_?id$/.test(n)) return v.itemIds[0];
  if (/product_?id$/.test(n)) return v.productId;
  if (/first_?name/.test(n)) return v.firstName;
  if (/last_?name|surname/.test(n)) return v.lastName;
  if (/(^|_)(full_?)?name$/.test(n) || n === 'customer_name')
    return v.firstName && v.lastName ? `${v.firstName} ${v.lastName}` : undefined;
  if (/zip|postal|postcode/.test(n)) return v.address?.zip ?? v.zip;
  if (/phone|mobile/.test(n)) return v.phone;
  if (/address_?1|street/.test(n)) return v.address?.address1;
  if (/address_?2|apartment|suite/.test(n)) return v.address ? v.address.address2 : undefined;
  if (/(^|_)city$/.test(n)) return v.address?.city;
  if (/(^|_)state$/.test(n)) return v.address?.state;
  if (/country/.test(n)) return v.address?.country;
  if (/colou?r/.test(n)) return v.color;
  if (/(^|_)size$/.test(n)) return v.size;
  if (/material/.test(n)) return v.material;
  if (/max_?price|price_?max|budget/.test(n)) return v.maxPrice;
  if (/min_?price|price_?min/.test(n)) return v.minPrice;
  if (/product_?type|category/.test(n)) return v.productType;
  if (/in_?stock|available/.test(n)) return v.inStock;
  return undefined;
}

function coerce(value: unknown, type: string | undefined): unknown {
  if (value === undefined) return undefined;
  if (type === 'string' && typeof value !== 'string') return Array.isArray(value) ? value.join(', ') : String(value);
  if ((type === 'number' || type === 'integer') && typeof value !== 'number') {
    const x = Number(value);
    return Number.isNaN(x) ? undefined : x;
  }
  if (type === 'array' && !Array.isArray(value)) return [value];
  return value;
}

/**
 * An enum value the shopper's words name ("ordered by mistake"), else for priorities one that fits
 * the tone, else the first allowed value when the property is required.
 */
function pickEnum(n: string, allowed: string[], v: ArgumentValues, required: boolean): string | undefined {
  const named = allowed.find((a) =>
    a
      .split(/[^a-z0-9]+/i)
      .filter(Boolean)
      .every((w) => v.stems.has(stem(w.toLowerCase()))),
  );
  if (named) return named;
  if (/priority|urgency|severity/.test(n)) {
    const pick = (...names: string[]) => names.map((x) => allowed.find((a) => a.toLowerCase() === x)).find(Boolean);
    if (v.urgent) return pick('urgent', 'high', 'critical') ?? allowed[0];
    if (v.upset) return pick('high') ?? allowed[0];
    return pick('normal', 'medium', 'low') ?? allowed[0];
  }
  return required ? allowed[0] : undefined;
}
