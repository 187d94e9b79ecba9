import { describe, expect, it } from 'vitest';
import { isAbusive, isOffTopic, isSmallTalk } from '../../offline-model/src/message-checks.js';
import { rawWords } from '../../offline-model/src/text-features.js';

describe('isSmallTalk', () => {
  it('accepts greetings, thanks and goodbyes, misspelled or not', () => {
    for (const m of ['hi', 'Hello there!', 'thanks!', 'thnaks a lot', 'how are you?', 'bye, have a nice day'])
      expect(isSmallTalk(rawWords(m))).toBe(true);
  });
  it('rejects anything with a request in it', () => {
    for (const m of ['hi, where is my order?', 'thanks, cancel it', 'ok', ''])
      expect(isSmallTalk(rawWords(m))).toBe(false);
  });
});

describe('isOffTopic', () => {
  it('catches creative writing, trivia, schoolwork, code and weather', () => {
    for (const m of [
      'write me a poem about the sea',
      "what's the capital of France",
      'solve 2x+3=7',
      'help me with my history homework',
      'write a python function that reverses a string',
      'what is the weather in Paris',
    ])
      expect(isOffTopic(m)).toBe(true);
  });
  it('leaves shopping questions alone', () => {
    for (const m of [
      'Do you have 2-person tents?',
      'is the laptop good for coding in the evening',
      'my order #W2611340',
    ])
      expect(isOffTopic(m)).toBe(false);
  });
});

describe('isAbusive', () => {
  it('catches insults and profanity, not frustration', () => {
    expect(isAbusive('you are a stupid useless bot')).toBe(true);
    expect(isAbusive('f*** you')).toBe(true);
    expect(isAbusive('this is so frustrating, where is my order')).toBe(false);
  });
});
