import { and, asc, type Column, eq, inArray, like, or, SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import {
  conversationOwners,
  conversations,
  customerSessions,
  emailOutbox,
  erasedEvents,
  events,
  rateLimits,
  runs,
  verificationCodes,
  webhookDeliveries,
} from '../db/schema/index.js';
import {
  storeBackInStock,
  storeIdempotency,
  storeLeads,
  storeOrderItems,
  storeOrders,
  storePaymentMethods,
  storePayments,
  storeUsers,
  tickets,
} from '../store/schema/index.js';
import { rowsOf } from '../store/sql-rows.js';

/** Whom an export or an erasure is about, as located before either runs. */
export interface DataSubject {
  customerId: string;
  /** The store profile's email, lower-cased (none when the id is no store customer). */
  emails: string[];
  /** Conversations that acted for the customer: vouched or verified, or identified in the chat. */
  conversationIds: string[];
}

/**
 * One table's share of a customer's data: what exportCustomerData returns from it, and how
 * eraseCustomer removes it. A table without `erase` holds the shop's own records (profile, orders):
 * exported, never erased. New tables that hold personal data add an entry (see `personalDataTables`).
 */
export interface PersonalDataTable {
  name: string;
  export(db: DbOrTx, subject: DataSubject): Promise<unknown[]>;
  /** Deletes the subject's rows inside the erasure's transaction; returns how many went. */
  erase?(tx: DbOrTx, subject: DataSubject): Promise<number>;
}

/** `column in (values)`, false for no values. */
const anyOf = (column: Column | SQL, values: readonly string[]): SQL =>
  !values.length ? sql`false` : column instanceof SQL ? inArray(column, [...values]) : inArray(column, [...values]);
const lowerIn = (column: Column, values: readonly string[]): SQL =>
  values.length ? inArray(sql`lower(${column})`, [...values]) : sql`false`;

const codesOf = (s: DataSubject) =>
  or(eq(verificationCodes.customerId, s.customerId), anyOf(verificationCodes.conversationId, s.conversationIds))!;
const ticketsOf = (s: DataSubject) =>
  or(
    eq(tickets.customerId, s.customerId),
    lowerIn(tickets.customerEmail, s.emails),
    anyOf(tickets.conversationId, s.conversationIds),
  )!;
const leadsOf = (s: DataSubject) =>
  or(
    eq(storeLeads.customerId, s.customerId),
    lowerIn(storeLeads.email, s.emails),
    anyOf(storeLeads.conversationId, s.conversationIds),
  )!;
/** Rate-limit buckets named after the subject's conversations (`conversation:<id>:…`). */
const bucketsOf = (s: DataSubject) =>
  and(
    like(rateLimits.bucket, 'conversation:%'),
    anyOf(sql`split_part(${rateLimits.bucket}, ':', 2)`, s.conversationIds),
  )!;

const count = (rows: readonly unknown[]) => rows.length;

/** The conversation-bound tables, in the order an erasure or a retention purge deletes them. */
export const conversationTables = {
  webhookDeliveries: (tx: DbOrTx, ids: readonly string[]) =>
    tx
      .delete(webhookDeliveries)
      .where(anyOf(webhookDeliveries.conversationId, ids))
      .returning({ id: webhookDeliveries.id })
      .then(count),
  /**
   * The events go, and their feed positions stay behind (erased_events, no content), so an integrator whose
   * cursor is one of them resumes right after it (EventStore.positionOf).
   */
  events: async (tx: DbOrTx, ids: readonly string[]) => {
    if (!ids.length) return 0;
    const [row] = rowsOf<{ n: number }>(
      await tx.execute(sql`with gone as (
        delete from ${events} where ${anyOf(events.conversationId, ids)} returning id, tx
      ), kept as (
        insert into ${erasedEvents} (id, tx) select id, tx from gone on conflict (id) do nothing
      ) select count(*)::int as n from gone`),
    );
    return Number(row?.n ?? 0);
  },
  rateLimits: (tx: DbOrTx, ids: readonly string[]) =>
    tx
      .delete(rateLimits)
      .where(bucketsOf({ customerId: '', emails: [], conversationIds: [...ids] }))
      .returning({ bucket: rateLimits.bucket })
      .then(count),
  /** Runs, ownership and verified sessions go with their conversation (foreign keys, on delete cascade). */
  conversations: (tx: DbOrTx, ids: readonly string[]) =>
    tx.delete(conversations).where(anyOf(conversations.id, ids)).returning({ id: conversations.id }).then(count),
};

/**
 * Every table that holds a customer's data, in erasure order (rows that point at a conversation before
 * the conversation). Tables added later (one-time codes, outboxes) add an entry here; the erasure,
 * the export and their tests cover whatever this list names.
 */
export const personalDataTables: readonly PersonalDataTable[] = [
  {
    name: 'webhook_deliveries',
    export: (db, s) =>
      db
        .select()
        .from(webhookDeliveries)
        .where(anyOf(webhookDeliveries.conversationId, s.conversationIds))
        .orderBy(asc(webhookDeliveries.createdAt)),
    erase: (tx, s) => conversationTables.webhookDeliveries(tx, s.conversationIds),
  },
  {
    name: 'events',
    export: (db, s) =>
      db
        .select({
          id: events.id,
          conversationId: events.conversationId,
          seq: events.seq,
          runId: events.runId,
          taskId: events.taskId,
          agentName: events.agentName,
          type: events.type,
          data: events.data,
          createdAt: events.createdAt,
        })
        .from(events)
        .where(anyOf(events.conversationId, s.conversationIds))
        .orderBy(asc(events.conversationId), asc(events.seq)),
    erase: (tx, s) => conversationTables.events(tx, s.conversationIds),
  },
  {
    name: 'tickets',
    export: (db, s) => db.select().from(tickets).where(ticketsOf(s)).orderBy(asc(tickets.createdAt)),
    erase: (tx, s) => tx.delete(tickets).where(ticketsOf(s)).returning({ id: tickets.id }).then(count),
  },
  {
    name: 'store_leads',
    export: (db, s) => db.select().from(storeLeads).where(leadsOf(s)).orderBy(asc(storeLeads.createdAt)),
    erase: (tx, s) => tx.delete(storeLeads).where(leadsOf(s)).returning({ id: storeLeads.id }).then(count),
  },
  {
    name: 'store_back_in_stock',
    export: (db, s) => db.select().from(storeBackInStock).where(lowerIn(storeBackInStock.email, s.emails)),
    erase: (tx, s) =>
      tx
        .delete(storeBackInStock)
        .where(lowerIn(storeBackInStock.email, s.emails))
        .returning({ id: storeBackInStock.id })
        .then(count),
  },
  {
    // First results of the customer's store writes (they repeat what the write returned).
    name: 'store_idempotency',
    export: (db, s) => db.select().from(storeIdempotency).where(eq(storeIdempotency.customerId, s.customerId)),
    erase: (tx, s) =>
      tx
        .delete(storeIdempotency)
        .where(eq(storeIdempotency.customerId, s.customerId))
        .returning({ key: storeIdempotency.key })
        .then(count),
  },
  {
    // One-time codes: when and how they were used, never their hashes (credentials, not the customer's data).
    name: 'verification_codes',
    export: (db, s) =>
      db
        .select({
          conversationId: verificationCodes.conversationId,
          attempts: verificationCodes.attempts,
          createdAt: verificationCodes.createdAt,
          expiresAt: verificationCodes.expiresAt,
          usedAt: verificationCodes.usedAt,
          lockedUntil: verificationCodes.lockedUntil,
        })
        .from(verificationCodes)
        .where(codesOf(s))
        .orderBy(asc(verificationCodes.createdAt)),
    erase: (tx, s) =>
      tx.delete(verificationCodes).where(codesOf(s)).returning({ id: verificationCodes.id }).then(count),
  },
  {
    // The development outbox (no SMTP_URL): mails to the customer's address.
    name: 'email_outbox',
    export: (db, s) =>
      db.select().from(emailOutbox).where(lowerIn(emailOutbox.to, s.emails)).orderBy(asc(emailOutbox.createdAt)),
    erase: (tx, s) =>
      tx.delete(emailOutbox).where(lowerIn(emailOutbox.to, s.emails)).returning({ id: emailOutbox.id }).then(count),
  },
  {
    name: 'rate_limits',
    export: (db, s) => db.select().from(rateLimits).where(bucketsOf(s)),
    erase: (tx, s) => conversationTables.rateLimits(tx, s.conversationIds),
  },
  {
    // Sessions of the customer in conversations located by other means go with those conversations.
    name: 'customer_sessions',
    export: (db, s) =>
      db
        .select()
        .from(customerSessions)
        .where(
          or(eq(customerSessions.customerId, s.customerId), anyOf(customerSessions.conversationId, s.conversationIds)),
        ),
    erase: (tx, s) =>
      tx
        .delete(customerSessions)
        .where(eq(customerSessions.customerId, s.customerId))
        .returning({ id: customerSessions.conversationId })
        .then(count),
  },
  {
    name: 'runs',
    export: (db, s) =>
      db.select().from(runs).where(anyOf(runs.conversationId, s.conversationIds)).orderBy(asc(runs.createdAt)),
    erase: (tx, s) =>
      tx.delete(runs).where(anyOf(runs.conversationId, s.conversationIds)).returning({ id: runs.id }).then(count),
  },
  {
    name: 'conversation_owners',
    export: (db, s) =>
      db.select().from(conversationOwners).where(anyOf(conversationOwners.conversationId, s.conversationIds)),
    erase: (tx, s) =>
      tx
        .delete(conversationOwners)
        .where(anyOf(conversationOwners.conversationId, s.conversationIds))
        .returning({ id: conversationOwners.conversationId })
        .then(count),
  },
  {
    name: 'conversations',
    // Never the token hash: it is a credential, not the customer's data.
    export: (db, s) =>
      db
        .select({
          id: conversations.id,
          customerId: conversations.customerId,
          title: conversations.title,
          metadata: conversations.metadata,
          createdAt: conversations.createdAt,
          updatedAt: conversations.updatedAt,
        })
        .from(conversations)
        .where(anyOf(conversations.id, s.conversationIds))
        .orderBy(asc(conversations.createdAt)),
    erase: (tx, s) => conversationTables.conversations(tx, s.conversationIds),
  },
  // The shop's own records: exported, kept by an erasure.
  {
    name: 'store_users',
    export: (db, s) => db.select().from(storeUsers).where(eq(storeUsers.id, s.customerId)),
  },
  {
    name: 'store_payment_methods',
    export: (db, s) =>
      db
        .select()
        .from(storePaymentMethods)
        .where(eq(storePaymentMethods.userId, s.customerId))
        .orderBy(asc(storePaymentMethods.seq)),
  },
  {
    name: 'store_orders',
    export: async (db, s) => {
      const orders = await db
        .select()
        .from(storeOrders)
        .where(eq(storeOrders.userId, s.customerId))
        .orderBy(asc(storeOrders.seq));
      const ids = orders.map((o) => o.id);
      const [items, payments] = await Promise.all([
        db
          .select()
          .from(storeOrderItems)
          .where(anyOf(storeOrderItems.orderId, ids))
          .orderBy(asc(storeOrderItems.position)),
        db.select().from(storePayments).where(anyOf(storePayments.orderId, ids)).orderBy(asc(storePayments.position)),
      ]);
      return orders.map((o) => ({
        ...o,
        items: items.filter((i) => i.orderId === o.id),
        payments: payments.filter((p) => p.orderId === o.id),
      }));
    },
  },
];
