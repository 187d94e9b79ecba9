import { z } from 'zod';
import { validateEmail } from '../email-validation.js';
import { searchKnowledge } from '../knowledge.js';
import { createLead, subscribeBackInStock } from '../leads.js';
import { ticketPriorities } from '../schema/index.js';
import { createTicket, transferToHumanAgents } from '../tickets.js';
import { requestUserInfo, userInfoFields } from '../user-info-form.js';
import { assertConversationMayWrite } from './conversation-write-guard.js';
import { type StoreTool, storeTool } from './store-tool.js';

const email = z.string().min(1).describe('Email address, e.g. "jane@example.com".');

/** Knowledge base, lead capture and hand-over to humans. */
export const supportTools: StoreTool[] = [
  storeTool({
    name: 'search_knowledge',
    description:
      "Search the store's knowledge base (returns, exchanges, cancellation, shipping, payment methods, gift cards, sizing, warranty, business hours, privacy, ...). Returns the best matching articles with their full text.",
    input: {
      query: z.string().min(1).describe('The question, in plain words.'),
      limit: z.number().int().min(1).max(10).optional().describe('How many articles (default 3).'),
    },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: async (db, args) => ({ results: await searchKnowledge(db, args.query, args.limit ?? 3) }),
  }),
  storeTool({
    name: 'validate_email',
    description:
      'Check an email address: syntax, and whether it is a disposable (throwaway) address. No email is sent.',
    input: { email },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: async (_db, args) => validateEmail(args.email),
  }),
  storeTool({
    name: 'create_lead',
    description:
      'Store a sales lead: a validated email address and what the shopper is interested in (newsletter, a product, a bulk order...).',
    input: {
      email,
      interest: z
        .string()
        .min(1)
        .describe('What the shopper wants to hear about, e.g. "newsletter" or "bulk order of 50 office chairs".'),
      product_id: z.string().min(1).optional().describe('The product they are interested in, if any.'),
    },
    readOnly: false,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: async (tx, args, ctx) => {
      await assertConversationMayWrite(tx, ctx, 'create_lead');
      return createLead(tx, ctx, args);
    },
  }),
  storeTool({
    name: 'subscribe_back_in_stock',
    description: 'Email the shopper when an out-of-stock item (a variant, by item id) is available again.',
    input: { email, item_id: z.string().min(1).describe('The out-of-stock item id, e.g. "3631875806".') },
    readOnly: false,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: (tx, args) => subscribeBackInStock(tx, args),
  }),
  storeTool({
    name: 'create_ticket',
    description:
      'Create a support ticket for a human colleague, with a short summary of the issue and a priority. The identified customer is attached automatically; add contact details the shopper gave.',
    input: {
      summary: z.string().min(1).describe('Two or three sentences a colleague can act on.'),
      priority: z
        .enum(ticketPriorities)
        .describe('"urgent" for safety, fraud or legal issues; "high" for upset customers or money at stake.'),
      customer_name: z.string().optional(),
      customer_email: z.string().optional(),
      customer_phone: z.string().optional(),
    },
    readOnly: false,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: async (tx, args, ctx) => {
      await assertConversationMayWrite(tx, ctx, 'create_ticket');
      return createTicket(tx, ctx, args);
    },
  }),
  storeTool({
    name: 'transfer_to_human_agents',
    description:
      'Transfer the customer to a human agent, with a summary of the issue. Use only when the customer asks for a person or the request cannot be handled with the other tools.',
    input: { summary: z.string().min(1).describe("A summary of the customer's issue for the human agent.") },
    readOnly: false,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: async (tx, args, ctx) => {
      await assertConversationMayWrite(tx, ctx, 'transfer_to_human_agents');
      return transferToHumanAgents(tx, ctx, args);
    },
  }),
  storeTool({
    name: 'request_user_info',
    description:
      "Ask the shopper for details through a form the chat shows (email, name, zip, order number, phone, address...). Returns the form definition; the answers arrive as the shopper's next message.",
    input: {
      fields: z.array(z.enum(userInfoFields)).min(1).describe('Required fields.'),
      optional_fields: z.array(z.enum(userInfoFields)).optional(),
      reason: z.string().optional().describe('One sentence telling the shopper why the details are needed.'),
    },
    readOnly: true,
    identity: { minimumLevel: 'anonymous', readsPersonalData: false },
    run: async (_db, args) => requestUserInfo(args),
  }),
];
