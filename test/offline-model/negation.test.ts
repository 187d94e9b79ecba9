import { describe, expect, it } from 'vitest';
import { withoutNegatedRequests } from '../../offline-model/src/negation.js';

describe('withoutNegatedRequests', () => {
  it('takes out a request the shopper says they are not making', () => {
    expect(withoutNegatedRequests("I'm not looking to return anything")).not.toMatch(/return/);
    expect(withoutNegatedRequests("I don't want a refund")).not.toMatch(/refund/);
    expect(withoutNegatedRequests("don't cancel it, just change the payment")).not.toMatch(/cancel/);
    expect(withoutNegatedRequests("don't cancel it, just change the payment")).toMatch(/change the payment/);
    expect(withoutNegatedRequests('not a return, just a question about the warranty')).not.toMatch(/return/);
    expect(withoutNegatedRequests('I no longer need the laptop')).not.toMatch(/laptop/);
    expect(withoutNegatedRequests("I'm not returning anything, is it under warranty?")).not.toMatch(/return/);
    expect(withoutNegatedRequests('we are not cancelling the order, just change the address')).toBe(
      ', just change the address',
    );
  });

  it('keeps negated facts: what did not arrive or was never received is still the request', () => {
    for (const text of [
      "my order hasn't arrived",
      "I didn't receive my package",
      'I did not place this order',
      "the shoes don't fit, I want to return them",
      'I never got a tracking number',
      "I'm not getting my refund",
      "I'm not receiving the emails",
    ])
      expect(withoutNegatedRequests(text)).toBe(text);
  });
});
