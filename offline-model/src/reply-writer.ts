import { applyVoice, readVoice } from './brand-voice.js';
import { closesTopic } from './message-checks.js';
import { isNamedItem, namesProduct } from './order-lookup.js';
import { CHEAPER } from './product-list.js';
import {
  answerFromInstructions,
  explainError,
  optionText,
  renderArticles,
  renderProductsCompared,
  renderStep,
} from './reply-templates.js';
import { productAsks } from './shopping-recipes.js';
import { pickedLine } from './shown-pick.js';
import { relevantKnowledge } from './support-recipes.js';
import { HOURS_UNSTATED } from './task-brief.js';
import type { TaskContext } from './task-context.js';
import { asksWhenPeopleWork } from './task-intent.js';
import type { ToolStep } from './task-transcript.js';
import { foundNothing, nested, readOrder, readUserId, readVariants, type VariantView } from './tool-output-readers.js';

const FOUND = 'Thanks, I found your account.';

/** Tools that change an order: once one is done, the lookups made to find the order are not the answer. */
const ORDER_CHANGE_TOOLS = new Set([
  'cancel_pending_order',
  'return_delivered_order_items',
  'exchange_delivered_order_items',
  'modify_pending_order_items',
  'modify_pending_order_address',
  'modify_pending_order_payment',
]);

/** Reads that only led to a later step and need not be repeated in the reply. */
function superseded(step: ToolStep, later: ToolStep[]): boolean {
  if (!step.ok) return later.some((s) => s.tool === step.tool && s.ok);
  if (
    ['get_order_details', 'get_user_details', 'get_product_details'].includes(step.tool) &&
    // Read to make a change: what the change did, or why the store refused it, is the answer.
    later.some((s) => ORDER_CHANGE_TOOLS.has(s.tool))
  )
    return true;
  switch (step.tool) {
    case 'get_order_details': {
      const id = readOrder(step.output)?.orderId;
      return later.some((s) => s.ok && readOrder(s.output)?.orderId === id);
    }
    case 'search_products': {
      // A search that found nothing within the budget: the search again without it says so (beyondBudget). One
      // narrowed by option values the shopper named ("induction") lists what they asked for (narrowStep).
      const empty = foundNothing(step.output);
      const query = String(step.args.query ?? '');
      return later.some(
        (s) =>
          s.ok &&
          (['recommend_related', 'get_product_details', 'read_product_document'].includes(s.tool) ||
            (s.tool === 'search_products' && (empty || String(s.args.query ?? '').startsWith(`${query} `)))),
      );
    }
    case 'get_user_details':
      return later.some((s) => s.ok && s.tool === 'get_order_details');
    case 'validate_email':
      return later.some((s) => s.ok);
    default:
      return false;
  }
}

const stockFiltered = (s: ToolStep) => nested(s.args.filters, 'in_stock') === true;
/** A search without the stock filter after searches with it that found no variant in stock (outOfStock). */
function isStockCheck(step: ToolStep, before: ToolStep[]): boolean {
  const searches = before.filter((s) => s.tool === 'search_products');
  return (
    step.ok &&
    step.tool === 'search_products' &&
    !stockFiltered(step) &&
    searches.length > 0 &&
    searches.every(stockFiltered)
  );
}

/** The variants out of stock that have every option value the shopper asked for (colour, size, material). */
function soldOutAsAsked(ctx: TaskContext, step: ToolStep): VariantView[] {
  const e = ctx.entities;
  const wanted = [...e.colours, ...e.sizes, ...e.materials].map(plain);
  if (!wanted.length) return [];
  const { variants, alternatives } = readVariants(step.output);
  const fits = [...variants, ...alternatives].filter(
    (v) =>
      v.available === false &&
      (!e.products.length || (!!v.name && namesProduct(ctx, v.name))) &&
      wanted.every((w) => Object.values(v.options).some((o) => plain(o) === w)),
  );
  return fits;
}
const plain = (value: string) => value.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * "The Hiking Boots in size 10, leather are out of stock right now, in every option: waterproof no and waterproof yes":
 * what the shopper asked for exists, sold out, in more than one option; said before the options in stock.
 */
