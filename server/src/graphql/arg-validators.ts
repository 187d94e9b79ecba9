import type { StandardSchemaV1 } from '@pothos/plugin-validation';
import { isUuid } from '../domain/uuid.js';
import { NotFoundError } from '../errors.js';

/** An issue that says the argument names nothing: the builder's validationError turns it into NOT_FOUND. */
interface UnknownIdIssue extends StandardSchemaV1.Issue {
  readonly unknownId: string;
}

const isUnknownIdIssue = (issue: StandardSchemaV1.Issue): issue is UnknownIdIssue =>
  typeof (issue as Partial<UnknownIdIssue>).unknownId === 'string';

/**
 * The validator of an ID argument that names a row keyed by a UUID (`t.arg.id({ validate: rowId('dataset') })`).
 * A value that is not a UUID names nothing, so it is NOT_FOUND like an unknown one (as `conversation(id:)`
 * and `run(id:)` always were), before any statement is sent: PostgreSQL would refuse it as a malformed uuid,
 * an unexpected error whose message repeats the statement and its parameters.
 */
export function rowId(what: string): StandardSchemaV1<unknown, unknown> {
  return {
    '~standard': {
      version: 1,
      vendor: 'baton',
      validate: (value) =>
        isUuid(String(value))
          ? { value }
          : { issues: [{ message: `No ${what} ${String(value).slice(0, 100)}`, unknownId: what } as UnknownIdIssue] },
    },
  };
}

/** NOT_FOUND for the first argument a `rowId` validator refused, naming it in `extensions.field`. */
export function unknownIdError(issues: readonly StandardSchemaV1.Issue[] | undefined): NotFoundError | undefined {
  const issue = issues?.find(isUnknownIdIssue);
  if (!issue) return undefined;
  const field = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
  return new NotFoundError(issue.message, { details: { field: field || null } });
}

/** How deeply a JSON input may nest: objects and arrays within each other, the outermost being level 1. */
export const MAX_JSON_DEPTH = 32;

/**
 * The validator of a free-form JSON input: at most `max` levels deep. Walked with a stack of its own, not
 * by recursion: 5,000 levels overflowed the call stack in the database driver (INTERNAL_SERVER_ERROR).
 */
export function boundedJson(max = MAX_JSON_DEPTH): StandardSchemaV1<unknown, unknown> {
  return {
    '~standard': {
      version: 1,
      vendor: 'baton',
      validate: (value) =>
        jsonDepthExceeds(value, max) ? { issues: [{ message: `nested deeper than ${max} levels` }] } : { value },
    },
  };
}

/** Whether objects and arrays in `value` nest more than `max` levels deep; iterative, each value visited once. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
