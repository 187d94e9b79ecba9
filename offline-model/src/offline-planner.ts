import { answersSinceShopper, historyBefore } from './answers-since-shopper.js';
import {
  buildCardIndex,
  type CardIndex,
  type CardScore,
  entityConcepts,
  isAttributeStem,
  nameWords,
  scoreCards,
} from './card-scorer.js';
import { opensAsQuestion, splitClauses } from './clause-splitter.js';
import { applyDeliveryState } from './delivery-state.js';
import { type Entities, extractEntities } from './entity-extractor.js';
import { CHANGES, INTENT_ANCHORS } from './intent-anchors.js';
import { isAbusive, isOffTopic, isSmallTalk } from './message-checks.js';
import { withoutNegatedRequests } from './negation.js';
import type { CardSummary, PlanBrief } from './plan-brief.js';
import { answerAboutAnOrder, type ProductReferred, productReferred, REFERS_TO_ORDER, referentOf } from './referent.js';
import {
  ADDRESS_LINE_2,
  ASKS_REFUND_AMOUNT,
  asksForCodeAgain,
  BARE_SIZE,
  declinesChange,
  givesOnlyDetails,
  ORIGINAL_METHOD,
  offerTaken,
  PHONE,
  requestConcepts,
  SAME_AGAIN,
  TELLS_MORE,
  toldAsNeed,
} from './request-cues.js';
import {
  applyPrinciples,
  joinAmbiguousNeighbours,
  joinCoveredCase,
  joinDependentClauses,
  joinDetailQuestions,
  joinEscalationStory,
  joinFaultToRepair,
  joinListedGoods,
  joinMoodToRequest,
  joinPurchaseStory,
  joinReplacementStory,
  joinReturnArrival,
  joinRuleQuestionToTopic,
  joinSalesContact,
  joinSoldOutToAlert,
  joinTiedPronoun,
  ownerOf,
  type ScoredClause,
} from './routing-principles.js';
import { asksOfListedItem } from './shown-pick.js';
import { looksLikeCode } from './task-context.js';
import { classifyIntent, ORDER_INTENTS, receivedOtherThanChosen, type TaskIntent } from './task-intent.js';
import { writeInstruction, writeStatusMessage } from './task-wording.js';
import { stem } from './text-features.js';

/** The planner's JSON output (`planOutputSchema`). */
export interface OfflinePlan {
  refuse: boolean;
  tasks: { id: string; agent: string; instruction: string; statusMessage: string; dependsOn: string[] }[];
}

/** What a story of the wrong thing arriving says, in the words a card that handles it would use. */
const WRONG_ITEM_RECEIVED = 'wrong item received';
/** A clause needs at least this much evidence to be an intent of its own. */
const MIN_SCORE = 1.6;
/** A question needs less: "is the speaker waterproof?" asks something even with only product words. */
const QUESTION_SCORE = 0.8;
/** Evidence strong enough that an off-topic or rude message still gets its request handled. */
const STRONG_SCORE = 3.5;

/**
 * Verbs any request may use of anything: a card that lists one ("find me", "leave my email", "buy a gift card") owns it
 * only with its object. "Where can I find my invoice", "I'd like to leave a review" or "I'd buy one the day they land"
 * matches no card by the verb alone.
 */
const COMMON_VERBS: ReadonlySet<string> = new Set(
  [
    'find',
    'found',
    'leave',
    'left',
    'send',
    'sent',
    'give',
    'make',
    'take',
    'keep',
    'see',
    'look',
    'show',
    'bring',
    'buy',
    'bought',
  ].map(stem),
);
const onlyCommonVerbs = (score: CardScore) =>
  score.matched.length > 0 && score.matched.every((w) => COMMON_VERBS.has(stem(w.toLowerCase())));

/**
 * Rule-based planning: split the message into clauses, score every card against each, keep one
 * task per intent. Greetings go to the default agent; off-topic or abusive messages are refused.
 */
