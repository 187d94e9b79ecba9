import { describe, expect, it } from 'vitest';
import { asksForCodeAgain, requestConcepts } from '../../offline-model/src/request-cues.js';

describe('requestConcepts', () => {
  it('reads a count of goods no household buys as a bulk purchase', () => {
    expect(requestConcepts('We want to order 200 water bottles')).toEqual(['bulk']);
    expect(requestConcepts('could we get 50 custom t-shirts for the team')).toEqual(['bulk']);
  });

  it('leaves small counts, sizes, prices, ids, times and measures alone', () => {
    for (const text of [
      'two pairs of socks, 3 shirts',
      'size 10 boots',
      'anything under $150 dollars',
      'order #W2611340 items',
      'can I return it within 30 days',
      'a laptop with 16 GB of RAM and 512 gigabytes',
      'a tent for 12 people',
      'ships in 48 hours',
    ])
      expect(requestConcepts(text), text).toEqual([]);
  });
});

describe('asksForCodeAgain', () => {
  it('reads a one-time code asked for again, not a discount code or a code typed in', () => {
    for (const text of [
      "I didn't get the code, can you send it again?",
      'please send me the code',
      'resend the code',
      'the code never arrived',
      "the code you sent me doesn't work",
    ])
      expect(asksForCodeAgain(text), text).toBe(true);
    for (const text of ['do you have a discount code you can send me?', '483920', 'what is your zip code policy'])
      expect(asksForCodeAgain(text), text).toBe(false);
  });
});
