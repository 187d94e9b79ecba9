import type { CardSummary } from './plan-brief.js';
import type { ScoredClause } from './routing-principles.js';

/**
 * The shopper says the order has not reached them yet: it has not shipped, or has not arrived; or asks when it will
 * ("when will W7273336 arrive?"), which says as much. "I never received my refund" says nothing of the order.
 */
export const NOT_YET_DELIVERED =
  /\b(?:before|until) (?:it|they|it's|they're|the order|my order|the package|the parcel) (?:(?:is|are|gets?) )?(?:ships?|shipped|sent|dispatch(?:es|ed)?|posted|delivered|arrives?|goes out|go out|leaves?)\b|\bbefore (?:you|u|you guys) (?:send|ship|post|dispatch|mail|pack)\b|\b(?:has ?n[o']?t|have ?n[o']?t|hasnt|havent|did ?n[o']?t|didnt|not yet|never|still not)\s+(?:been\s+)?(?:shipped|arrived|arrive|delivered|come|came|received|receive|got|gotten)\b(?!\s+(?:my |the |a |any |your )?(?:refund|money|credit|reimbursement|e-?mail|code|confirmation|reply|response|answer)\b)|\bstill (?:pending|processing)\b|\bnot (?:shipped|delivered) yet\b|\bwhen\b.{0,40}\b(?:arrive|get here|be (?:delivered|here))\b|\bwill (?:it |they |my order |the order |my package |the package )?(?:arrive|get here|be delivered)\b|\barriving\b|\bexpected (?:to arrive|delivery)\b|\b(?:i|we) just (?:placed|ordered|bought|made)\b|\bplaced\b.{0,30}\b(?:today|this morning|(?:an|one|a few|\d+) (?:minutes?|hours?) ago)\b/i;
/** "My refund for the blender hasn't arrived": money that has not come, which says nothing of the order's delivery. */
const MONEY_NOT_COME =
  /\b(?:refund|money|credit|reimbursement)\b[^.?!]{0,50}?\b(?:has ?n[o']?t|have ?n[o']?t|hasnt|havent|not yet|never|still not)\s+(?:been\s+)?(?:arrived|come|came|shown up|landed|gone through|received|paid)\b/i;
const REFERS_BACK = /\b(?:it|they|them)\b/i;
/** A clause that is only a time: "before it ships", "until it's dispatched". */
const FRONTED_TIME = /^\W*(?:(?:so|but|and|ok|okay|please)\W+)?(?:before|until|till)\b[^,;]{0,40}$/i;
const ANOTHER_OR_ARRIVED =
  /\b(?:other|another|second|different|older|previous|last)\s+(?:order|purchase)\b|\b(?:arrived|received|delivered|came|got it)\b/i;

/** A card that says it only handles delivered orders ("returns ... of delivered orders", "a delivered item"). */
export function handlesOnlyDelivered(card: CardSummary): boolean {
  const text = `${card.description} ${card.skills.join(' ')}`;
  return /\bdelivered (?:orders?|items?)\b|\ba delivered\b/i.test(text) && !/\bpending\b|\bnot shipped\b/i.test(text);
}

/** A card that says it changes orders that have not shipped ("cancel a pending order", "an order that has not shipped"). */
export function handlesUndelivered(card: CardSummary): boolean {
  return /\bpending\b|\bnot shipped\b|\bhas not shipped\b/i.test(`${card.description} ${card.skills.join(' ')}`);
}

/** Changes a shopper asks of an order (as the planner classifies them). */
const ORDER_CHANGES: ReadonlySet<string> = new Set(['return', 'exchange', 'refund', 'modify_items', 'cancel']);

/**
 * An order that has not reached the shopper cannot be a matter for a card that handles delivered orders only: in a
 * clause that says so ("can I swap them before they ship?", "my order hasn't arrived"), and in the clause before it
 * when it says so of "it", such cards lose their claim. A change asked of such an order goes to the card that
 * changes orders that have not shipped; anything else to the next best card.
 */
export function applyDeliveryState(cards: readonly CardSummary[], clauses: ScoredClause[]): void {
  const deliveredOnly = new Set(cards.filter(handlesOnlyDelivered).map((c) => c.name));
  if (!deliveredOnly.size) return;
  const beforeDelivery = cards.find((c) => handlesUndelivered(c) && !deliveredOnly.has(c.name))?.name;
  const undelivered = clauses.map((c) => NOT_YET_DELIVERED.test(c.text) && !MONEY_NOT_COME.test(c.text));
  clauses.forEach((c, i) => {
    const next = clauses[i + 1];
    if (next && undelivered[i + 1] && REFERS_BACK.test(next.text) && !REFERS_BACK.test(c.text)) undelivered[i] = true;
  });
  // "Before it goes out, please swap the tent for the large one": a time put first qualifies the request after it.
  clauses.forEach((c, i) => {
    if (undelivered[i] && i + 1 < clauses.length && FRONTED_TIME.test(c.text)) undelivered[i + 1] = true;
  });
  // "For the order I just placed, I picked the wrong colour, please change it": what follows is about that order, up
  // to a clause that names another order or one that has arrived.
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i]!;
    if (!undelivered[i] || !(c.entities.orderIds.length || /\border\b/i.test(c.text))) continue;
    for (let j = i + 1; j < clauses.length && !undelivered[j]; j++) {
      if (clauses[j]!.entities.orderIds.length || ANOTHER_OR_ARRIVED.test(clauses[j]!.text)) break;
      undelivered[j] = true;
    }
  }
  clauses.forEach((c, i) => {
    if (!undelivered[i]) return;
    c.scores = c.scores.filter((s) => !deliveredOnly.has(s.agent));
    if (beforeDelivery && c.agent && ORDER_CHANGES.has(c.intent ?? '')) c.agent = beforeDelivery;
    else if (c.agent && deliveredOnly.has(c.agent))
      c.agent = c.scores[0] && c.scores[0].score > 0 ? c.scores[0].agent : undefined;
  });
}
