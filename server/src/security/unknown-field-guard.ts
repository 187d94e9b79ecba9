import { type GraphQLInputType, type GraphQLNamedInputType, isInputObjectType, isListType } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type ArgumentCheck, argumentGuard, LOOK_INSIDE, MAX_INPUT_NESTING, mayHold } from './argument-guard.js';

/**
 * Refuses an operation whose input object arguments (a variable's value, at any depth) carry a field their type does
 * not have: VALIDATION_FAILED naming it, before anything runs. GraphQL refuses such a value too, but only when it runs
 * the operation, after the checks that walk every string of the arguments went through the unknown field, and its
 * error message formats the value: `input: { junk: <40,000 keys> }` held the server's thread about 300 ms per request.
 */
export function useUnknownFieldGuard(): Plugin {
  return argumentGuard(unknownField, 'no such field');
}

const holdsInputObject = new WeakMap<GraphQLNamedInputType, boolean>();

/** Refuses the first key of an input object value that names no field of its type. */
export const unknownField: ArgumentCheck = (value, type, path, nesting) => {
  if (value === null || typeof value !== 'object' || nesting > MAX_INPUT_NESTING) return undefined;
  if (!mayHold(type, (t: GraphQLInputType) => isInputObjectType(t), holdsInputObject)) return undefined;
  if (isInputObjectType(type) && !Array.isArray(value)) {
    const fields = type.getFields();
    // for-in stops at the first unknown key instead of copying every key first.
    for (const key in value)
      if (!Object.hasOwn(fields, key))
        return { path: `${path}.${key.slice(0, 100)}`, message: `${type.name} has no such field` };
  }
  return isListType(type) || isInputObjectType(type) ? LOOK_INSIDE : undefined;
};
