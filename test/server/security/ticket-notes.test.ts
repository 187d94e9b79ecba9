import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const START = 'mutation { startConversation { conversation { id } token } }';
const REQUEST = 'mutation($id: ID!) { requestHuman(conversationId: $id, reason: "refund") { ticket { id } } }';
const NOTE =
  'mutation($id: ID!, $note: String!) { updateTicket(id: $id, input: { internalNote: $note }) { internalNote } }';
const READ = 'query($id: ID!) { conversation(id: $id) { ownership { ticket { id summary internalNote } } } }';

type Read = { conversation: { ownership: { ticket: { id: string; summary: string; internalNote: string | null } } } };

/**
 * A ticket's internal note is for colleagues ("never shown to the shopper"). The conversation's own token reads its
 * hand-off's ticket through `Conversation.ownership`, and read the note with it, as it reads nothing else of the
 * desk's: a hand-back's note is withheld from it too.
 */
describe("a ticket's internal note is not the shopper's to read", () => {
  let t: TestApp;
  let admin = '';
  let dana = '';
  let integrator = '';
  let conversationId = '';
  let shopper = '';
  const secret = 'Refund denied: third claim this year, watch for fraud';

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys' },
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    dana = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      undefined,
      integrator,
    );
    conversationId = started.data!.startConversation.conversation.id;
    shopper = started.data!.startConversation.token;
    const asked = await t.gql<{ requestHuman: { ticket: { id: string } } }>(REQUEST, { id: conversationId }, shopper);
    expect(asked.errors).toBeUndefined();
    const noted = await t.gql(NOTE, { id: asked.data!.requestHuman.ticket.id, note: secret }, dana);
    expect(noted.errors).toBeUndefined();
  });
  afterAll(() => t.close());

  it("refuses the conversation's token the note: FORBIDDEN naming internalNote, the rest of the ticket still read", async () => {
    const r = await t.gql<Read>(READ, { id: conversationId }, shopper);
    expect(JSON.stringify(r)).not.toContain('fraud');
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect(r.errors![0]!.extensions!.field).toBe('internalNote');
    expect(r.data!.conversation.ownership.ticket.internalNote).toBeNull();
    expect(r.data!.conversation.ownership.ticket.summary).toBeTypeOf('string');
  });

  it('still shows it to colleagues, admins and integrator keys', async () => {
    for (const key of [dana, admin, integrator]) {
      const r = await t.gql<Read>(READ, { id: conversationId }, key);
      expect(r.errors).toBeUndefined();
      expect(r.data!.conversation.ownership.ticket.internalNote).toBe(secret);
    }
  });
});
