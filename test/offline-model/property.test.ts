import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtins } from './requests.js';
import { runTask } from './task-harness.js';
import { createTinyStore, TINY_STORE_USERS } from './tiny-store.js';

let store: Awaited<ReturnType<typeof createTinyStore>>;
beforeAll(async () => {
  store = await createTinyStore();
});
afterAll(async () => {
  await store?.dispose();
});

/** Text a designer or a shopper might write: free words, shop words, ids, emails, quotes and odd characters. */
const words = fc.constantFrom(
  'return',
  'policy',
  'order',
  '#W2611340',
  'james.li4495@example.com',
  'yes',
  'cancel',
  'black',
  'XL',
  'hoodie',
  'size 9',
  'The customer wrote: "',
  '"',
  '\n',
  'recommend',
  'human',
  'exchange',
  'address',
  '123 Main St, Springfield, IL 62701',
  '8426249116',
  'product 8310926033',
  'notify me',
  'shipping',
  '',
);
const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.array(fc.oneof(words, fc.string({ maxLength: 8 })), { maxLength: 12 }).map((ws) => ws.join(' ')),
);

describe('the stand-in answers any task on any enabled card', () => {
  it('never throws, and ends each task with an answer or a hand-off', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...builtins.filter((c) => c.enabled)),
        text,
        text,
        fc.option(fc.constantFrom(...TINY_STORE_USERS), { nil: undefined }),
        async (card, instruction, userMessage, customerId) => {
          const run = await runTask({
            card,
            tools: store.tools,
            call: store.call,
            instruction,
            userMessage,
            customerId,
          });
          expect(typeof run.reply === 'string' || run.handoff !== undefined).toBe(true);
        },
      ),
      { numRuns: 150, seed: 17 },
    );
  });
});
