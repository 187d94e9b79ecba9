import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../../../server/src/store/schema/index.js';
import { createTicket, listTickets, transferToHumanAgents } from '../../../server/src/store/tickets.js';
import { asCustomer, createSeededStore, type SeededStore } from './store-test-kit.js';

describe('tickets', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await createSeededStore();
  });
  afterAll(() => s.dispose());

  it('attaches the identified customer and fills in their name and email', async () => {
    const [userId, user] = Object.entries(s.data.users)[0]!;
    const ticket = await createTicket(s.db, asCustomer(userId), {
      summary: 'Parcel arrived crushed.',
      priority: 'high',
    });
    expect(ticket).toMatchObject({
      status: 'open',
      priority: 'high',
      summary: 'Parcel arrived crushed.',
      customer: { user_id: userId, name: `${user.name.first_name} ${user.name.last_name}`, email: user.email },
    });
  });

  it('keeps contact details the shopper gave when nobody is identified, and refuses a bad email', async () => {
    const ticket = await createTicket(s.db, asCustomer(undefined), {
      summary: 'Wants to talk about a wholesale order.',
      priority: 'low',
      customer_name: 'Ada',
      customer_email: 'ada@example.com',
      customer_phone: '+1 555 0100',
    });
    expect(ticket.customer).toEqual({ user_id: null, name: 'Ada', email: 'ada@example.com', phone: '+1 555 0100' });
    await expect(
      createTicket(s.db, asCustomer(undefined), { summary: 'x', priority: 'low', customer_email: 'not an email' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('transfers to a human with a normal-priority ticket', async () => {
    const result = await transferToHumanAgents(s.db, asCustomer(undefined), { summary: 'Asked for a person.' });
    expect(result.result).toBe('Transfer successful');
    expect(result.ticket.priority).toBe('normal');
  });

  it('lists tickets newest first, by status', async () => {
    const all = await listTickets(s.db);
    expect(all.map((t) => t.summary)).toEqual([
      'Asked for a person.',
      'Wants to talk about a wholesale order.',
      'Parcel arrived crushed.',
    ]);
    expect(await listTickets(s.db, { status: 'closed' })).toEqual([]);
    expect((await listTickets(s.db, { limit: 1 })).map((t) => t.summary)).toEqual(['Asked for a person.']);
  });

  it('gives each ticket a reference for people, and finds tickets by it however it is typed', async () => {
    const ticket = await createTicket(s.db, asCustomer(undefined), { summary: 'Lost parcel.', priority: 'normal' });
    expect(ticket.reference).toBe(`T-${ticket.ticket_id.slice(0, 8).toUpperCase()}`);
    const found = async (reference: string) => (await listTickets(s.db, { reference })).map((t) => t.id);
    for (const typed of [ticket.reference, ticket.reference.toLowerCase(), ` #${ticket.reference} `, ticket.ticket_id])
      expect(await found(typed)).toEqual([ticket.ticket_id]);
    expect(await found(ticket.reference.slice(2))).toEqual([ticket.ticket_id]);
    // Two tickets whose ids share the first 8 digits share a reference: both are found, newest first.
    const twin = `${ticket.ticket_id.slice(0, 8)}-0000-4000-8000-000000000001`;
    await s.db.insert(tickets).values({ id: twin, summary: 'Same reference.', priority: 'low' });
    expect(await found(ticket.reference)).toEqual([twin, ticket.ticket_id]);
    const other = ticket.ticket_id.startsWith('0') ? 'T-10000000' : 'T-00000000';
    expect(await found(other)).toEqual([]);
    for (const bad of ['T-24F9B93', 'T-24F9B93EE', 'ticket 24F9B93E', 'T-ZZZZZZZZ', ''])
      await expect(found(bad)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [expect.objectContaining({ field: 'reference' })],
      });
  });
});