export function planFromBrief(hints: PlanBrief, index: CardIndex = buildCardIndex(hints.cards)): OfflinePlan {
  const cards = hints.cards;
  const message = hints.message.trim();
  // "The box arrived, the kettle inside is black, I picked white": each piece of the story tells of a wrong item received.
  const wrongItem = receivedOtherThanChosen(message);
  const clauses: ScoredClause[] = splitClauses(message).map(({ text, question }) => {
    // Scored without the requests it rules out ("I don't want a refund, ..."); the task keeps its words.
    const stated = withoutNegatedRequests(text);
    // A piece that asks ("what do I do?") is not the story; one that tells with a "??" is.
    const told = wrongItem && !opensAsQuestion(stated.toLowerCase().split(/\s+/)) ? [WRONG_ITEM_RECEIVED] : [];
    const scored = [stated, ...requestConcepts(stated), ...told].join(' ');
    const features = index.analyze(scored);
    const entities = extractEntities(stated);
    return {
      text,
      stated: stated === text ? undefined : stated,
      question: question || opensAsQuestion(features.words),
      entities,
      scores: scoreCards(index, features, entityConcepts(entities), hints.defaultAgent),
      words: features.words,
      smallTalk: isSmallTalk(features.words),
      intent: classifyIntent(features, entities),
    };
  });
  // "Sounds good" after "… I can email you when they're back: just ask": what was offered, asked for.
  const offered = offerAccepted(hints, message);
  if (offered) return planFromBrief(offered, index);
  // "My email is jane@x.com and my phone is 555 123 4567" answers what the last turn asked for, though "email" alone
  // would score a card of its own: it goes back to the card that asked, as the form's own answer does.
  const referent = referentOf(index, hints, message);
  const resumes = resumesHeldChange(hints, message);
  const answering = resumes
    ? resumes
    : givesOnlyDetails(message)
      ? (followUpAgent(hints, message, true) ?? orderGivenToQuestion(index, hints, message))
      : asksForCodeAgain(message)
        ? codeSender(hints)
        : referent?.agent;
  if (answering) {
    // "W2417020" after "cancel my order": the order to cancel, not a question where it is.
    // "10 please" after "which size would you like?": the pick of the request the card asked it for.
    const continues =
      givesOnlyDetails(message) || referent?.continues || resumes ? earlierRequest(index, hints, message) : undefined;
    return {
      refuse: false,
      tasks: [
        buildTask(index, cards, {
          id: 't1',
          agent: answering,
          text: message,
          question: false,
          dependsOn: [],
          continues,
          orderReferred: resumes ? undefined : referent?.orderId,
          productReferred: resumes ? undefined : productReferred(hints, message, message),
        }),
      ],
    };
  }
  const best = Math.max(0, ...clauses.map((c) => c.scores[0]?.score ?? 0));
  const corrected = clauses.map((c) => c.words.join(' ')).join(' . ');
  // Off-topic is a clause's matter: "Lovely weather today! Does the bottle come in red?" asks a shop question beside
  // the chit-chat, which is answered as small talk; a message is refused only when nothing in it asks the shop.
  const offTopic = (c: ScoredClause) => isOffTopic(c.text) || isOffTopic(c.words.join(' '));
  const asksTheShop = clauses.some((c) => {
    const top = c.scores[0];
    return !offTopic(c) && !c.smallTalk && !!top && top.score >= (c.question ? QUESTION_SCORE : MIN_SCORE);
  });
  const unwanted = isAbusive(message) || ((isOffTopic(message) || isOffTopic(corrected)) && !asksTheShop);
  if (unwanted && best < STRONG_SCORE) return { refuse: true, tasks: [] };
  for (const c of clauses) if (offTopic(c)) c.smallTalk = true;

  for (const c of clauses) {
    const top = c.scores[0];
    // A change the intent names ("pay it with my visa instead of paypal") is evidence beside the card's words, as a
    // question is.
    const asks = c.question || (c.intent !== undefined && CHANGES.has(c.intent));
    if (!c.smallTalk && top && top.score >= (asks ? QUESTION_SCORE : MIN_SCORE) && !onlyCommonVerbs(top))
      c.agent = ownerOfTie(index, c) ?? top.agent;
  }
  applyPrinciples(index, clauses, message);
  joinListedGoods(clauses);
  joinRuleQuestionToTopic(index, clauses);
  joinTiedPronoun(clauses);
  joinReturnArrival(index, clauses);
  const orderAgent = answerAboutAnOrder(hints, message)?.agentName;
  if (orderAgent)
    for (const c of clauses)
      if (c.intent && ORDER_INTENTS.has(c.intent) && !c.entities.orderIds.length && REFERS_TO_ORDER.test(c.text))
        c.agent = orderAgent;
  applyDeliveryState(cards, clauses);
  joinAmbiguousNeighbours(clauses);
  joinDependentClauses(clauses);
  joinPurchaseStory(clauses);
  joinReplacementStory(index, clauses);
  joinCoveredCase(index, clauses);
  joinFaultToRepair(index, clauses);
  joinDetailQuestions(clauses);
  joinMoodToRequest(index, clauses);
  joinEscalationStory(index, clauses);
  joinSalesContact(index, clauses);
  joinSoldOutToAlert(index, clauses);
  const groups = groupClauses(clauses, ownerOf(index, 'search'));
  if (groups.length === 0) {
    const agent =
      followUpAgent(hints, message) ??
      (TELLS_MORE.test(message) && message.split(/\s+/).length <= 10 && !clauses.some((c) => c.smallTalk)
        ? answersSinceShopper(hints, message).at(-1)?.agentName
        : undefined) ??
      // "My knees ache after running": nothing asked of a card, but a need the catalogue may meet.
      (toldAsNeed(message) ? ownerOf(index, 'search') : undefined) ??
      wholeMessageAgent(index, hints, message) ??
      namedOrderAgent(index, message) ??
      (asksOfListedItem(message) ? ownerOf(index, 'search') : undefined) ??
      hints.defaultAgent;
    const question = message.includes('?') || clauses.some((c) => c.question);
    return {
      refuse: false,
      tasks: [
        buildTask(index, cards, {
          id: 't1',
          agent,
          text: message,
          question,
          dependsOn: [],
          productReferred: productReferred(hints, message, message),
        }),
      ],
    };
  }
  const tasks: OfflinePlan['tasks'] = [];
  groups.forEach((g, i) => {
    const id = `t${i + 1}`;
    const previous = tasks[i - 1];
    const dependsOn =
      previous && refersBack(g.text, g.entities) && hasReferent(groups[i - 1]!.entities) ? [previous.id] : [];
    const carried = dependsOn.length ? groups[i - 1]!.entities : undefined;
    tasks.push(
      buildTask(index, cards, {
        id,
        agent: g.agent,
        text: g.text,
        question: g.question,
        dependsOn,
        carried,
        entities: g.entities,
        productReferred: carried ? undefined : productReferred(hints, message, g.text),
      }),
    );
  });
  return { refuse: false, tasks };
}

