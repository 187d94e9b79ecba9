import { describe, expect, it } from 'vitest';
import { planFromBrief } from '../../offline-model/src/offline-planner.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import { planSchema } from '../../server/src/domain/plan.js';
import { asCard } from './task-harness.js';

const cards = builtinCards.map(asCard);
const tasks = (message: string) => {
  const out = planFromBrief({ message, history: [], cards, defaultAgent: 'GeneralSupportAgent' });
  expect(planSchema.safeParse(out).success).toBe(true);
  return out.tasks.map((t) => ({ agent: t.agent, instruction: t.instruction }));
};

describe('questions about different products in one message', () => {
  it('plans each product question as a task of its own, quoting only its own words', () => {
    for (const [message, first, second] of [
      ["Is the bluetooth speaker waterproof? And what's your cheapest grill?", 'speaker', 'grill'],
      ['do you have the grey hoodie in large? how much is the laptop sleeve', 'hoodie', 'laptop sleeve'],
      [
        'Are the wireless earbuds noise cancelling? Also, which espresso machine would you recommend?',
        'earbuds',
        'espresso',
      ],
    ] as const) {
      const planned = tasks(message);
      expect(
        planned.map((t) => t.agent),
        message,
      ).toEqual(['ProductExpertAgent', 'ProductExpertAgent']);
      expect(planned[0]!.instruction, message).toContain(first);
      expect(planned[0]!.instruction, message).not.toContain(second);
      expect(planned[1]!.instruction, message).toContain(second);
      expect(planned[1]!.instruction, message).not.toContain(first);
    }
  });

  it('keeps one task for one question about several products, or one asked in the light of the other', () => {
    for (const message of [
      'do you stock hiking poles, head torches and dry bags?',
      'Is the rain jacket warmer than the fleece?',
      'Do you have trail shoes in size 10? And a matching pair of socks?',
      'Is the desk lamp dimmable? Is the desk lamp available in white?',
    ]) {
      expect(
        tasks(message).map((t) => t.agent),
        message,
      ).toEqual(['ProductExpertAgent']);
    }
  });

  it('does not split an order question from the product it is about', () => {
    const planned = tasks('Has order #W1234567 shipped yet? Is the kettle in it the steel one?');
    expect(planned.filter((t) => t.agent === 'ProductExpertAgent').length).toBeLessThanOrEqual(1);
  });
});
