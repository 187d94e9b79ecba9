import { eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { conversations } from '../db/schema/conversations.js';
import { erasureAudit } from '../db/schema/privacy.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { storeUsers } from '../store/schema/users.js';
import { rowsOf } from '../store/sql-rows.js';
import type { DataSubject, PersonalDataTable } from './personal-data-tables.js';

/** What exportCustomerData returns: every table's rows about the customer. */
export interface CustomerExport {
  format: 'baton.customer-export/1';
  customerId: string;
  exportedAt: string;
  tables: Record<string, unknown[]>;
}

/** What eraseCustomer returns; the audit row holds the same, without the customer id. */
export interface ErasureReceipt {
  auditId: string;
  erasedAt: Date;
  /** Rows deleted per table. */
  counts: Record<string, number>;
  /** Tables exported but never erased: the shop's own records (profile, orders). */
  kept: string[];
}

export interface CustomerDataDeps {
  db: Db;
  tables: readonly PersonalDataTable[];
  /** Called after an erasure commits with the conversations it deleted (token memos, caches). */
  onConversationsDeleted(ids: readonly string[]): void;
  /** Brings the tables up to date before an export or erasure reads them (counts written behind). */
  beforeRead?(): Promise<void>;
}

/** A store customer id as the API accepts it. */
function checkCustomerId(customerId: string): void {
  if (!customerId.trim() || customerId.length > 200 || /[\p{Cc}]/u.test(customerId))
    throw ValidationError.single('customerId', 'must be 1-200 printable characters');
}

/**
 * GDPR articles 15, 17 and 20 for a store customer: exportCustomerData (everything Baton holds on the
 * customer, as JSON) and eraseCustomer (deletes it in one transaction, keeps the shop's own records,
 * leaves an audit row without personal data). Which tables take part is `tables`' business.
 */
export class CustomerData {
  constructor(private readonly deps: CustomerDataDeps) {}

  async export(customerId: string): Promise<CustomerExport> {
    checkCustomerId(customerId);
    const { db, tables } = this.deps;
    await this.deps.beforeRead?.();
    const subject = await locate(db, customerId);
    const out: Record<string, unknown[]> = {};
    for (const table of tables) out[table.name] = await table.export(db, subject);
    if (Object.values(out).every((rows) => rows.length === 0)) throw notFound(customerId);
    return { format: 'baton.customer-export/1', customerId, exportedAt: new Date().toISOString(), tables: out };
  }

  async erase(customerId: string, requestedBy: string): Promise<ErasureReceipt> {
    checkCustomerId(customerId);
    const { db, tables } = this.deps;
    await this.deps.beforeRead?.();
    const { receipt, conversationIds } = await db.transaction(async (tx) => {
      const subject = await locate(tx, customerId);
      // Lock the conversations first: a turn appending to one finishes before, or finds it gone after.
      if (subject.conversationIds.length)
        await tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(inArray(conversations.id, subject.conversationIds))
          .for('update');
      const counts: Record<string, number> = {};
      for (const table of tables) if (table.erase) counts[table.name] = await table.erase(tx, subject);
      const isCustomer = subject.emails.length > 0;
      if (!isCustomer && Object.values(counts).every((n) => n === 0)) throw notFound(customerId);
      const [audit] = await tx.insert(erasureAudit).values({ requestedBy, counts }).returning();
      return {
        receipt: {
          auditId: audit!.id,
          erasedAt: audit!.erasedAt,
          counts,
          kept: tables.filter((t) => !t.erase).map((t) => t.name),
        },
        conversationIds: subject.conversationIds,
      };
    });
    this.deps.onConversationsDeleted(conversationIds);
    return receipt;
  }
}

const notFound = (customerId: string) =>
  new NotFoundError(`No customer ${customerId}: not in the store and no data held`, {
    details: { field: 'customerId' },
  });

/** The customer's email and every conversation that acted for them, however they were identified. */
async function locate(db: DbOrTx, customerId: string): Promise<DataSubject> {
  const [user] = await db.select({ email: storeUsers.email }).from(storeUsers).where(eq(storeUsers.id, customerId));
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      select id::text as id from conversations where customer_id = ${customerId}
      union select conversation_id::text from customer_sessions where customer_id = ${customerId}
      union select conversation_id::text from events
        where type = 'TOOL_CALL' and data->>'identifiedCustomerId' = ${customerId}`),
  );
  return {
    customerId,
    emails: user ? [user.email.toLowerCase()] : [],
    conversationIds: [...new Set(rows.map((r) => r.id))].sort(),
  };
}