/**
 * Cards tied for a clause: the one that owns the action asked for ("exchange my keyboard for one with brown switches"
 * ties the exchange card with the one that changes orders, through "switches"), when only one of them does.
 */
function ownerOfTie(
  index: CardIndex,
  c: { scores: CardScore[]; intent?: TaskIntent; text: string; entities: Entities },
): string | undefined {
  const changer = ownerOfChange(index, c);
  if (changer) return changer;
  // Only actions, and asking what to buy with something or for someone ("what's good to go with the chair I got?",
  // "what would make a nice present?"), which the card that recommends answers: a question's tie ("do you price
  // match?") stays with the default card, as scoreCards orders it.
  const anchors = c.intent && (ACTIONS.has(c.intent) || asksWhatToBuyWith(c)) && INTENT_ANCHORS[c.intent]?.map(stem);
  // Close enough to call a tie: a few per cent of the top score (the words they share count on both).
  const tied = c.scores.filter((s) => c.scores[0]!.score - s.score <= Math.max(1e-3, 0.05 * c.scores[0]!.score));
  if (!anchors || tied.length < 2) return undefined;
  const terms = (agent: string) => index.profiles.find((p) => p.name === agent)?.terms;
  const owners = tied.filter((s) => anchors.some((a) => terms(s.agent)?.has(a)));
  if (owners.length === 1) return owners[0]!.agent;
  // "Swap the jacket for a medium": of the cards that do the action, the one that names doing it for another size or
  // colour, not one that gives a replacement of the same thing (a recall's remedy).
  const variants = [
    ...(c.entities.sizes.length ? [SIZE] : []),
    ...(c.entities.colours.length ? [COLOR] : []),
    ...(c.entities.materials.length ? [MATERIAL] : []),
  ];
  const forVariant = variants.length ? owners.filter((s) => variants.some((v) => terms(s.agent)?.has(v))) : [];
  return forVariant.length === 1 ? forVariant[0]!.agent : undefined;
}