function soldOutOptions(variants: VariantView[]): string {
  const first = variants[0]!;
  const shared = Object.fromEntries(
    Object.entries(first.options).filter(([k, v]) => variants.every((x) => x.options[k] === v)),
  );
  const differ = variants.map((v) =>
    optionText(Object.fromEntries(Object.entries(v.options).filter(([k]) => !(k in shared)))),
  );
  const what = `${first.name ?? 'item'}${Object.keys(shared).length ? ` in ${optionText(shared)}` : ''}`;
  return `The ${what} ${/s$/i.test(first.name ?? '') ? 'are' : 'is'} out of stock right now, in every option: ${differ.slice(0, -1).join(', ')} and ${differ.at(-1)}. I can email you when ${/s$/i.test(first.name ?? '') ? "they're" : "it's"} back: just ask.`;
}

function greeting(ctx: TaskContext): string {
  const words = ctx.features.words;
  if (closesTopic(words)) return "Of course. I'm here whenever you need anything else.";
  const bye = words.some((w) => /^(bye|goodbye|cya)$/.test(w));
  if (words.some((w) => /^(thanks|thank|cheers|appreciate)/.test(w)))
    return bye
      ? "You're welcome. Goodbye, and have a great day!"
      : "You're welcome! Is there anything else I can help you with?";
  if (bye) return 'Goodbye, and have a great day!';
  if (words.includes('how')) return "I'm doing well, thanks for asking! How can I help you today?";
  if (words.includes('help'))
    return 'Of course. What can I help you with? I can look up an order, find a product, or answer a question about shipping, returns and more.';
  return 'Hello! How can I help you today?';
}

/**
 * A claimed (not verified) shopper learns an order's status and tracking only: say how to see the
 * rest, when this task can send the code that verifies them.
 */
function claimedStatusHint(ctx: TaskContext): string | undefined {
  if (ctx.customerId || !ctx.claimed || !ctx.offered('send_verification_code')) return undefined;
  if (!ctx.transcript.steps.some((s) => s.ok && s.tool === 'get_order_status')) return undefined;
  return "To see this order's shipping address and items, or to change it, I can send a one-time code to the email address on your account to verify it's you. Just ask.";
}

/**
 * "What are your business hours?", "are you open on Saturdays?", "when do you close today?": a question of when, about
 * the shop being open (not "how do I open an account?").
 */
const ASKS_WHEN_OPEN =
  /\b(?:business|opening|office|store|shop|working|support|service) hours\b|\byour hours\b|\bwhat (?:are|r) (?:the |your )?hours\b|\b(?:what|which) (?:time|days)\b[^?.!]*\b(?:open|close|closed|available|work)\b|\bwhen (?:do|does|are|is|will) (?:you|u|your (?:shop|store|team)|the (?:shop|store|team)|customer (?:service|care)|support|someone|anyone|your (?:agents|staff|people))\b[^?.!]*\b(?:open|close|closed|available)\b|\b(?:are|is) (?:you|u|the (?:shop|store|team)|your (?:shop|store|team)|customer (?:service|care)|support|anyone|someone) (?:\w+ )?open\b/i;

/**
 * When the shop is open, from its business-hours setting (the prompt's context, as the server states it for this
 * moment): the hours, and whether it is open now. Undefined when the question is not about that or the prompt gives no
 * hours.
 */
function openingHours(ctx: TaskContext): string | undefined {
  const { businessHours: summary, businessHoursOpen: open } = ctx.hints;
  if (summary === HOURS_UNSTATED || !asksWhenPeopleWork(ctx.request) || !ASKS_WHEN_OPEN.test(ctx.request))
    return undefined;
  return `Our business hours are ${summary}. ${
    open
      ? "We're open right now."
      : "We're closed right now: I can still help with most things here, and a colleague will get back to you once we open."
  }`;
}

/**
 * The task's final answer, written only from this task's tool results (and knowledge articles in
 * the hints), in the order they happened. Nothing is added that a tool did not say.
 */
