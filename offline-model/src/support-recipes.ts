import { ANSWER, callTool, type Decision, reply } from './decision.js';
import { topicalArticles } from './knowledge-relevance.js';
import { namesProduct } from './order-lookup.js';
import { optionText } from './reply-templates.js';
import { ASKS_FOR_A_PERSON, givesOnlyDetails, requestConcepts } from './request-cues.js';
import type { TaskContext } from './task-context.js';
import { describeProduct } from './task-wording.js';
import { nested, readVariants, type VariantView } from './tool-output-readers.js';

/** Knowledge articles from the hints that answer the question (topicalArticles), in the knowledge base's order. */
export function relevantKnowledge(ctx: TaskContext): { title: string; content: string }[] {
  if (ctx.followsUp) return [];
  return topicalArticles(ctx.hints.knowledge, ctx.features);
}

/**
 * "The sneakers are back in stock", "the fleece jacket is", "the hiking boots in size 9 are": the verb agrees with the
 * thing named, the last word before what it comes in.
 */
const backInStock = (what: string) => {
  const thing =
    what
      .split(/\s+(?:in|with|under|for)\s+/i)[0]!
      .split(' ')
      .at(-1) ?? '';
  return `${/^(?:the|a|an|your|my)\b/i.test(what) ? '' : 'the '}${what} ${/[^s]s$/i.test(thing) ? 'are' : 'is'} back in stock`;
};

function leadStep(ctx: TaskContext): Decision | undefined {
  const watched = ctx.called('subscribe_back_in_stock');
  // Several variants the shopper chose ("both"): one alert each, until every one is set.
  const pending = ctx.intent === 'restock' && watched.length ? itemsLeftToWatch(ctx, watched) : [];
  if (pending[0] && ctx.values.email)
    return callTool(ctx, 'subscribe_back_in_stock', { email: ctx.values.email, item_id: pending[0] });
  if (ctx.called('create_lead').length || watched.length) return undefined;
  const email = ctx.values.email;
  // "Let me know when they're back" with several sold-out variants of what was asked for: which one, before an alert
  // for none of them in particular.
  const choice = ctx.intent === 'restock' && !ctx.values.itemIds.length ? variantsToWatch(ctx) : [];
  if (choice.length > 1 && !ALL_OF_THEM.test(pickingMessage(ctx)))
    return reply(
      `${choice.length} options of that are out of stock right now:\n${choice
        .map((v) => `- ${v.name ?? 'Item'}${Object.keys(v.options).length ? ` (${optionText(v.options)})` : ''}`)
        .join('\n')}\nWhich one should I let you know about (or all of them)?${
        email ? '' : ' And what email address should we use?'
      }`,
    );
  const what =
    ctx.intent === 'restock'
      ? `when ${backInStock(describeProduct(ctx.entities, 'the item'))}`
      : ctx.intent === 'bulk'
        ? 'about your bulk order'
        : 'with our newsletter and offers';
  if (!email) return reply(`Happy to keep you posted ${what}. What email address should we use?`);
  if (ctx.offered('validate_email')) {
    const check = ctx.called('validate_email').at(-1);
    if (!check) return callTool(ctx, 'validate_email', { email });
    if (check.ok && nested(check.output, 'valid') === false) return undefined;
  }
  if (ctx.intent === 'restock') {
    const itemId = ctx.values.itemIds[0] ?? choice[0]?.itemId;
    if (itemId) {
      const d = callTool(ctx, 'subscribe_back_in_stock', { email, item_id: itemId });
      if (d) return d;
    }
  }
  const interest =
    ctx.intent === 'restock'
      ? `back in stock: ${describeProduct(ctx.entities, 'a product')}`
      : ctx.intent === 'bulk'
        ? `bulk order: ${enquiry(ctx)}`
        : 'newsletter and promotions';
  return callTool(ctx, 'create_lead', { email, interest });
}