/**
 * "My address is wrong on the order": a change to an order that the top card cannot make ("wrong" is the returns card's
 * word) goes to the one card, among those the clause scored for at all, that names both the thing and changing it.
 */
function ownerOfChange(index: CardIndex, c: { scores: CardScore[]; intent?: TaskIntent }): string | undefined {
  const anchors = c.intent && CHANGES.has(c.intent) ? INTENT_ANCHORS[c.intent]!.map(stem) : undefined;
  const top = c.scores[0];
  if (!anchors || !top) return undefined;
  const terms = (agent: string) => index.profiles.find((p) => p.name === agent)?.terms;
  const changes = (agent: string) => !!terms(agent)?.has(CHANGE) && anchors.some((a) => terms(agent)?.has(a));
  if (changes(top.agent)) return undefined;
  const able = c.scores.filter((s) => s.score > 0 && changes(s.agent));
  return able.length === 1 ? able[0]!.agent : undefined;
}

const CHANGE = stem('change');
const [SIZE, COLOR, MATERIAL] = ['size', 'color', 'material'].map(stem) as [string, string, string];

/**
 * Asking what to buy for someone ("what would make a nice present?") or to go with a thing of the shopper's ("what's
 * good with the chair I just got?"). A product named without either is a search ("a watch as a birthday present").
 */
const asksWhatToBuyWith = (c: { intent?: TaskIntent; text: string; entities: Entities }) =>
  c.intent === 'recommend' && (c.entities.products.length === 0 || GOES_WITH.test(c.text));
const GOES_WITH =
  /\b(?:go(?:es)?\s+(?:well\s+|nicely\s+)?with|to go with|pairs?\s+(?:well\s+|nicely\s+)?with|match(?:es|ing)?)\b|\bi\s+(?:just\s+|already\s+)?(?:got|bought|ordered|received)\b/i;

/** Intents that ask for something done: the order intents but tracking, and the other cards' actions. */
const ACTIONS: ReadonlySet<TaskIntent> = new Set([
  ...[...ORDER_INTENTS].filter((i) => i !== 'track'),
  ...(['restock', 'newsletter', 'bulk', 'human'] as const),
]);

/** With no clear clause, the whole message may still lean to one card ("what colours does the tee come in"). */
function wholeMessageAgent(index: CardIndex, hints: PlanBrief, message: string): string | undefined {
  const features = index.analyze(message);
  if (isSmallTalk(features.words)) return undefined;
  const entities = extractEntities(message);
  const top = scoreCards(index, features, entityConcepts(entities), hints.defaultAgent)[0];
  if (!top || top.score < QUESTION_SCORE || onlyCommonVerbs(top)) return undefined;
  // An email or address alone identifies the shopper; it does not ask for anything.
  const requestWord = features.tokens.some((t) => top.matched.includes(t.surface) && !isAttributeStem(t.stem));
  return requestWord || entities.products.length > 0 ? top.agent : undefined;
}

/**
 * With nothing else to go on, a message that names an order ("has #W6460787 left the warehouse") is about that order:
 * the card that tracks orders answers it, not the knowledge base.
 */
function namedOrderAgent(index: CardIndex, message: string): string | undefined {
  return extractEntities(message).orderIds.length > 0 ? ownerOf(index, 'track') : undefined;
}

/**
 * Pieces without an intent of their own join their neighbour ("..., they're too small"); adjacent
 * pieces for the same agent become one task, except questions to the catalogue's card about different products
 * ("is the backpack waterproof? and what's the cheapest tent?"): two intents, each its own task, where one task
 * would answer one product and drop the other. Small talk next to a real request is dropped.
 */
