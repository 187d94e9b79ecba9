import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { type CustomerSessionRow, customerSessions, type VerificationMethod } from '../db/schema/index.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { storeUsers } from '../store/schema/index.js';
import type { CustomerTokenVerifier } from './customer-token.js';

/** A conversation's verified customer, while the verification lasts. */
export interface CustomerSession {
  customerId: string;
  method: VerificationMethod;
  verifiedUntil: Date;
}

/**
 * Verified identity per conversation, with an end: a storefront token's `exp` (or a code's window).
 * Every replica reads it from the database, so an expiry or renewal holds everywhere at once.
 */
export class CustomerSessions {
  constructor(
    private readonly database: Pick<Database, 'db' | 'query'>,
    private readonly tokens: CustomerTokenVerifier,
  ) {}

  /**
   * Verifies a storefront token for use in a conversation: signature, lifetime, issue time, and that
   * its `sub` is a customer of the store. Throws UnauthenticatedError on `field`.
   */
  async verifyToken(token: string, field = 'input.customerToken'): Promise<CustomerSession> {
    const verified = await this.tokens.verify(token);
    const [user] = await this.database.db
      .select({ id: storeUsers.id })
      .from(storeUsers)
      .where(eq(storeUsers.id, verified.customerId))
      .limit(1);
    if (!user)
      throw new UnauthenticatedError('Invalid customer token: its "sub" is not a customer of this store', {
        details: { field },
      });
    return { customerId: verified.customerId, method: 'customer_token', verifiedUntil: verified.expiresAt };
  }

  /** Records (or extends) the conversation's verified customer. */
  async record(conversationId: string, session: CustomerSession): Promise<void> {
    await this.database.db
      .insert(customerSessions)
      .values({ conversationId, ...session })
      .onConflictDoUpdate({
        target: customerSessions.conversationId,
        set: {
          customerId: session.customerId,
          method: session.method,
          verifiedUntil: session.verifiedUntil,
          updatedAt: sql`now()`,
        },
      });
  }

  /**
   * Renews a conversation's verification with a newer token of the same customer. A token of another
   * customer is refused: the conversation's transcript belongs to the first one.
   */
  async renew(conversationId: string, token: string, currentCustomerId: string | null): Promise<CustomerSession> {
    const session = await this.verifyToken(token, 'customerToken');
    const existing = await this.get(conversationId);
    const owner = existing?.customerId ?? currentCustomerId;
    if (owner && owner !== session.customerId)
      throw new ForbiddenError('This conversation belongs to another customer: start a new conversation instead', {
        details: { field: 'customerToken' },
      });
    await this.record(conversationId, session);
    return session;
  }

  /** The stored session, expired or not (undefined when the conversation was never verified this way). */
  async get(conversationId: string): Promise<CustomerSession | undefined> {
    const [row] = await this.database.query<{
      customer_id: string;
      method: VerificationMethod;
      verified_until: Date | string;
    }>('select customer_id, method, verified_until from customer_sessions where conversation_id = $1::uuid', [
      conversationId,
    ]);
    return row
      ? { customerId: row.customer_id, method: row.method, verifiedUntil: new Date(row.verified_until) }
      : undefined;
  }
}

export type { CustomerSessionRow };
