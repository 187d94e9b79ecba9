import { type GraphQLInputType, type GraphQLNamedInputType, isListType } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type ArgumentCheck, argumentGuard, LOOK_INSIDE, MAX_INPUT_NESTING, mayHold } from './argument-guard.js';

/**
 * The most items any list in an argument may hold (`runs(status:)`, `eventFeed(types:, agentNames:)`,
 * `editPlan(add:)`, a card's `tools`): far more than any of Baton's lists means (a card's tools, a plan's tasks,
 * the statuses there are), and little enough that reading one costs nothing.
 */
export const MAX_LIST_ARGUMENT_ITEMS = 1_000;

/**
 * Refuses an operation with a list argument (a literal or a variable, at any depth of an input object) of more than
 * `max` items: VALIDATION_FAILED naming it, before anything runs. A variable of 90,000 statuses (within the body
 * limit) became a statement with 90,000 parameters: seconds of the server's thread building it, then an unexpected
 * error from the database (at most 65,535 parameters). Lists inside a `JSON` value are the JSON guard's business.
 */
export function useListLengthGuard(max = MAX_LIST_ARGUMENT_ITEMS): Plugin {
  return argumentGuard(tooLongList(max), `at most ${max} items`);
}

const holdsList = new WeakMap<GraphQLNamedInputType, boolean>();

/** Refuses a list of more than `max` items; input objects nested too deep are not looked into. */
export const tooLongList =
  (max: number): ArgumentCheck =>
  (value, type, path, nesting) => {
    if (value === null || typeof value !== 'object' || nesting > MAX_INPUT_NESTING) return undefined;
    if (!mayHold(type, (t: GraphQLInputType) => isListType(t), holdsList)) return undefined;
    return isListType(type) && Array.isArray(value) && value.length > max ? path : LOOK_INSIDE;
  };
