import { describe, expect, it } from 'vitest';
import { readWithdrawal } from '../../../server/src/desk/withdrawal.js';

describe('readWithdrawal: a message that takes back the request for a person', () => {
  it.each([
    'never mind',
    'Nevermind!',
    'nvm',
    'Oh, never mind then. Thanks anyway',
    "Actually I don't need a person anymore",
    'I dont need an agent any more',
    'we no longer need to talk to a human',
    'No need for a real person now, thank you',
    'Cancel the request',
    'please cancel my request for a colleague',
    'No need, I figured it out',
    'never mind I found it',
    'Forget it, sorted it myself 🙂',
    "Sorry, it's sorted now",
    "don't worry about it",
    // Handing the question back to the bot.
    'never mind, the bot can do it',
    "Never mind, I'll just ask the assistant then. Thanks",
    'forget it, the chatbot already answered',
    "Actually I'll ask the bot instead",
    'no need, let the bot handle it',
  ])('"%s" only withdraws', (text) => {
    expect(readWithdrawal(text)).toEqual({ more: false });
  });

  it.each([
    "never mind, where's my order?",
    'nvm what is your return policy',
    "Actually I don't need a person anymore, can you tell me when #W6460787 ships?",
    "I don't need an agent anymore, I'd like to return the blue jacket",
    "never mind, I'll ask the bot. Where is my order #W6460787?",
  ])('"%s" withdraws and asks the bot something', (text) => {
    expect(readWithdrawal(text)).toEqual({ more: true });
  });

  it.each([
    // Addressed to the colleague, or dismissing something else.
    'Never mind the refund, I need an exchange',
    "never mind, I'll wait",
    'Never mind, is someone there?',
    'nevermind, how long is the wait?',
    'no need to hurry, take your time',
    "I don't need a person to tell me that, just refund me",
    'Can you tell them never mind about the refund?',
    'I found it broken when it arrived',
    // The bot fell short: the shopper still wants the colleague.
    "the bot can't do it, I need a person",
    'The assistant already answered, but it was wrong',
    'never mind, the bot could not help with it',
    // Cancelling something else than the request.
    'Cancel my order',
    'cancel that order please',
    // Answers to the wait notice, not withdrawals.
    "It's fine",
    'no worries',
    'ok thanks',
    // "never mind" somewhere inside a longer message.
    'My parcel never arrived, and never mind the tracking page, it says delivered. I need a person.',
  ])('"%s" is not a withdrawal', (text) => {
    expect(readWithdrawal(text)).toBeUndefined();
  });

  it('reads a long message as no withdrawal, whatever it starts with', () => {
    expect(readWithdrawal(`never mind, ${'where is it '.repeat(40)}?`)).toBeUndefined();
  });
});
