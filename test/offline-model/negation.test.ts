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
  });

  it('keeps negated facts: what did not arrive or was never received is still the request', () => {
    for (const text of [
      "my order hasn't arrived",
      "I didn't receive my package",
      'I did not place this order',
      "the shoes don't fit, I want to return them",
      'I never got a tracking number',
    ])
      expect(withoutNegatedRequests(text)).toBe(text);
  });
});
