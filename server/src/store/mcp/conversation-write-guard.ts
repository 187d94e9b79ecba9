import { and, count, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { ConflictError, RateLimitedError } from '../../errors.js';
import { storeLeads } from '../schema/crm.js';
import { tickets } from '../schema/tickets.js';
import type { StoreCallContext } from '../store-call-context.js';
import { refusal, type StoreRefusalReason } from '../store-refusals.js';
import { ticketReference } from '../tickets.js';

/** Sign-ups one conversation may file through /mcp/store. */
export const LEADS_PER_CONVERSATION = 5;

const HAND_OFF_TOOLS = new Set(['create_ticket', 'transfer_to_human_agents']);

/**
 * What a shopper's own conversation token may still write through `/mcp/store`, where no agent and no hand-off rule
 * stands between it and the store: one open ticket per conversation (a second is CONFLICT, naming the open one, as the
 * desk never opens two), and a few sign-ups (RATE_LIMITED). Without it one token filed 51 urgent tickets in a burst and
 * signed up any address it liked, up to its request limit. Runs inside the tool, after an idempotent replay was served.
 */
export async function assertConversationMayWrite(db: DbOrTx, ctx: StoreCallContext, tool: string): Promise<void> {
  const conversationId = ctx.shopperDirect ? ctx.conversationId : undefined;
  if (!conversationId) return;
  if (HAND_OFF_TOOLS.has(tool)) {
    const [open] = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.conversationId, conversationId), ne(tickets.status, 'closed')))
      .limit(1);
    if (open)
      throw new ConflictError(
        `This conversation has an open ticket already (${ticketReference(open.id)}): a colleague answers there.`,
        refusal('TICKET_ALREADY_OPEN', { reference: ticketReference(open.id) }),
      );
  }
  if (tool === 'create_lead') {
    const [filed] = await db
      .select({ n: count() })
      .from(storeLeads)
      .where(eq(storeLeads.conversationId, conversationId));
    if ((filed?.n ?? 0) >= LEADS_PER_CONVERSATION)
      throw new RateLimitedError(`At most ${LEADS_PER_CONVERSATION} sign-ups per conversation.`, 3_600, {
        reason: 'LEAD_LIMIT_REACHED' satisfies StoreRefusalReason,
      });
  }
}
