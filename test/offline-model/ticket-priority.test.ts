import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { card } from './conversation.js';
import { runTask } from './task-harness.js';
import { createTinyStore } from './tiny-store.js';

let store: Awaited<ReturnType<typeof createTinyStore>>;
beforeAll(async () => {
  store = await createTinyStore();
});
afterAll(async () => {
  await store?.dispose();
});

/** The priority of the ticket the hand-off card files out of hours for these words. */
const priorityFor = async (words: string) => {
  const run = await runTask({
    card: card('HumanTransferAgent'),
    tools: store.tools,
    call: store.call,
    instruction: `Help the customer with this request. The customer wrote: "${words}"`,
    userMessage: words,
    businessHoursOpen: false,
    customerId: 'noah_brown_6181',
  });
  return run.calls.find((c) => c.name === 'store.create_ticket')?.args.priority;
};

describe('the priority of a ticket a person takes up', () => {
  it('is high for money taken twice, a threat of the law, or a shopper shouting', async () => {
    for (const words of [
      'You billed me two times for one lamp, I want a person to sort it',
      'I see a duplicate charge on my statement, put me through to someone',
      'sort this out or my solicitor will be in touch, get me a human',
      'THIS IS RIDICULOUS, give me a real person NOW',
    ])
      expect(await priorityFor(words), words).toBe('high');
  });

  it('stays normal for a calm request, abbreviations in capitals included', async () => {
    for (const words of [
      'could I chat with a member of your team please',
      'the USB port on my LED desk lamp is loose, can a person look at it',
    ])
      expect(await priorityFor(words), words).toBe('normal');
  });
});