const sameValue = (a: string, b: string) =>
  a.toLowerCase().replace(/[^a-z0-9]/g, '') === b.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The out-of-stock items a back-in-stock alert may be for: among the variants the conversation's searches and product
 * details showed (earlier answers' included), those not available that are of the product named and have every colour,
 * size and material the shopper asked for. When several are, the ones this message picks by an option value that sets
 * them apart ("the waterproof one", "the synthetic ones"), or all of them for "both", "all", "either".
 */
function variantsToWatch(ctx: TaskContext): VariantView[] {
  const e = ctx.entities;
  const wanted = [...e.colours, ...e.sizes, ...e.materials];
  const seen = new Map<string, VariantView>();
  for (const s of ctx.conversationSteps())
    if (s.ok && (s.tool === 'search_products' || s.tool === 'get_product_details')) {
      const { variants, alternatives } = readVariants(s.output);
      for (const v of [...variants, ...alternatives]) if (v.itemId) seen.set(v.itemId, v);
    }
  const fits = [...seen.values()].filter(
    (v) =>
      v.available === false &&
      (!e.products.length || (!!v.name && namesProduct(ctx, v.name))) &&
      wanted.every((w) => Object.values(v.options).some((o) => sameValue(o, w))),
  );
  const message = pickingMessage(ctx);
  if (fits.length < 2 || ALL_OF_THEM.test(message)) return fits;
  const picked = fits.filter((v) => picks(message, v, fits));
  return picked.length ? picked : fits;
}

/**
 * The shopper's message that picks among the options: this one, or, when this one gives only the address asked for
 * ("kim@example.com" after "both" was answered with "what email address should we use?"), the one before.
 */
function pickingMessage(ctx: TaskContext): string {
  const message = ctx.hints.userMessage;
  if (!givesOnlyDetails(message)) return message;
  return ctx.transcript.earlierUserTexts.filter((t) => t.trim() !== message.trim()).at(-1) ?? message;
}

/** "Both", "all of them", "either one", "any of those": every option listed. */
const ALL_OF_THEM = /\b(?:both|all(?: of (?:them|those|these))?|either|any(?: of (?:them|those|these))?|each)\b/i;

/**
 * Whether the message picks this variant by what sets it apart from the others: a value only some have ("synthetic"),
 * or a yes/no option by its name ("the waterproof one"; "not waterproof", "non-waterproof" for its no).
 */
function picks(message: string, v: VariantView, all: VariantView[]): boolean {
  const words = ` ${message.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `;
  return Object.entries(v.options).some(([key, value]) => {
    if (all.every((o) => o.options[key] === value)) return false;
    const k = key.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
    // A bare "yes please" agrees to something; it picks no option whose value is "yes".
    if (/^(?:yes|no)$/i.test(value)) {
      if (!words.includes(` ${k} `)) return false;
      const negated = new RegExp(`\\b(?:not|non|no|without)\\s+${k}\\b`).test(words);
      return negated === (value.toLowerCase() === 'no');
    }
    return words.includes(` ${value.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `);
  });
}

/** Of the variants chosen, those with no alert yet from this task. */
function itemsLeftToWatch(ctx: TaskContext, watched: readonly { args: Record<string, unknown> }[]): string[] {
  const done = new Set(watched.map((s) => String(s.args.item_id ?? '')));
  const chosen = variantsToWatch(ctx);
  if (chosen.length < 2) return [];
  return chosen.flatMap((v) => (v.itemId && !done.has(v.itemId) ? [v.itemId] : []));
}

function humanStep(ctx: TaskContext): Decision | undefined {
  const done = ['create_ticket', 'transfer_to_human_agents', 'request_user_info'];
  if (done.some((t) => ctx.called(t).some((s) => s.ok))) return undefined;
  const v = ctx.values;
  const ask = handOffAsk(ctx);
  const summary = `The customer ${ASKS_FOR_A_PERSON.test(ask) ? 'asked for' : 'needs'} help from a person: "${ask}".${
    v.orderId ? ` Order ${v.orderId}.` : ''
  }${ctx.customerId ? ` Customer ${ctx.customerId}.` : v.email ? ` Email ${v.email}.` : ''}`;
  const reachable = ctx.customerId || v.email || v.phone;
  if (!reachable && !ctx.hints.businessHoursOpen && !ctx.called('request_user_info').length) {
    const form = callTool(ctx, 'request_user_info', {
      fields: ['email'],
      optional_fields: ['phone'],
      reason: 'So that a colleague can get back to you when the team is available.',
    });
    if (form) return form;
  }
  const customer = { customer_email: v.email, customer_phone: v.phone };
  // How an unidentified shopper said to reach them goes on the ticket, in hours too: the colleague sees it on the desk
  // (transfer_to_human_agents takes a summary only).
  if (ctx.hints.businessHoursOpen && (ctx.customerId || !(v.email || v.phone))) {
    const transfer = callTool(ctx, 'transfer_to_human_agents', { summary });
    if (transfer) return transfer;
  }
  return (
    callTool(ctx, 'create_ticket', { summary, ...customer }) ?? callTool(ctx, 'transfer_to_human_agents', { summary })
  );
}

/**
 * The shopper's words a hand-off is about: this message, unless it only gives contact details (the
 * answer to the contact form, "kim@example.com, +1 555 0100"); then the latest earlier message that
 * says more, so that the colleague's ticket names the problem and not the phone number.
 */
function handOffAsk(ctx: TaskContext): string {
  const now = ctx.hints.userMessage.trim();
  if (!givesOnlyDetails(now)) return now;
  const asked = ctx.transcript.earlierUserTexts.findLast((t) => t.trim() !== now && !givesOnlyDetails(t));
  return asked?.trim() ?? now;
}

function knowledgeStep(ctx: TaskContext): Decision | undefined {
  if (relevantKnowledge(ctx).length || ctx.called('search_knowledge').length) return undefined;
  return callTool(ctx, 'search_knowledge', { query: ctx.request });
}

/**
 * Nothing else to do for the task ("how much is shipping for a bicycle?" reads as a product question to a card with no
 * catalogue): a card that can search the knowledge base looks there before saying it cannot help.
 */
export function lastResortKnowledge(ctx: TaskContext): Decision | undefined {
  if (ctx.transcript.steps.length || !ctx.offered('search_knowledge')) return undefined;
  return knowledgeStep(ctx);
}

/** What the bulk enquiry is for: this message, or the one before the email it was asked for ("we need 30 chairs"). */
function enquiry(ctx: TaskContext): string {
  if (!givesOnlyDetails(ctx.request)) return ctx.request;
  const earlier = ctx.transcript.earlierUserTexts.filter((t) => t.trim() !== ctx.request.trim());
  return earlier.findLast((t) => !givesOnlyDetails(t)) ?? ctx.request;
}

const LEAD_TOOLS = ['create_lead', 'subscribe_back_in_stock', 'validate_email'];
const HUMAN_TOOLS = ['create_ticket', 'transfer_to_human_agents', 'request_user_info'];

/** Lead, hand-over and knowledge recipes; undefined when the card has none of their tools. */
export function supportRecipe(given: TaskContext): Decision | undefined {
  const has = (tools: string[]) => tools.some((t) => given.offered(t));
  // "We need 200 water bottles for an event": given to the card that takes enquiries, a count no household buys is a
  // bulk enquiry, as the planner read it, though no word says "bulk".
  const bulk =
    has(LEAD_TOOLS) &&
    !['restock', 'newsletter', 'bulk'].includes(given.intent) &&
    requestConcepts(given.request).includes('bulk');
  // A card whose only tools put the shopper through to a person ("this is the third time I'm writing, nobody helps
  // me", planned there for the frustration) does that with any task it is given: it has nothing else to answer with.
  const onlyAPerson = has(HUMAN_TOOLS) && !has(['search_knowledge', ...LEAD_TOOLS]);
  const ctx: TaskContext = bulk
    ? { ...given, intent: 'bulk' }
    : onlyAPerson && given.intent !== 'greeting'
      ? { ...given, intent: 'human' }
      : given;
  switch (ctx.intent) {
    case 'restock':
    case 'newsletter':
    case 'bulk':
      return has(LEAD_TOOLS) ? (leadStep(ctx) ?? ANSWER) : undefined;
    case 'human':
      return has(HUMAN_TOOLS) ? (humanStep(ctx) ?? ANSWER) : undefined;
    case 'knowledge':
    case 'unknown':
      if (relevantKnowledge(ctx).length) return ANSWER;
      return has(['search_knowledge']) ? (knowledgeStep(ctx) ?? ANSWER) : undefined;
    default:
      return undefined;
  }
}
