import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  errorSummary,
  fieldError,
  toFormErrors,
  withoutIds,
} from '../../../studio/src/renderer/graphql/field-errors.js';

type CombinedError = NonNullable<Parameters<typeof toFormErrors>[0]>;
/** What urql hands the views: its CombinedError carries the GraphQL errors. */
const combined = (graphQLErrors: GraphQLError[], networkError?: Error) =>
  ({ graphQLErrors, networkError, message: graphQLErrors[0]?.message ?? '' }) as unknown as CombinedError;

describe('toFormErrors', () => {
  it('maps VALIDATION_FAILED issues to their fields', () => {
    const error = combined([
      new GraphQLError('input.name: bad name', {
        extensions: {
          code: 'VALIDATION_FAILED',
          field: 'input.name',
          issues: [
            { field: 'input.name', message: 'bad name' },
            { field: 'input.tools.0', message: 'tools are named server.tool' },
          ],
        },
      }),
    ]);
    const errors = toFormErrors(error);
    expect(errors.message).toBeNull();
    expect(fieldError(errors, 'input.name')).toBe('bad name');
    // A list field shows its items' errors.
    expect(fieldError(errors, 'input.tools')).toBe('tools are named server.tool');
    expect(fieldError(errors, 'input.description')).toBeUndefined();
  });

  it('keeps other errors as one message', () => {
    const error = combined([new GraphQLError('version conflict', { extensions: { code: 'CONFLICT' } })]);
    expect(toFormErrors(error)).toEqual({ fields: {}, message: 'version conflict' });
    expect(toFormErrors(combined([], new Error('ECONNREFUSED'))).message).toBe('Cannot reach the server: ECONNREFUSED');
  });
});

describe('withoutIds', () => {
  const id = '3df95334-0d6c-4a39-9f4e-1b2c3d4e5f60';
  it('names the run or conversation instead of printing its id', () => {
    expect(withoutIds(`Run ${id} is not paused`)).toBe('This run is not paused');
    expect(withoutIds(`No conversation ${id}`)).toBe('There is no such conversation');
    expect(withoutIds(`Retry failed (${id})`)).toBe('Retry failed');
    expect(withoutIds('OrderManagementAgent was changed by someone else')).toBe(
      'OrderManagementAgent was changed by someone else',
    );
  });
  it('applies to the messages views show', () => {
    const error = combined([new GraphQLError(`Run ${id} is not paused`, { extensions: { code: 'CONFLICT' } })]);
    expect(toFormErrors(error).message).toBe('This run is not paused');
  });
});

describe('errorSummary', () => {
  it('says a field-only error in a view with no input for that field, under its label', () => {
    // The desk's Claim without a name: the server names the field `as`, which the desk asks for as "Your name".
    const errors = toFormErrors(
      combined([
        new GraphQLError('as: without API keys, say who you are', {
          extensions: {
            code: 'VALIDATION_FAILED',
            field: 'as',
            issues: [{ field: 'as', message: 'without API keys, say who you are' }],
          },
        }),
      ]),
    );
    expect(errors.message).toBeNull();
    expect(errorSummary(errors, { as: 'Your name' })).toBe('Your name: without API keys, say who you are');
    expect(errorSummary(errors)).toBe('as: without API keys, say who you are');
    expect(errorSummary(toFormErrors(combined([new GraphQLError('Maria has already taken this conversation')])))).toBe(
      'Maria has already taken this conversation',
    );
    expect(errorSummary(toFormErrors(undefined))).toBeNull();
  });
});
