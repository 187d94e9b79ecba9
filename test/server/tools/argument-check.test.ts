import { describe, expect, it } from 'vitest';
import { argumentProblem } from '../../../server/src/tools/argument-check.js';

const tool = (inputSchema: Record<string, unknown>) => ({ name: 'shop.refund', inputSchema });

describe('argumentProblem: a held call checked against its tool schema', () => {
  const schema = {
    type: 'object',
    properties: {
      order_id: { type: 'string', pattern: '^(a+)+$' },
      amount: { type: 'number', minimum: 0 },
      // An argument may be called "pattern": it is an argument, checked like any other.
      pattern: { type: 'string' },
      tags: { type: 'object', patternProperties: { '^(x+)+$': { type: 'number' } } },
    },
    required: ['order_id', 'amount'],
  };

  it('names the field of a missing or mistyped argument', () => {
    expect(argumentProblem(tool(schema), { amount: 3 })).toBe('Arguments of shop.refund: order_id: is required');
    expect(argumentProblem(tool(schema), { order_id: 'a', amount: -1 })).toBe(
      'Arguments of shop.refund: amount: must be >= 0',
    );
    expect(argumentProblem(tool(schema), { order_id: 'a', amount: 1, pattern: 7 })).toBe(
      'Arguments of shop.refund: pattern: must be string',
    );
    expect(argumentProblem(tool(schema), { order_id: 'a', amount: 1, pattern: '^x' })).toBeUndefined();
  });

  it("leaves a server's regular expressions to the server: none of them runs here on a model's argument", () => {
    // This pattern backtracks exponentially on a long run of "a" that does not match; run here, it would hold the
    // event loop. The server applies it when the call is made.
    expect(argumentProblem(tool(schema), { order_id: `${'a'.repeat(5_000)}!`, amount: 1 })).toBeUndefined();
    expect(
      argumentProblem(tool(schema), { order_id: 'a', amount: 1, tags: { xxxxx: 'not a number' } }),
    ).toBeUndefined();
  });

  it('checks nothing when the schema cannot be compiled here', () => {
    expect(argumentProblem(tool({ type: 'object', properties: { a: { type: 'no-such-type' } } }), {})).toBeUndefined();
  });
});