function groupClauses(
  clauses: ScoredClause[],
  catalogueAgent?: string,
): { agent: string; text: string; question: boolean; entities: Entities }[] {
  const firstAssigned = clauses.findIndex((c) => c.agent);
  if (firstAssigned < 0) return [];
  let current = clauses[firstAssigned]!.agent!;
  for (const c of clauses) {
    if (c.agent) current = c.agent;
    else if (!c.smallTalk) c.agent = current;
  }
  for (let i = 0; i < firstAssigned; i++) if (!clauses[i]!.smallTalk) clauses[i]!.agent = clauses[firstAssigned]!.agent;
  const groups: { agent: string; parts: ScoredClause[] }[] = [];
  const things = (c: ScoredClause) => [...c.entities.products, ...c.entities.orderIds].map((t) => t.toLowerCase());
  for (const c of clauses) {
    if (!c.agent) continue;
    const last = groups.at(-1);
    // "My tablet arrived damaged … what's the tracking number? … help me return the tablet": the same card about the
    // same thing is one task, even with another between.
    const same = groups.find(
      (g) => g.agent === c.agent && things(c).some((t) => g.parts.some((p) => things(p).includes(t))),
    );
    if (last && last.agent === c.agent && !asksOfOtherProduct(c, last.parts, catalogueAgent)) last.parts.push(c);
    else if (same) same.parts.push(c);
    else groups.push({ agent: c.agent, parts: [c] });
  }
  return groups.map((g) => ({
    agent: g.agent,
    text: g.parts.map((p) => p.text).join(', '),
    question: g.parts.some((p) => p.question),
    // What the request itself names comes first ("a matching case", after "the headphones I bought").
    entities: extractEntities(
      [...g.parts.filter((p) => !p.context), ...g.parts.filter((p) => p.context)].map((p) => p.text).join(', '),
    ),
  }));
}

const RELATES_TO_OTHER =
  /\b(?:match(?:ing|es)?|go(?:es)? with|goes well|same|compar\w*|vs\.?|versus|than|instead|either|both)\b/i;

const OPENS_QUESTION =
  /^\W*(?:(?:and|also|plus|oh|btw|but|so)\b\W*)*(?:what|which|how|where|when|who|why|is|are|was|were|do|does|did|can|could|would|will|should|have|has|got|any)\b/i;

/** A question to the catalogue's card about products none of the group's questions named, which name others. */
function asksOfOtherProduct(c: ScoredClause, group: ScoredClause[], catalogueAgent: string | undefined): boolean {
  if (!catalogueAgent || c.agent !== catalogueAgent || !c.question || c.entities.products.length === 0) return false;
  // "… and a matching backpack?", "something to go with them?": asked in the light of the other product.
  if (RELATES_TO_OTHER.test(c.text)) return false;
  // A question of its own ("what's the cheapest tent?"), not the tail of a list ("yoga mats, dumbbells and bottles?").
  if (!OPENS_QUESTION.test(c.text)) return false;
  const named = new Set(group.flatMap((p) => p.entities.products.map((t) => t.toLowerCase())));
  const asked = group.some((p) => p.question && p.entities.products.length > 0);
  const orders = c.entities.orderIds.length + group.reduce((n, p) => n + p.entities.orderIds.length, 0);
  return asked && orders === 0 && !c.entities.products.some((t) => named.has(t.toLowerCase()));
}

/** What the shopper's latest request before this message asked for, among their last three messages. */
function earlierRequest(index: CardIndex, hints: PlanBrief, message: string): TaskIntent | undefined {
  const users = historyBefore(hints, message).filter((h) => h.role === 'user');
  for (const h of users.slice(-3).reverse()) {
    if (givesOnlyDetails(h.text)) continue;
    const intent = classifyIntent(index.analyze(h.text), extractEntities(h.text));
    if (intent !== 'unknown' && intent !== 'greeting') return intent;
  }
  return undefined;
}

/**
 * "Ok go ahead" right after the change a card proposed (the server holds it for the shopper's yes), or after one
 * question about it answered by another card: back to the card that proposed it.
 */
