import { describe, expect, it } from 'vitest';
import { splitClauses } from '../../offline-model/src/clause-splitter.js';

describe('splitClauses', () => {
  it('splits on sentence ends, commas and connectors, keeping entities with their clause', () => {
    expect(
      splitClauses("Where's my order #W123, and by the way, do you have any red sneakers in men's size 9?"),
    ).toEqual([
      { text: "Where's my order #W123", question: true },
      { text: "do you have any red sneakers in men's size 9", question: true },
    ]);
    expect(splitClauses('Cancel my order. Also sign me up; plus what are your hours').map((c) => c.text)).toEqual([
      'Cancel my order',
      'sign me up',
      'what are your hours',
    ]);
  });

  it('does not split inside emails, prices or ids', () => {
    expect(splitClauses('my email is jane.doe@example.com and I paid $29.99').map((c) => c.text)).toEqual([
      'my email is jane.doe@example.com',
      'I paid $29.99',
    ]);
  });

  it('keeps "between A and B" and "both A and B" in one piece', () => {
    expect(splitClauses("what's the difference between standard and express shipping?").map((c) => c.text)).toEqual([
      "what's the difference between standard and express shipping",
    ]);
    expect(splitClauses('do you have both the red and the blue one, and where is my order').map((c) => c.text)).toEqual(
      ['do you have both the red and the blue one', 'where is my order'],
    );
  });

  it('keeps two facts asked of one thing ("the status and total of order #W1") in one piece, but not two requests', () => {
    for (const m of [
      "What's the status and total of order #W2611340?",
      'Can you tell me the tracking number and delivery date for #W2611340?',
      'I need the status and the shipping address of order #W2611340',
      'tell me the items and payment method on my order',
      'what is the price and weight of the camping tent?',
    ])
      expect(splitClauses(m).map((c) => c.text)).toEqual([m.replace(/\?$/, '')]);
    expect(splitClauses("what's the status of my order and cancel the other one").map((c) => c.text)).toEqual([
      "what's the status of my order",
      'cancel the other one',
    ]);
  });

  it('keeps two things asked under one question word, before the verb they share, in one piece', () => {
    for (const m of [
      'what helmet and lights would you suggest to go with it',
      'which case and charger would fit my new tablet',
      'what colour and size do the sneakers come in',
    ])
      expect(splitClauses(m).map((c) => c.text)).toEqual([m]);
    expect(splitClauses('what time do you close and where is my order').map((c) => c.text)).toEqual([
      'what time do you close',
      'where is my order',
    ]);
  });

  it('splits the items of a list the shopper numbered, and numbers nothing else', () => {
    expect(
      splitClauses('two things: 1) has order #W7654321 left yet 2) do you stock hiking poles').map((c) => c.text),
    ).toEqual(['two things', 'has order #W7654321 left yet', 'do you stock hiking poles']);
    expect(splitClauses('(a) cancel my last order (b) what are your opening hours').map((c) => c.text)).toEqual([
      'cancel my last order',
      'what are your opening hours',
    ]);
    expect(splitClauses('quick ones: 1. is the lamp dimmable 2. do you deliver on sundays').map((c) => c.text)).toEqual(
      ['quick ones', 'is the lamp dimmable', 'do you deliver on sundays'],
    );
    expect(splitClauses('I want to swap the boots (size 9) for a 10').map((c) => c.text)).toEqual([
      'I want to swap the boots (size 9) for a 10',
    ]);
    expect(splitClauses('we are a 501(c)(3) charity').map((c) => c.text)).toEqual(['we are a 501(c)(3) charity']);
  });

  it('marks questions by their question mark or their first word', () => {
    expect(splitClauses('is the speaker waterproof').map((c) => c.question)).toEqual([true]);
    expect(splitClauses('I need a new laptop').map((c) => c.question)).toEqual([false]);
  });

  it('marks a question asked as a statement ("I want to know if...") as a question', () => {
    expect(splitClauses('I want to know if you sell candle holders').map((c) => c.question)).toEqual([true]);
    expect(splitClauses("I'm wondering whether the tent is waterproof").map((c) => c.question)).toEqual([true]);
  });
});
