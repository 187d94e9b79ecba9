import { extractEntities } from './entity-extractor.js';
import type { PlanBrief } from './plan-brief.js';

/*
 * The planner's reading of the conversation so far: what was said before the message it plans, and which card
 * answered what since the shopper last wrote.
 */

/** The conversation before the message being planned (the history may end with it). */
export function historyBefore(hints: PlanBrief, message: string): PlanBrief['history'] {
  const last = hints.history.at(-1);
  return last?.role === 'user' && last.text.trim() === message ? hints.history.slice(0, -1) : hints.history;
}

/** The answers given by a card there is since the shopper's previous message. */
export function answersSinceShopper(hints: PlanBrief, message: string): PlanBrief['history'] {
  const history = historyBefore(hints, message);
  return cardAnswers(hints, history.slice(history.map((h) => h.role).lastIndexOf('user') + 1));
}

/** The answers among `turns` given by a card there is. */
export function cardAnswers(hints: PlanBrief, turns: PlanBrief['history']): PlanBrief['history'] {
  return turns.filter((h) => h.role === 'assistant' && h.agentName && hints.cards.some((c) => c.name === h.agentName));
}

/** The card that answered the shopper's previous message (its last answer). */
export function lastAnswerAgent(hints: PlanBrief, message: string): string | undefined {
  return answersSinceShopper(hints, message).at(-1)?.agentName;
}

/**
 * "Can I remove the desk lamp from it?" after an answer about order #W7634667: "it" is that order, and an order action
 * on it goes to the card that answered about it. The card of the latest answer since the shopper's previous message
 * that names an order.
 */
export function orderInConversation(hints: PlanBrief, message: string): string | undefined {
  return answersSinceShopper(hints, message).findLast((h) => extractEntities(h.text).orderIds.length > 0)?.agentName;
}
