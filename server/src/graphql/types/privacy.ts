import { z } from 'zod';
import type { ErasureReceipt } from '../../privacy/customer-data.js';
import { builder } from '../builder.js';

const TableCountRef = builder.objectRef<{ table: string; rows: number }>('ErasedTable').implement({
  fields: (t) => ({
    table: t.exposeString('table'),
    rows: t.exposeInt('rows', { description: 'Rows deleted.' }),
  }),
});

const ErasureReceiptRef = builder.objectRef<ErasureReceipt>('ErasureReceipt').implement({
  description: 'What eraseCustomer deleted. The audit row (`auditId`) keeps the counts, never the customer id.',
  fields: (t) => ({
    auditId: t.exposeID('auditId'),
    erasedAt: t.expose('erasedAt', { type: 'DateTime' }),
    tables: t.field({
      type: [TableCountRef],
      resolve: (r) => Object.entries(r.counts).map(([table, rows]) => ({ table, rows })),
    }),
    kept: t.exposeStringList('kept', {
      description: "Tables exported but never erased: the shop's own records (profile, payment methods, orders).",
    }),
  }),
});

const customerId = z.string().min(1).max(200);

builder.queryFields((t) => ({
  exportCustomerData: t.field({
    type: 'JSON',
    description:
      'Everything Baton holds on a store customer (GDPR articles 15 and 20), as JSON: `tables` maps each table to its rows (conversations, events, tickets, leads, sessions, …, and the store profile and orders).',
    authScopes: { admin: true },
    args: { customerId: t.arg.string({ required: true, validate: customerId }) },
    resolve: (_r, args, ctx) => ctx.services.customerData.export(String(args.customerId)),
  }),
}));

builder.mutationFields((t) => ({
  eraseCustomer: t.field({
    type: ErasureReceiptRef,
    description:
      "Deletes a store customer's conversations, events, tickets, leads, sessions and rate-limit rows in one transaction (GDPR article 17). Store orders and the profile are the shop's records and stay. Leaves an audit row without personal data.",
    authScopes: { admin: true },
    args: { customerId: t.arg.string({ required: true, validate: customerId }) },
    resolve: (_r, args, ctx) => ctx.services.customerData.erase(String(args.customerId), ctx.auth.describe),
  }),
}));