function resumesHeldChange(hints: PlanBrief, message: string): string | undefined {
  const held = hints.held ?? proposedInWords(hints, message);
  if (!held || held.messagesAfter > 1 || !hints.cards.some((c) => c.name === held.agentName)) return undefined;
  // The message between was a question ("is that going to change my current orders?"), not a "no" or another topic.
  const between = hints.history.filter((h) => h.role === 'user').at(-2)?.text ?? '';
  if (held.messagesAfter === 1 && !/\?\s*$/.test(between)) return undefined;
  // "No, I changed my mind" right after it: the same card says nothing changed.
  if (held.messagesAfter === 0 && declinesChange(message)) return held.agentName;
  const e = extractEntities(message);
  const words = message.split(/\s+/).length;
  // "How much will I get back?": the amount of the change just proposed, asked of the card that proposed it.
  if (held.messagesAfter === 0 && ASKS_REFUND_AMOUNT.test(message) && e.orderIds.length + e.products.length === 0)
    return held.agentName;
  // "To the gift card please", "ship it to 12 Oak St instead", "in size 10 then", "can I get a new one instead?": a
  // detail of the change just proposed, for the card that proposed it to propose again with it.
  const detail =
    !!e.paymentPreference ||
    ORIGINAL_METHOD.test(message) ||
    !!e.address ||
    ADDRESS_LINE_2.test(message) ||
    e.byMistake ||
    e.sizes.length + e.colours.length + e.materials.length > 0 ||
    SAME_AGAIN.test(message);
  // A product named ("do you sell these in blue?") is a question of its own.
  if (held.messagesAfter === 0 && detail && e.orderIds.length + e.products.length === 0 && words <= 10)
    return held.agentName;
  const plain = e.products.length + e.orderIds.length + e.itemIds.length === 0 && words <= 8;
  return e.confirms && plain ? held.agentName : undefined;
}

/**
 * "Sounds good" right after an answer that offered to do something: the conversation as if the shopper had asked for
 * it in their own words (offerTaken), which the card that does it answers.
 */
function offerAccepted(hints: PlanBrief, message: string): PlanBrief | undefined {
  const asked = offerTaken(message, answersSinceShopper(hints, message).at(-1)?.text);
  return asked
    ? { ...hints, message: asked, history: [...historyBefore(hints, message), { role: 'user', text: asked }] }
    : undefined;
}

/**
 * The change the last answer proposed in words and asked a yes for, where the server held no call for it (its tools do
 * not ask the shopper first): the card that proposed it, with the shopper's message right after.
 */
function proposedInWords(hints: PlanBrief, message: string): PlanBrief['held'] {
  const last = answersSinceShopper(hints, message).at(-1);
  return last && ASKS_YES.test(last.text) ? { agentName: last.agentName!, messagesAfter: 0 } : undefined;
}
const ASKS_YES = /\breply "yes" to confirm\b/i;

/**
 * "It's order #W8488728" right after "What should the Hiking Boots change to?": the order the question was about, for
 * the card that asked it (one that works on orders), though the question did not say "order".
 */
function orderGivenToQuestion(index: CardIndex, hints: PlanBrief, message: string): string | undefined {
  const last = answersSinceShopper(hints, message).at(-1);
  if (!last || !/\?\s*$/.test(last.text) || !extractEntities(message).orderIds.length) return undefined;
  return index.profiles.find((p) => p.name === last.agentName)?.terms.has(ORDER) ? last.agentName : undefined;
}
const ORDER = stem('order');

/**
 * A short reply with only details or a yes ("it's jane@x.com", "yes please") continues with the
 * agent that asked for them: of the last turn's answers, the one that mentions what was given (`onlyWhereAsked`:
 * none when no answer mentions it; otherwise the last answer's agent).
 */
