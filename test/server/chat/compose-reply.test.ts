import { describe, expect, it } from 'vitest';
import { composeReply, PART_SEPARATOR, type ReplyPart } from '../../../server/src/chat/compose-reply.js';

const part = (id: string, statusMessage: string, text?: string, instruction = `Do ${id}`): ReplyPart => ({
  task: { id, instruction, statusMessage },
  output: text === undefined ? undefined : { taskId: id, agentName: 'A', text },
});
const APOLOGY = 'Sorry, something went wrong.';

describe('composeReply', () => {
  it('one task: its answer as it is', () => {
    expect(
      composeReply([part('t1', 'Checking...', ' Hi! Your order shipped. Let me know if you need more. ')], APOLOGY),
    ).toBe('Hi! Your order shipped. Let me know if you need more.');
  });

  it('several: plan order, a lead-in each, one greeting in front and one sign-off at the end', () => {
    const reply = composeReply(
      [
        part(
          't1',
          'Checking on your order #W123...',
          'Hello there! It shipped yesterday. Is there anything else I can help with?',
        ),
        part('t2', 'Looking for red sneakers…', 'Hi! I found two pairs in size 9. Have a great day!'),
      ],
      APOLOGY,
    );
    expect(reply).toBe(
      [
        'Hello there! Checking on your order #W123: It shipped yesterday.',
        'Looking for red sneakers: I found two pairs in size 9. Have a great day!',
      ].join(PART_SEPARATOR),
    );
  });

  it('says once, at the end, what could not be done and what to do next', () => {
    const reply = composeReply(
      [
        part('t1', 'Checking on your order...', undefined, 'Check the status of order #W123'),
        part('t2', 'Looking for sneakers...', 'Found them. Happy shopping!'),
        part('t3', 'Cancelling...', undefined, 'Cancel order #W9.'),
      ],
      APOLOGY,
    );
    expect(reply).toBe(
      `Looking for sneakers: Found them.${PART_SEPARATOR}I'm sorry, I couldn't check the status of order #W123, or cancel order #W9 just now; please ask me again in a moment, or ask to speak with a person.`,
    );
    expect(reply.match(/sorry/gi)).toHaveLength(1);
  });

  it('drops repeated answers; with no answer at all it is the fallback', () => {
    expect(composeReply([part('t1', 'A...', 'Same.'), part('t2', 'B...', 'Same.')], APOLOGY)).toBe('A: Same.');
    expect(composeReply([part('t1', 'A...')], APOLOGY)).toBe(APOLOGY);
  });
});
