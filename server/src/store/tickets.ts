import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { isUuid } from '../domain/uuid.js';
import { ValidationError } from '../errors.js';
import { validateEmail } from './email-validation.js';
import { storeUsers, type TicketPriority, type TicketRow, type TicketStatus, tickets } from './schema/index.js';
import type { StoreCallContext } from './store-call-context.js';
import { refusal } from './store-refusals.js';

export interface TicketInput {
  summary: string;
  priority: TicketPriority;
  customer_name?: string;
  customer_email?: string;
  customer_phone?: string;
}

export interface TicketOutput {
  ticket_id: string;
  /** What the shopper is told and a colleague can look the ticket up by (ticketReference). */
  reference: string;
  status: TicketStatus;
  priority: TicketPriority;
  summary: string;
  customer: { user_id: string | null; name: string | null; email: string | null; phone: string | null };
  created_at: string;
}

/**
 * A ticket's reference for people: "T-" and the first 8 hex digits of its id, in capitals ("T-24F9B93E"). A UUID
 * cannot be read out over the phone; this can, and it needs no column of its own: the tickets it names are a range
 * of the primary key (ticketIdRange). Among 77,000 tickets two are as likely as not to share one, so a look-up may find several.
 */
export function ticketReference(id: string): string {
  return `T-${id.slice(0, 8).toUpperCase()}`;
}

/**
 * The ids a reference the shopper passed on can name, as an inclusive range: "T-24F9B93E", "t-24f9b93e", "#T-24F9B93E",
 * "24F9B93E", or a whole ticket id. Anything else is a ValidationError on `field`.
 */
export function ticketIdRange(reference: string, field = 'reference'): { from: string; to: string } {
  const text = reference.trim().replace(/^#/, '').toLowerCase();
  if (isUuid(text)) return { from: text, to: text };
  const short = /^(?:t-?)?([0-9a-f]{8})$/.exec(text);
  if (!short)
    throw ValidationError.single(
      field,
      'Expected a ticket reference such as T-24F9B93E (or a whole ticket id).',
      refusal('TICKET_REFERENCE_INVALID'),
    );
  return { from: `${short[1]}-0000-0000-0000-000000000000`, to: `${short[1]}-ffff-ffff-ffff-ffffffffffff` };
}

const toOutput = (t: TicketRow): TicketOutput => ({
  ticket_id: t.id,
  reference: ticketReference(t.id),
  status: t.status,
  priority: t.priority,
  summary: t.summary,
  customer: { user_id: t.customerId, name: t.customerName, email: t.customerEmail, phone: t.customerPhone },
  created_at: t.createdAt.toISOString(),
});

/**
 * create_ticket: a hand-over to a human colleague. The identified customer is attached from the
 * conversation, never from the arguments; their name and email fill in what the agent left out.
 */
export async function createTicket(db: DbOrTx, ctx: StoreCallContext, input: TicketInput): Promise<TicketOutput> {
  const summary = input.summary.trim();
  if (!summary)
    throw ValidationError.single(
      'summary',
      'Summarise the issue for the human colleague.',
      refusal('TICKET_SUMMARY_EMPTY'),
    );
  if (input.customer_email) {
    const check = validateEmail(input.customer_email);
    if (!check.valid && !check.disposable)
      throw ValidationError.single('customer_email', check.reason ?? 'invalid email', refusal('EMAIL_INVALID'));
  }
  const customerId = ctx.customer.customerId ?? null;
  let known: { name: string; email: string } | undefined;
  if (customerId) {
    const [user] = await db
      .select({ first: storeUsers.firstName, last: storeUsers.lastName, email: storeUsers.email })
      .from(storeUsers)
      .where(eq(storeUsers.id, customerId));
    if (user) known = { name: `${user.first} ${user.last}`, email: user.email };
  }
  const [row] = await db
    .insert(tickets)
    .values({
      summary,
      priority: input.priority,
      customerId,
      customerName: input.customer_name?.trim() || known?.name || null,
      customerEmail: input.customer_email?.trim() || known?.email || null,
      customerPhone: input.customer_phone?.trim() || null,
      conversationId: ctx.conversationId ?? null,
      agentName: ctx.agentName ?? null,
    })
    .returning();
  return toOutput(row!);
}

/** transfer_to_human_agents: files a normal-priority ticket and tells the agent the transfer happened. */
export async function transferToHumanAgents(
  db: DbOrTx,
  ctx: StoreCallContext,
  args: { summary: string },
): Promise<{ result: 'Transfer successful'; ticket: TicketOutput }> {
  const ticket = await createTicket(db, ctx, { summary: args.summary, priority: 'normal' });
  return { result: 'Transfer successful', ticket };
}

/** Tickets newest first, optionally by status or reference (ticketIdRange); `before` pages on created_at. */
export async function listTickets(
  db: DbOrTx,
  options: { status?: TicketStatus; limit?: number; before?: Date; reference?: string } = {},
): Promise<TicketRow[]> {
  const where: SQL[] = [];
  if (options.reference !== undefined) {
    const range = ticketIdRange(options.reference);
    where.push(gte(tickets.id, range.from), lte(tickets.id, range.to));
  }
  if (options.status) where.push(eq(tickets.status, options.status));
  if (options.before) where.push(lt(tickets.createdAt, options.before));
  return db
    .select()
    .from(tickets)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 200));
}