function followUpAgent(hints: PlanBrief, message: string, onlyWhereAsked = false): string | undefined {
  // A one-time code goes back to the card that sent it, however many turns ago ("please send me the code" in between
  // was answered by another card).
  if (looksLikeCode(message)) {
    const sender = codeSender(hints);
    if (sender) return sender;
  }
  const answers = answersSinceShopper(hints, message);
  if (!answers.length || message.split(/\s+/).length > 15) return undefined;
  const e = extractEntities(message);
  const asked: RegExp[] = [];
  if (e.emails.length) asked.push(/e-?mail/i);
  if (PHONE.test(message.replace(/#?W\d+/gi, ' '))) asked.push(/phone|number/i);
  if (e.name || e.zip) asked.push(/zip|name/i);
  if (e.orderIds.length) asked.push(/order/i);
  if (e.address) asked.push(/address/i);
  // "What about my visa then" after "… which would you like?" among payment methods.
  if (e.paymentPreference) asked.push(/\b(?:pay|paid|card|paypal|gift card|method)\b/i);
  if (e.itemIds.length) asked.push(/item/i);
  // A verification code goes back to whoever asked for it (the core checked it already).
  if (looksLikeCode(message)) asked.push(/\bcode\b/i);
  const picksOption =
    e.colours.length + e.sizes.length + e.materials.length > 0 ||
    // "and under $300?": a new budget for what was just shown.
    (e.products.length === 0 && (e.maxPrice !== undefined || e.minPrice !== undefined)) ||
    /\b(the|that|this)\s+([\w-]+\s+){0,2}(one|option)\b/i.test(message) ||
    // "9", "size 9 please" after "which size would you like?": a size, though a bare number names none.
    BARE_SIZE.test(message);
  if (picksOption) asked.push(/colou?r|size|material|option|which|instead|price|\n- /i);
  const confirms = e.confirms || /^\s*(no|nope|the (first|second|last) one)\b/i.test(message);
  if (confirms) asked.push(/confirm|shall i|should i|\?\s*$/i);
  if (!asked.length) return undefined;
  const fits = [...answers].reverse().find((a) => asked.some((re) => re.test(a.text)));
  return (fits ?? (onlyWhereAsked ? undefined : answers.at(-1)))?.agentName;
}

/** The card whose answer said it sent the shopper a one-time code, the latest such. */
function codeSender(hints: PlanBrief): string | undefined {
  return [...hints.history]
    .reverse()
    .find((h) => h.role === 'assistant' && SENT_CODE.test(h.text) && hints.cards.some((c) => c.name === h.agentName))
    ?.agentName;
}

/**
 * An answer that says a code went out ("I've just sent a 6-digit code to the email address on that account"), or offers
 * one ("… I can send a one-time code to the email address on your account: just ask").
 */
const SENT_CODE = /\b(?:sent|emailed)\b[^.]{0,60}\bcode\b|\bI can (?:send|email)\b[^.]{0,40}\bcode\b/i;
const BACK_REFERENCE = /\b(it|them|they|those|these|that one|this one|another one|an? (?:\w+ )?one)\b/i;
const refersBack = (text: string, e: Entities) =>
  BACK_REFERENCE.test(text) && e.products.length === 0 && e.orderIds.length === 0 && e.itemIds.length === 0;
const hasReferent = (e: Entities) => e.products.length > 0 || e.orderIds.length > 0 || e.itemIds.length > 0;

interface TaskSpec {
  id: string;
  agent: string;
  text: string;
  question: boolean;
  dependsOn: string[];
  /** Entities of the task this one depends on, when the text says "it" or "them". */
  carried?: Entities;
  /** The text's own entities, when already read (each text is read once per call). */
  entities?: Entities;
  /** What an earlier request asked for, which a message of details alone goes on with. */
  continues?: TaskIntent;
  /** The order a follow-up's "it" is ("how much was it in total?" after an answer about it), which the task names. */
  orderReferred?: string;
  /** The product a follow-up's "it" or "the blue one" is, among those the last answer showed, which the task names. */
  productReferred?: ProductReferred;
}

/** Words the task for the specialist (instruction) and for the shopper (status message). */
function buildTask(index: CardIndex, cards: CardSummary[], spec: TaskSpec): OfflinePlan['tasks'][number] {
  const { id, agent, text, question, dependsOn, carried } = spec;
  const features = index.analyze(text);
  const own = spec.entities ?? extractEntities(text);
  const entities: Entities = carried
    ? { ...own, products: carried.products, orderIds: carried.orderIds, itemIds: carried.itemIds }
    : {
        ...own,
        orderIds: spec.orderReferred && !own.orderIds.length ? [spec.orderReferred] : own.orderIds,
        ...withProductReferred(own, spec.productReferred),
      };
  let intent = spec.continues ?? classifyIntent(features, entities);
  const profile = index.profiles.find((p) => p.name === agent);
  const anchors = INTENT_ANCHORS[intent];
  // An order's action is worded as one ("Cancel the customer's pending order") only for a card that works on orders:
  // "cancel my protection plan" of a card for plans is no order to cancel.
  const owns = (i: TaskIntent) =>
    !!profile &&
    !!INTENT_ANCHORS[i]?.some((a) => profile.terms.has(stem(a))) &&
    (!ORDER_INTENTS.has(i) || profile.terms.has(ORDER));
  if (profile && anchors && !owns(intent))
    // "Can you recommend a good laptop under 1000?" of the catalogue's card: a search for laptops, not a question.
    intent =
      intent === 'recommend' && entities.products.length && owns('product_search')
        ? 'product_search'
        : question
          ? 'knowledge'
          : 'unknown';
  const topic = profile ? topicWord(index, profile.name, features) : undefined;
  const card = cards.find((c) => c.name === agent);
  const referent = carried
    ? ` (This follows task ${dependsOn[0]}: "it" means ${carried.products[0] ?? carried.orderIds[0] ?? carried.itemIds[0]}.)`
    : '';
  return {
    id,
    agent: card?.name ?? agent,
    instruction: writeInstruction(intent, text, entities, topic) + referent,
    statusMessage: writeStatusMessage(intent, entities, topic, text),
    dependsOn,
  };
}

/** The product pointed at, and the options of the line picked, where the task's own words name none of them. */
function withProductReferred(own: Entities, referred: ProductReferred | undefined): Partial<Entities> {
  if (!referred || own.products.length) return {};
  const options = (key: 'colours' | 'sizes' | 'materials') => (own[key].length ? own[key] : referred[key]);
  return {
    products: referred.products,
    colours: options('colours'),
    sizes: options('sizes'),
    materials: options('materials'),
  };
}

const QUESTION_STEM = stem('question');
/**
 * What was done with a thing, how good it is or when, not the thing: "your bought question" or "your good question" says
 * nothing. A topic names what the question is about ("your warranty question").
 */
const NOT_TOPICS = new Set(
  ['bought', 'buy', 'got', 'get', 'received', 'receive', 'loved', 'love', 'like', 'want', 'need', 'keep']
    .concat(['good', 'great', 'nice', 'best', 'better'])
    // When, not what: "your later question" for "can I pay later?", "your day question" for "a day early".
    .concat(['later', 'soon', 'early', 'day', 'week', 'month', 'year', 'weekend', 'today', 'tomorrow'])
    .map(stem),
);

/** The clause word that best explains the routing: a word of the card's name first, then the most specific. */
function topicWord(index: CardIndex, agent: string, features: ReturnType<CardIndex['analyze']>): string | undefined {
  const profile = index.profiles.find((p) => p.name === agent);
  if (!profile) return undefined;
  const names = nameWords(agent).map(stem);
  // A phrase of the card's name ("gift card" for GiftCardAgent) names the topic best of all.
  const nameOf = (surface: string) => surface.includes(' ') && surface.split(' ').every((w) => names.includes(stem(w)));
  const candidates = features.tokens
    // "question" itself would read "the customer's question question".
    .filter(
      (t) =>
        (nameOf(t.surface) || (profile.terms.has(t.stem) && !t.surface.includes(' '))) &&
        t.stem !== QUESTION_STEM &&
        !NOT_TOPICS.has(t.stem),
    )
    .map((t) => ({
      t,
      rank: nameOf(t.surface) ? 11 : names.includes(t.stem) ? 10 - names.indexOf(t.stem) : (index.idf.get(t.stem) ?? 0),
    }));
  candidates.sort((a, b) => b.rank - a.rank || a.t.index - b.t.index);
  const best = candidates[0]?.t;
  if (!best) return undefined;
  // "Do you ship to Canada?" read "your ship question": a bare verb names its topic as the card does ("shipping").
  return (best.surface === best.stem && profile.gerunds.get(best.stem)) || best.surface;
}
