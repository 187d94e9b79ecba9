import type { Entities } from './entity-extractor.js';
import { listedProducts } from './product-list.js';
import { asksForGift } from './request-cues.js';
import type { TaskIntent } from './task-intent.js';

/** "red sneakers in men's size 9 under $150", from whatever the shopper said about a product. */
export function describeProduct(entities: Entities, fallback = 'products'): string {
  const noun = entities.products[0] ?? fallback;
  const adjectives = [...entities.colours, ...entities.materials].join(' ');
  const parts = [adjectives ? `${adjectives} ${noun}` : noun];
  if (entities.sizes.length)
    parts.push(`in ${entities.fit ? `${entities.fit} ` : ''}size ${entities.sizes.join(' or ')}`);
  if (entities.specs.length) parts.push(`with ${entities.specs.join(', ')}`);
  if (entities.maxPrice !== undefined) parts.push(`under $${entities.maxPrice}`);
  return parts.join(' ');
}

/**
 * "Red sneakers or blue fleece jacket": the products a clause lists side by side (listedProducts), each with what was
 * said with it; undefined for one product.
 */
function productsSideBySide(clause: string, compared: boolean): string | undefined {
  const listed = listedProducts(clause).map((e) => describeProduct(e));
  if (listed.length < 2) return undefined;
  const joiner = /\bor\b/i.test(clause) && !compared ? ' or ' : ' and ';
  return `${listed.slice(0, -1).join(', ')}${joiner}${listed.at(-1)}`;
}

const orderRef = (e: Entities, fallback: string) => (e.orderIds[0] ? `order ${e.orderIds[0]}` : fallback);
const yourOrder = (e: Entities) => (e.orderIds[0] ? `your order ${e.orderIds[0]}` : 'your order');
const theItem = (e: Entities, fallback: string) => (e.products[0] ? `the ${e.products[0]}` : fallback);

/**
 * The task's instruction for the specialist: the clause restated as a job, then the shopper's own
 * words so that nothing they said is lost.
 */
export function writeInstruction(intent: TaskIntent, clause: string, entities: Entities, topic?: string): string {
  const several = ['product_search', 'product_detail'].includes(intent)
    ? productsSideBySide(clause, intent === 'product_detail')
    : undefined;
  // "The difference between the e-reader and the tablet": both are the task's, not the first alone.
  // "A gift for my mom, she loves cooking": there is nothing to go with, but someone to please.
  const gift = intent === 'recommend' && !entities.products.length && asksForGift(clause);
  const job = several
    ? `${intent === 'product_detail' ? 'Compare' : 'Find'} ${several} for the customer.`
    : gift
      ? 'Suggest gift ideas for the person the customer describes.'
      : instructionJob(intent, entities, topic);
  return `${job} The customer wrote: "${clause.trim()}"`;
}

function instructionJob(intent: TaskIntent, e: Entities, topic?: string): string {
  switch (intent) {
    case 'track':
      return `Find the status of ${orderRef(e, "the customer's order")} for the customer.`;
    case 'cancel':
      return `Cancel ${orderRef(e, "the customer's pending order")} for the customer, after confirming.`;
    case 'address':
      return e.orderIds[0]
        ? `Change the shipping address of order ${e.orderIds[0]}.`
        : "Change the customer's address.";
    case 'payment':
      return `Change the payment method of ${orderRef(e, "the customer's pending order")}.`;
    case 'modify_items':
      return `Change ${theItem(e, 'the items')} in ${orderRef(e, "the customer's pending order")}.`;
    case 'return':
      return `Return ${theItem(e, 'the item')} from ${orderRef(e, "the customer's delivered order")}.`;
    case 'exchange':
      return `Exchange ${theItem(e, 'the item')} from ${orderRef(e, "the customer's delivered order")}.`;
    case 'refund':
      return `Help the customer with a refund for ${orderRef(e, 'their order')}.`;
    case 'product_search':
      return `Find ${describeProduct(e)} for the customer.`;
    case 'product_detail':
      return `Give the customer the details of ${e.productIds[0] ? `product ${e.productIds[0]}` : theItem(e, 'the product')}.`;
    case 'recommend':
      return `Recommend products that go well with ${theItem(e, 'what the customer is looking at')}.`;
    case 'restock':
      // "The second one" of the speakers shown: the red one, as the list showed it.
      return `Sign the customer up for a back-in-stock alert for ${e.products[0] ? `the ${describeProduct(e)}` : 'the product'}.`;
    case 'newsletter':
      return 'Sign the customer up for the newsletter and promotions.';
    case 'bulk':
      return "Record the customer's bulk or business enquiry.";
    case 'human':
      return 'Hand the conversation to a human colleague with a short summary.';
    case 'knowledge':
      return `Answer the customer's ${topic ? `${topic} ` : ''}question.`;
    case 'greeting':
      return 'Greet the customer and ask how you can help.';
    default:
      return 'Help the customer with this request.';
  }
}

/** The line shown to the shopper while the task runs. Reads naturally whichever card runs it. */
export function writeStatusMessage(intent: TaskIntent, entities: Entities, topic?: string, clause = ''): string {
  const e = entities;
  const several = ['product_search', 'product_detail'].includes(intent)
    ? productsSideBySide(clause, intent === 'product_detail')
    : undefined;
  if (several) return `${intent === 'product_detail' ? 'Comparing' : 'Looking for'} ${several}...`;
  switch (intent) {
    case 'track':
      return `Checking on the status of ${yourOrder(e)}...`;
    case 'cancel':
      return `Looking at cancelling ${yourOrder(e)}...`;
    case 'address':
      return e.orderIds[0]
        ? `Looking at updating the address on ${yourOrder(e)}...`
        : 'Looking at updating your address...';
    case 'payment':
      return `Looking at the payment method on ${yourOrder(e)}...`;
    case 'modify_items':
      return `Looking at changing the items in ${yourOrder(e)}...`;
    case 'return':
      return e.products[0] ? `Looking into returning your ${e.products[0]}...` : 'Looking into your return...';
    case 'exchange':
      return e.products[0] ? `Looking into exchanging your ${e.products[0]}...` : 'Looking into your exchange...';
    case 'refund':
      return e.orderIds[0] ? `Looking into a refund for ${yourOrder(e)}...` : 'Looking into your refund...';
    case 'product_search':
      return e.products.length ? `Looking for ${describeProduct(e)}...` : 'Searching the catalogue for you...';
    case 'product_detail':
      return e.products[0] ? `Looking up the details of the ${e.products[0]}...` : 'Looking up the product details...';
    case 'recommend':
      return e.products[0]
        ? `Finding products that go well with your ${e.products[0]}...`
        : 'Finding some recommendations for you...';
    case 'restock':
      return e.products[0]
        ? `Setting up a back-in-stock alert for the ${e.products[0]}...`
        : 'Setting up a back-in-stock alert...';
    case 'newsletter':
      return 'Signing you up for updates...';
    case 'bulk':
      return 'Looking into your bulk order enquiry...';
    case 'human':
      return 'Connecting you with a colleague...';
    case 'greeting':
      return 'One moment...';
    default:
      return topic ? `Looking into your ${topic} question...` : 'Looking into your request...';
  }
}
