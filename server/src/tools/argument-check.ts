import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchema, ToolDefinition } from './tool-registry.js';

type Check = (args: unknown) => { valid: boolean; errorMessage?: string };

const validator = new AjvJsonSchemaValidator();

/**
 * The validator the MCP client checks an external server's results with (its tools' `outputSchema`): the SDK's own,
 * given each schema without its regular expressions, for the reason `withoutPatterns` gives. The server's own
 * regular expression, run here on the server's own text, could hold the event loop as long as the server likes.
 */
export const patternFreeValidator: jsonSchemaValidator = {
  getValidator: (schema) => validator.getValidator(withoutPatterns(schema) as typeof schema),
};
/** Compiled once per schema object (a server's tool list keeps its objects until it is listed again). */
const compiled = new WeakMap<JsonSchema, Check | null>();

/**
 * The schema without its regular expressions (`pattern`, `patternProperties`): a server's pattern run here on a model's
 * argument could backtrack for seconds on the event loop. The shape, types, required fields and enums are what a
 * proposal needs checked; the server still applies its patterns when the call is made.
 */
function withoutPatterns(value: unknown, names = false): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutPatterns(v));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      // Keys of `properties` (and the like) are argument names: an argument may be called "pattern".
      .filter(([k, v]) => names || !((k === 'pattern' && typeof v === 'string') || k === 'patternProperties'))
      .map(([k, v]) => [k, withoutPatterns(v, !names && NAMED.has(k))]),
  );
}
/** Keywords whose value maps names to schemas. */
const NAMED: ReadonlySet<string> = new Set(['properties', '$defs', 'definitions', 'dependentSchemas']);

function checkFor(schema: JsonSchema): Check | null {
  let check = compiled.get(schema);
  if (check === undefined) {
    try {
      check = validator.getValidator(withoutPatterns(schema) as never) as Check;
    } catch {
      // A schema this validator cannot compile is left to the server that declared it.
      check = null;
    }
    compiled.set(schema, check);
  }
  return check;
}

/**
 * What is wrong with a call's arguments by the tool's own JSON Schema, named by field ("order_id: is required"), or
 * undefined when nothing is (or the schema cannot be read here). The MCP validator's text is "data/path must …".
 */
export function argumentProblem(
  definition: Pick<ToolDefinition, 'name' | 'inputSchema'>,
  args: unknown,
): string | undefined {
  const check = checkFor(definition.inputSchema);
  if (!check) return undefined;
  const result = check(args ?? {});
  if (result.valid) return undefined;
  const text = result.errorMessage ?? 'the arguments do not match the tool’s schema';
  const required = /^data must have required property '([^']+)'/.exec(text);
  if (required) return `Arguments of ${definition.name}: ${required[1]}: is required`;
  const at = /^data\/(\S+) (.*)$/.exec(text);
  if (at) return `Arguments of ${definition.name}: ${at[1]!.replaceAll('/', '.')}: ${at[2]}`;
  return `Arguments of ${definition.name}: ${text.replace(/^data /, '')}`;
}