export function writeReply(ctx: TaskContext): string {
  const steps = ctx.transcript.steps;
  const parts: string[] = [];
  // Only when a user id came back: under a strict identity policy the lookup just records a claim.
  if (steps.some((s) => s.ok && /^find_user_id/.test(s.tool) && readUserId(s.output))) parts.push(FOUND);
  const variantsRead = new Map(
    [...ctx.transcript.runSteps, ...steps]
      .filter((s) => s.ok && s.tool === 'get_product_details')
      .flatMap((s) => readVariants(s.output).variants)
      .flatMap((v) => (v.itemId ? [[v.itemId, v] as const] : [])),
  );
  const view = {
    entities: ctx.entities,
    question: ctx.request,
    accountDetails: ctx.accountDetails,
    hours: { open: ctx.hints.businessHoursOpen, summary: ctx.hints.businessHours },
    variant: (itemId: string) => variantsRead.get(itemId),
    picked: pickedLine(ctx.request, ctx.lastAnswer),
  };
  // Products set against each other: one answer from their searches, not a listing of each.
  const compared = productAsks(ctx);
  const searchFor = new Map(
    steps
      .filter((s) => s.ok && s.tool === 'search_products')
      .map((s) => [String(s.args.query ?? '').toLowerCase(), s] as const),
  );
  const comparison = compared.length && compared.every((a) => searchFor.has(a.query));
  if (comparison)
    parts.push(
      renderProductsCompared(
        compared.map((a) => ({ product: a.label, plain: a.plain, step: searchFor.get(a.query)! })),
        ctx.request,
        CHEAPER.test(ctx.request) || /\b(?:price|prices|cost|costs)\b/i.test(ctx.request),
      ),
    );
  // "When is my grill coming?": of the account's orders read to find it, the ones with the thing named.
  const orderReads = steps.filter((s) => s.ok && s.tool === 'get_order_details');
  const holding =
    ctx.intent === 'track' && ctx.entities.products.length && orderReads.length > 1
      ? orderReads.filter((s) => readOrder(s.output)?.items.some((item) => isNamedItem(ctx, item.name)))
      : [];
  // "Is the blue polyester t-shirt in S in stock?": the search again without the stock filter (outOfStock) says only
  // whether the very thing asked for exists, out of stock; the listing of what is in stock follows.
  const stockCheck = steps.find((s, i) => isStockCheck(s, steps.slice(0, i)));
  const soldOut = stockCheck ? soldOutAsAsked(ctx, stockCheck) : [];
  if (soldOut.length === 1)
    parts.push(
      `The ${soldOut[0]!.name ?? 'item'} in ${optionText(soldOut[0]!.options)} is out of stock right now. I can email you when it's back: just ask.`,
    );
  else if (soldOut.length > 1) parts.push(soldOutOptions(soldOut));
  steps.forEach((step, i) => {
    if (step === stockCheck) return;
    if (comparison && step.tool === 'search_products') return;
    if (holding.length && orderReads.includes(step) && !holding.includes(step)) return;
    if (superseded(step, steps.slice(i + 1))) return;
    const text = step.ok
      ? renderStep(step, view)
      : explainError(step, [...ctx.transcript.runSteps, ...steps.slice(0, i)]);
    if (text) parts.push(text);
  });
  const verifyHint = claimedStatusHint(ctx);
  if (verifyHint) parts.push(verifyHint);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === FOUND)) {
    const articles = relevantKnowledge(ctx);
    // A card with no tools of its own (a designer's FAQ card) knows what its instructions say.
    const toolless = ctx.tools.every((t) => t.name.startsWith('handoff_to_'));
    const own = toolless && !steps.length ? answerFromInstructions(ctx.hints.cardInstructions, ctx.request) : undefined;
    if (own) parts.push(own);
    // Small talk is answered as such, whatever an article shares a word with ("never mind" is no privacy question).
    else if (ctx.intent === 'greeting') parts.push(greeting(ctx));
    else if (articles.length) parts.push(renderArticles(articles, ctx.request));
    else if (!steps.length)
      parts.push(
        ctx.intent === 'knowledge' || ctx.intent === 'unknown'
          ? "I'm sorry, I don't have information about that. A colleague from our team can help if you'd like."
          : "I'm sorry, I can't do that from here.",
      );
  }
  // The setting first: an article's lines about contacting a person follow it.
  const hours = steps.every((s) => s.tool === 'search_knowledge') ? openingHours(ctx) : undefined;
  if (hours) parts.unshift(hours);
  return applyVoice(parts.join('\n\n'), readVoice(ctx.hints.brandVoice));
}
