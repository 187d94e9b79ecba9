import { ANSWER, callTool, type Decision, reply } from './decision.js';
import { extractEntities } from './entity-extractor.js';
import {
  listedProducts,
  listingBefore,
  pricesShown,
  propertyAsked,
  SETS_AGAINST,
  SIDE_BY_SIDE,
} from './product-list.js';
import {
  asksYesNo,
  COMPARES,
  isYesNo,
  optionAskedFor,
  optionNamedIn,
  priceOrderAsked,
  SUPERLATIVE,
} from './reply-templates.js';
import { asksForGift } from './request-cues.js';
import { runProductIds, type TaskContext } from './task-context.js';
import { analyzeText, rawWords, STOP_WORDS, stem } from './text-features.js';
import { foundNothing, nested, readVariants } from './tool-output-readers.js';

/** Search words: product words first, else the request without its filler. */
function searchQuery(ctx: TaskContext): string {
  if (ctx.values.query) return ctx.values.query;
  return ctx.features.tokens
    .filter((t) => !['search', 'stock', 'price', 'availabl', 'product'].includes(t.stem))
    .map((t) => t.surface)
    .join(' ');
}

/** Words of a gift request that say who it is for and why, not what they like. */
const GIFT_WORDS = new Set(
  `need want looking gift gifts present presents idea ideas birthday christmas anniversary dad father mum mom mother
  parent parents wife husband partner son daughter kid kids child children brother sister friend boyfriend girlfriend
  boss colleague grandma grandpa grandmother grandfather nephew niece aunt uncle teenager baby family who likes like
  loves love lover lovers enjoys enjoy fan into old year years dollars bucks budget something nice good great under
  below over less more than around about max maximum cheap recommend recommendation recommendations suggest suggestion
  suggestions ideas idea buy get find something anything someone somebody person guy man woman girl boy coworker
  help helping`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * The shopper's messages about the present they look for, newest first: this one, and the ones since they asked for a
 * gift ("a gift for my sister", then "she likes yoga", then "under 150 please"). Empty when no gift was asked for.
 */
function giftTalk(ctx: TaskContext): string[] {
  if (asksForGift(ctx.request)) return [ctx.request];
  const earlier = ctx.transcript.earlierUserTexts.filter((t) => t.trim() !== ctx.request.trim()).slice(-3);
  const asked = earlier.findLastIndex(asksForGift);
  return asked < 0 ? [] : [ctx.request, ...earlier.slice(asked).reverse()];
}

const isGiftRequest = (ctx: TaskContext) => giftTalk(ctx).length > 0;

/** "a gift for my dad who likes hiking": what the person is into ("hiking"), as search words. */
function giftInterest(ctx: TaskContext): string | undefined {
  for (const text of giftTalk(ctx)) {
    // "Looking for" reads as one word of a search: it says nothing of what they like.
    const words = analyzeText(text)
      .tokens.map((t) => t.surface)
      .filter((w) => !/\d/.test(w) && !w.split(' ').every((x) => GIFT_WORDS.has(x) || STOP_WORDS.has(x)));
    if (words.length) return words.join(' ');
  }
  return undefined;
}

function searchStep(ctx: TaskContext): Decision | undefined {
  const query = searchQuery(ctx);
  const filters = ctx.values.size || ctx.values.maxPrice !== undefined || ctx.values.color;
  if (!query && !filters) return callTool(ctx, 'list_all_product_types');
  // "Your cheapest tablet": a page ranked by the words need not hold it; the store's largest page does.
  return callTool(ctx, 'search_products', priceOrderAsked(ctx.request) ? { query, limit: 50 } : { query });
}

/**
 * Nothing within the shopper's budget: search again without it, so that the answer says so once and shows what the
 * cheapest matches cost ("We have no hiking boots under $150. The lowest-priced: …").
 */
function beyondBudget(ctx: TaskContext): Decision | undefined {
  if (ctx.values.maxPrice === undefined) return undefined;
  const searches = ctx.called('search_products');
  if (searches.length !== 1 || !searches[0]!.ok || !foundNothing(searches[0]!.output)) return undefined;
  return callTool({ ...ctx, values: { ...ctx.values, maxPrice: undefined } }, 'search_products', {
    query: searchQuery(ctx),
  });
}

/**
 * "Is the blue polyester t-shirt in size S in stock?" with no variant in stock that fits: whether one fits at all, out
 * of stock, is the answer (and what a back-in-stock alert would be for), so the last search is asked again without the
 * stock filter.
 */
function outOfStock(ctx: TaskContext): Decision | undefined {
  if (!ctx.values.inStock) return undefined;
  const searches = ctx.called('search_products');
  const filtered = (s: (typeof searches)[number]) => nested(s.args.filters, 'in_stock') === true;
  const last = searches.at(-1);
  if (!last?.ok || !searches.every(filtered) || readVariants(last.output).variants.length) return undefined;
  return callTool({ ...ctx, values: { ...ctx.values, inStock: undefined } }, 'search_products', {
    query: String(last.args.query ?? searchQuery(ctx)),
  });
}

/**
 * "A tea kettle that works on an induction stove", "the espresso machine with 19 bar": the first search looks for the
 * product, and its variants show which of the shopper's other words are option values of it ("induction", "19 bar").
 * The search is asked again with them, so that the listing is of the variants asked for, not of the product's
 * cheapest. Words no variant has ("stove", "lattes") stay out: the store would find nothing whole with them.
 */
function narrowStep(ctx: TaskContext): Decision | undefined {
  const searches = ctx.called('search_products');
  if (searches.length !== 1 || !searches[0]!.ok) return undefined;
  const { variants, alternatives } = readVariants(searches[0]!.output);
  const query = String(searches[0]!.args.query ?? '');
  const asked = new Set(rawWords(query).map(stem));
  const e = ctx.entities;
  const given = new Set([...e.sizes, ...e.colours, ...e.materials].flatMap((v) => rawWords(v)).map(stem));
  const valueWords = new Set(
    [...variants, ...alternatives].flatMap((v) => Object.values(v.options).flatMap((val) => rawWords(String(val)))),
  );
  const extra = rawWords(ctx.request).filter(
    (w) => !STOP_WORDS.has(w) && !asked.has(stem(w)) && !given.has(stem(w)) && valueWords.has(w) && !isYesNo(w),
  );
  if (!extra.length) return undefined;
  return callTool(ctx, 'search_products', { query: [query, ...new Set(extra)].join(' ') });
}

/**
 * "Waterproof hiking boots in size 10", "an action camera that is waterproof": the question picks variants (by an option
 * value, or a yes/no option it names), and the search's listing answers it better than the product's document.
 */
function picksVariants(ctx: TaskContext): boolean {
  const e = ctx.entities;
  if (e.sizes.length + e.colours.length + e.materials.length > 0) return true;
  const named = optionNamedIn(ctx.request);
  return ctx
    .called('search_products')
    .some((s) =>
      readVariants(s.output).variants.some((v) =>
        Object.entries(v.options).some(([k, val]) => isYesNo(val) && named(k)),
      ),
    );
}

/** The first product found by a search in this task. */
function foundProductId(ctx: TaskContext): string | undefined {
  for (const s of ctx.called('search_products').reverse()) {
    const v = s.ok ? readVariants(s.output).variants[0] : undefined;
    if (v?.productId) return v.productId;
  }
  return undefined;
}

/**
 * "What sizes do the hiking boots come in?", "the difference between the leather and synthetic ones?": the values of
 * an option, which a search lists only as far as its page goes. The product's details have every variant: they
 * answer it.
 */
function optionValuesStep(ctx: TaskContext): Decision | undefined {
  if (ctx.called('get_product_details').length) return undefined;
  const found = ctx.called('search_products').flatMap((s) => (s.ok ? readVariants(s.output).variants : []));
  // Both values asked at once match no variant whole: the search's nearest options name the product.
  const near = ctx.called('search_products').flatMap((s) => (s.ok ? readVariants(s.output).alternatives : []));
  const productId = ctx.values.productId ?? found[0]?.productId;
  const e = ctx.entities;
  // "Leather or synthetic?": two values of one option, which a search narrowed by both finds neither of whole.
  const compares =
    COMPARES.test(ctx.request) && [e.colours, e.sizes, e.materials].some((values) => new Set(values).size >= 2);
  const product = productId ?? (compares ? near[0]?.productId : undefined);
  // "Are the hiking boots waterproof?": how many are is the product's to say, not a search page's.
  const yesNo = asksYesNo(ctx.request) && new Set(found.map((v) => v.productId)).size === 1;
  // "Which tablet has the biggest screen?": an option's extreme, which a page of variants need not hold.
  const property =
    (propertyAsked(ctx.request) || SUPERLATIVE.test(ctx.request)) && new Set(found.map((v) => v.productId)).size === 1;
  if (!product || !(compares || yesNo || property || optionAskedFor(ctx.request, found))) return undefined;
  return callTool(ctx, 'get_product_details', { product_id: product });
}

const SPEC_WORDS = ['specification', 'detail', 'comparison', 'material', 'size', 'color'].map(stem);

const SHOPPING_TOOLS = [
  'search_products',
  'get_product_details',
  'read_product_document',
  'list_all_product_types',
  'recommend_related',
];
const SHOPPING_INTENTS = ['product_search', 'product_detail', 'recommend'];
/** How many related products to read, of which the reply shows the few that go with what the shopper has. */
const RELATED_READ = 10;

/** Catalogue recipes; undefined when the task is not about products or the card has no catalogue tools. */
export function shoppingRecipe(ctx: TaskContext): Decision | undefined {
  if (!SHOPPING_TOOLS.some((t) => ctx.offered(t))) return undefined;
  if (ADDS_TO_CART.test(ctx.request)) return cartReply(ctx);
  // "How much are they?" after several products were shown: the prices the answer showed them at, not a new search.
  const prices = pricesShown(ctx.request, ctx.lastAnswer);
  if (prices) return reply(`Their prices:\n${prices.join('\n')}`);
  if (!SHOPPING_INTENTS.includes(ctx.intent)) return undefined;
  return shoppingStep(ctx) ?? ANSWER;
}

/** "Add it to my cart", "put the blue one in my basket", "can I check out here?": the shop's cart, not the chat's. */
const ADDS_TO_CART =
  /\b(?:add|put|place|throw|pop)\b[^.?!]{0,40}\b(?:to|in|into)\s+(?:my|the)\s+(?:cart|basket|bag|trolley)\b|\b(?:check ?out|place (?:the|an|my) order)\s+(?:here|in (?:the|this) chat|for me)\b/i;

/**
 * No tool fills the shop's cart: say so, and name the product the talk is about (as the shopper last named it), instead
 * of searching again.
 */
function cartReply(ctx: TaskContext): Decision {
  const named = [extractEntities(ctx.request), ...ctx.transcript.earlierUserTexts.map(extractEntities).reverse()].find(
    (e) => e.products.length,
  );
  const what = named ? `the ${named.products[0]}` : 'it';
  return reply(
    `I can't add things to your cart from this chat: please add ${what} from the product page in the shop. I'm happy to answer anything else about it here.`,
  );
}

/** One product of several asked for at once, with the words said with it ("red sneakers"), searched on its own. */
export interface ProductAsk {
  /** What the answer calls it: the product with its colour or material, as said. */
  label: string;
  /** Asked for by name alone: the answer may call it by the catalogue's name ("Wireless Earbuds" for "earbuds"). */
  plain: boolean;
  query: string;
  filters: { color?: string; size?: string; material?: string };
}

/**
 * "Which is cheaper, the wireless earbuds or the headphones?", "do you have red sneakers or a blue fleece jacket?": two
 * or more products set against each other or asked for side by side, each with what was said with it. Empty for one
 * product, or several in one breath that no "or", "and" or comma separates.
 */
export function productAsks(ctx: TaskContext): ProductAsk[] {
  // "Which is cheaper?" after "do you have headphones or earbuds?": the products of the message before.
  const before = listingBefore(ctx.transcript.earlierUserTexts, ctx.hints.userMessage);
  if (!ctx.entities.products.length && before && SETS_AGAINST.test(ctx.request)) return asksIn(ctx, before, true);
  if (new Set(ctx.entities.products.map((p) => p.toLowerCase())).size < 2) return [];
  const asked =
    (ctx.intent === 'product_search' && SIDE_BY_SIDE.test(ctx.request)) ||
    SETS_AGAINST.test(ctx.request) ||
    /\bwhich\b[^?]*\bor\b/i.test(ctx.request);
  if (!asked) return [];
  return asksIn(ctx, ctx.request, false);
}

function asksIn(ctx: TaskContext, text: string, earlier: boolean): ProductAsk[] {
  const asks: ProductAsk[] = [];
  for (const e of listedProducts(text)) {
    const product = e.products[0]!;
    if (asks.some((a) => a.query.endsWith(product.toLowerCase()))) continue;
    // What the planner's task names is what to look for ("a matching case", not the headphones of the story).
    if (!earlier && !(ctx.values.query ?? '').toLowerCase().includes(product.toLowerCase())) continue;
    const label = [...e.colours, ...e.materials, product].join(' ').toLowerCase();
    const filters = {
      ...(e.colours[0] && { color: e.colours[0] }),
      ...(e.sizes[0] && { size: e.sizes[0] }),
      ...(e.materials[0] && { material: e.materials[0] }),
    };
    asks.push({ label, plain: label === product.toLowerCase(), query: label, filters });
  }
  return asks.length >= 2 ? asks.slice(0, 3) : [];
}

/** Each product asked for is searched on its own: one search for all would find only what names both. */
function compareStep(ctx: TaskContext): Decision | undefined {
  const searched = new Set(ctx.called('search_products').map((s) => String(s.args.query ?? '').toLowerCase()));
  const next = productAsks(ctx).find((a) => !searched.has(a.query));
  return next ? callTool(ctx, 'search_products', { query: next.query, filters: next.filters }) : undefined;
}

function shoppingStep(ctx: TaskContext): Decision | undefined {
  if (productAsks(ctx).length && ctx.offered('search_products'))
    return compareStep(ctx) ?? (ctx.intent === 'recommend' ? undefined : ANSWER);
  if (ctx.intent !== 'recommend') {
    const values = optionValuesStep(ctx);
    if (values) return values;
  }
  switch (ctx.intent) {
    case 'product_search': {
      if (ctx.called('search_products').length || ctx.called('list_all_product_types').length)
        return beyondBudget(ctx) ?? narrowStep(ctx) ?? outOfStock(ctx);
      return searchStep(ctx);
    }
    case 'product_detail': {
      // Found only past the budget: the answer is what they cost, not one product's details.
      const pastBudget = ctx.values.maxPrice !== undefined && ctx.called('search_products').length > 1;
      const productId = ctx.values.productId ?? (pastBudget ? undefined : foundProductId(ctx));
      const asksSpecs = ctx.features.tokens.some((t) => SPEC_WORDS.includes(t.stem));
      if (productId) {
        if (ctx.called('get_product_details').length || ctx.called('read_product_document').length) return undefined;
        if (!ctx.values.productId && picksVariants(ctx)) return undefined;
        return (
          (asksSpecs ? callTool(ctx, 'read_product_document', { product_id: productId }) : undefined) ??
          callTool(ctx, 'get_product_details', { product_id: productId }) ??
          callTool(ctx, 'read_product_document', { product_id: productId })
        );
      }
      if (ctx.called('search_products').length) return beyondBudget(ctx) ?? narrowStep(ctx);
      return searchStep(ctx);
    }
    case 'recommend': {
      if (ctx.called('recommend_related').length) return undefined;
      // A present with nothing to go with: what the person is into is what to look for, and what is found the answer.
      const interest =
        ctx.entities.products.length + ctx.values.itemIds.length === 0 && !ctx.values.productId
          ? giftInterest(ctx)
          : undefined;
      if (interest && ctx.offered('search_products'))
        return ctx.called('search_products').length
          ? undefined
          : callTool(ctx, 'search_products', { query: interest, limit: 50 });
      // "A good gift for a 10 year old": who it is for, but nothing of what they like to search for.
      if (!interest && isGiftRequest(ctx) && !ctx.entities.products.length && !ctx.values.itemIds.length)
        return reply(
          "Happy to help you find a gift. What are they into (sports, games, music, cooking, the outdoors...), and is there a budget? I'll suggest a few things from there.",
        );
      // More than are shown: the reply keeps those that go with the product (goesWith).
      if (ctx.values.itemIds.length)
        return callTool(ctx, 'recommend_related', { item_ids: ctx.values.itemIds, limit: RELATED_READ });
      const productId =
        ctx.values.productId ??
        foundProductId(ctx) ??
        (ctx.entities.products.length ? undefined : runProductIds(ctx).productId);
      if (productId) return callTool(ctx, 'recommend_related', { product_id: productId, limit: RELATED_READ });
      if (ctx.entities.products.length && ctx.offered('search_products')) {
        if (!ctx.called('search_products').length) return searchStep(ctx);
        // "Recommend a good laptop under 1000" with none that cheap: what the cheapest cost.
        const past = beyondBudget(ctx);
        if (past) return past;
      }
      if (!ctx.offered('recommend_related')) return undefined;
      return ctx.called('search_products').length
        ? undefined
        : reply('Which product would you like suggestions for? Tell me what you bought or are looking at.');
    }
    default:
      return undefined;
  }
}
