import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import { WITHDRAWN_CONFIRMATION } from '../../../server/src/desk/desk-service.js';
import { createModelProvider } from '../../../server/src/models/create-model-provider.js';
import { tickets } from '../../../server/src/store/schema/tickets.js';
import { subscribe } from '../../helpers/subscribe.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';

interface EventView {
  id: string;
  type: string;
  agentName: string | null;
  data: Record<string, unknown>;
}

const START =
  'mutation($customer: String) { startConversation(input: { customerId: $customer }) { conversation { id } token } }';
const REQUEST = 'mutation($id: ID!) { requestHuman(conversationId: $id, reason: "Parcel never came") { state } }';
const WITHDRAW =
  'mutation($id: ID!) { withdrawHumanRequest(conversationId: $id) { state requestedBy ticket { id status } } }';
const CLAIM = 'mutation($id: ID!) { claimConversation(conversationId: $id) { state human } }';
const CLAIM_AFTER =
  'mutation($id: ID!, $withdrawal: ID) { claimConversation(conversationId: $id, afterWithdrawal: $withdrawal) { state human } }';
const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';
const EVENTS =
  'query($id: ID!) { conversation(id: $id) { ownership { state } events { id type agentName data: dataJson } } }';

type Withdrawn = {
  withdrawHumanRequest: { state: string; requestedBy: string; ticket: { id: string; status: string } };
};

describe('a shopper withdraws their request for a person', () => {
  let t: TestApp;
  let admin = '';
  let dana = '';
  let sam = '';
  let integrator = '';

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_MODE: 'keys', SEED_DEMO_DATA: 'true' },
      models: createModelProvider(loadConfig({ MODEL_PROVIDER: 'offline' })),
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    dana = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    sam = (await t.app.services.apiKeys.create('Sam', 'support')).key;
    integrator = (await t.app.services.apiKeys.create('helpdesk', 'integrator')).key;
  }, 60_000);
  afterAll(() => t.close());

  /** A conversation whose shopper asked for a person: it waits for a colleague, with its ticket. */
  const waiting = async (customer?: string) => {
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      { customer },
      integrator,
    );
    const id = started.data!.startConversation.conversation.id;
    const token = started.data!.startConversation.token;
    const asked = await t.gql<{ requestHuman: { state: string } }>(REQUEST, { id }, token);
    expect(asked.data!.requestHuman.state).toBe('WAITING_FOR_HUMAN');
    return { id, token };
  };
  const conversation = async (id: string) => {
    const r = await t.gql<{ conversation: { ownership: { state: string }; events: EventView[] } }>(
      EVENTS,
      { id },
      admin,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.conversation;
  };
  const ticketsOf = (id: string) => t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, id));
  const queue = async () => {
    const r = await t.gql<{ deskQueue: { conversationId: string }[] }>('{ deskQueue { conversationId } }', {}, dana);
    return r.data!.deskQueue.map((o) => o.conversationId);
  };
  const send = (id: string, token: string, text: string) =>
    t.gql<{ sendMessage: { id: string } | null }>(SEND, { id, text }, token);

  it('by the mutation: the bot owns it again, the ticket is closed with a note, the queue drops it, the shopper is told', async () => {
    const { url } = await t.app.start(0, '127.0.0.1');
    const { id, token } = await waiting();
    expect(await queue()).toContain(id);
    const live = subscribe(
      'ws',
      url,
      'subscription { deskQueue { conversationId state } }',
      {},
      (d) => d.deskQueue as { conversationId: string; state: string },
      dana,
    );
    const feed = subscribe(
      'sse',
      url,
      'subscription { eventFeed(after: "0", types: [HUMAN_REQUEST_WITHDRAWN]) { type conversationId data: dataJson } }',
      {},
      (d) => d.eventFeed as { type: string; conversationId: string; data: Record<string, unknown> },
      integrator,
    );
    try {
      // The subscription is open once it answers: a message the shopper writes while waiting is seen.
      await expect
        .poll(
          async () => {
            await send(id, token, 'Is anyone there?');
            return live.items.length;
          },
          { interval: 250, timeout: 10_000 },
        )
        .toBeGreaterThan(0);
      const before = new Date();
      const r = await t.gql<Withdrawn>(WITHDRAW, { id }, token);
      expect(r.errors).toBeUndefined();
      expect(r.data!.withdrawHumanRequest).toMatchObject({ state: 'BOT', ticket: { status: 'closed' } });

      const c = await conversation(id);
      expect(c.ownership.state).toBe('BOT');
      const [withdrawn, confirmation] = c.events.slice(-2);
      expect(withdrawn).toMatchObject({
        type: 'HUMAN_REQUEST_WITHDRAWN',
        agentName: 'shopper',
        data: { by: 'shopper', via: 'api', ticketId: r.data!.withdrawHumanRequest.ticket.id },
      });
      expect(confirmation).toMatchObject({
        type: 'MESSAGE',
        agentName: 'Desk',
        data: { role: 'assistant', text: WITHDRAWN_CONFIRMATION },
      });

      const [ticket] = await ticketsOf(id);
      expect(ticket!.status).toBe('closed');
      const at = /at (\S+Z)/.exec(ticket!.internalNote ?? '');
      expect(ticket!.internalNote).toMatch(/withdrawn by the shopper/i);
      expect(new Date(at![1]!).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);

      expect(await queue()).not.toContain(id);
      await expect.poll(() => live.items.filter((o) => o.conversationId === id).at(-1)?.state).toBe('BOT');
      // Integrators read it on the feed (and webhooks carry it: every stored type but SUGGESTION).
      await expect
        .poll(() => feed.items.find((e) => e.conversationId === id)?.data, { timeout: 10_000 })
        .toMatchObject({ by: 'shopper', via: 'api' });
    } finally {
      live.stop();
      feed.stop();
    }

    // The next message runs the bot again.
    const next = await send(id, token, 'What is your return policy?');
    expect(next.data!.sendMessage).not.toBeNull();
    expect((await waitForRun(t.app, next.data!.sendMessage!.id)).status).toBe('COMPLETED');
  });

  it('a second withdrawal changes nothing and answers the current state', async () => {
    const { id, token } = await waiting();
    expect((await t.gql<Withdrawn>(WITHDRAW, { id }, token)).data!.withdrawHumanRequest.state).toBe('BOT');
    const count = (await conversation(id)).events.length;
    const again = await t.gql<Withdrawn>(WITHDRAW, { id }, token);
    expect(again.errors).toBeUndefined();
    expect(again.data!.withdrawHumanRequest.state).toBe('BOT');
    expect((await conversation(id)).events).toHaveLength(count);
    // Nothing to claim any more: the colleague is told why.
    const claim = await t.gql(CLAIM, { id }, dana);
    expect(errorCode(claim)).toBe('CONFLICT');
    expect(claim.errors![0]!.extensions).toMatchObject({ field: 'conversationId', reason: 'WITHDRAWN' });
    // Asked for again, it waits and can be claimed as any request.
    expect((await t.gql<{ requestHuman: { state: string } }>(REQUEST, { id }, token)).data!.requestHuman.state).toBe(
      'WAITING_FOR_HUMAN',
    );
    expect((await t.gql(CLAIM, { id }, dana)).errors).toBeUndefined();
    expect((await ticketsOf(id)).map((k) => k.status).sort()).toEqual(['closed', 'open']);
  });

  it('a colleague who names the withdrawal they saw takes the conversation over anyway; the bot stops answering', async () => {
    const { id, token } = await waiting();
    expect((await t.gql<Withdrawn>(WITHDRAW, { id }, token)).errors).toBeUndefined();
    const withdrawal = (await conversation(id)).events.findLast((e) => e.type === 'HUMAN_REQUEST_WITHDRAWN')!;
    // A claim of the waiting request loses, and says which withdrawal to name.
    const plain = await t.gql(CLAIM, { id }, dana);
    expect(errorCode(plain)).toBe('CONFLICT');
    expect(plain.errors![0]!.extensions).toMatchObject({ reason: 'WITHDRAWN', withdrawalEventId: withdrawal.id });

    const taken = await t.gql<{ claimConversation: { state: string; human: string } }>(
      CLAIM_AFTER,
      { id, withdrawal: withdrawal.id },
      dana,
    );
    expect(taken.errors).toBeUndefined();
    expect(taken.data!.claimConversation).toEqual({ state: 'HUMAN', human: 'Dana' });
    const c = await conversation(id);
    expect(c.events.at(-1)).toMatchObject({ type: 'HUMAN_JOINED', agentName: 'Dana' });
    // Dana owns it now: a second colleague's claim naming the same withdrawal loses, the shopper's message waits for her.
    const second = await t.gql(CLAIM_AFTER, { id, withdrawal: withdrawal.id }, sam);
    expect(errorCode(second)).toBe('CONFLICT');
    expect(second.errors![0]!.extensions).toMatchObject({ owner: 'Dana' });
    expect((await send(id, token, 'where is my order?')).data!.sendMessage).toBeNull();
  });

  it('a claim naming a withdrawal the shopper asked and withdrew again since loses; naming the latest wins', async () => {
    const { id, token } = await waiting();
    expect((await t.gql<Withdrawn>(WITHDRAW, { id }, token)).errors).toBeUndefined();
    expect((await t.gql(REQUEST, { id }, token)).errors).toBeUndefined();
    expect((await t.gql<Withdrawn>(WITHDRAW, { id }, token)).errors).toBeUndefined();
    const [first, latest] = (await conversation(id)).events.filter((e) => e.type === 'HUMAN_REQUEST_WITHDRAWN');
    const stale = await t.gql(CLAIM_AFTER, { id, withdrawal: first!.id }, dana);
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.extensions).toMatchObject({ reason: 'WITHDRAWN', withdrawalEventId: latest!.id });
    expect((await conversation(id)).ownership.state).toBe('BOT');
    expect((await t.gql(CLAIM_AFTER, { id, withdrawal: latest!.id }, dana)).errors).toBeUndefined();
    expect((await conversation(id)).ownership.state).toBe('HUMAN');
  });

  it('afterWithdrawal names a withdrawal of this conversation, or the claim is refused', async () => {
    const { id, token } = await waiting();
    const other = await waiting();
    expect((await t.gql<Withdrawn>(WITHDRAW, { id: other.id }, other.token)).errors).toBeUndefined();
    const elsewhere = (await conversation(other.id)).events.findLast((e) => e.type === 'HUMAN_REQUEST_WITHDRAWN')!;
    const request = (await conversation(id)).events.findLast((e) => e.type === 'HUMAN_REQUESTED')!;
    expect((await t.gql<Withdrawn>(WITHDRAW, { id }, token)).errors).toBeUndefined();
    for (const withdrawal of [elsewhere.id, request.id, 'x1']) {
      const r = await t.gql(CLAIM_AFTER, { id, withdrawal }, dana);
      expect(errorCode(r), withdrawal).toBe('VALIDATION_FAILED');
      expect(r.errors![0]!.extensions).toMatchObject({ field: 'afterWithdrawal' });
    }
    expect((await conversation(id)).ownership.state).toBe('BOT');
  });

  it('once a colleague claimed it, the shopper cannot withdraw it, and "never mind" goes to the colleague', async () => {
    const { id, token } = await waiting();
    expect((await t.gql(CLAIM, { id }, dana)).errors).toBeUndefined();
    const r = await t.gql(WITHDRAW, { id }, token);
    expect(errorCode(r)).toBe('CONFLICT');
    expect(r.errors![0]!.message).toMatch(/Dana has already taken this conversation/);
    expect(r.errors![0]!.extensions).toMatchObject({ field: 'conversationId', owner: 'Dana' });

    const sent = await send(id, token, 'never mind');
    expect(sent.data!.sendMessage).toBeNull();
    const c = await conversation(id);
    expect(c.ownership.state).toBe('HUMAN');
    expect(c.events.some((e) => e.type === 'HUMAN_REQUEST_WITHDRAWN')).toBe(false);
    expect(c.events.at(-1)).toMatchObject({ type: 'MESSAGE', data: { role: 'user', text: 'never mind' } });
    expect((await ticketsOf(id))[0]!.status).toBe('open');
  });

  it('a token for another conversation cannot withdraw this one; the integrator can, for the shopper', async () => {
    const { id } = await waiting();
    const other = await waiting();
    expect(errorCode(await t.gql(WITHDRAW, { id }, other.token))).toBe('FORBIDDEN');
    expect((await conversation(id)).ownership.state).toBe('WAITING_FOR_HUMAN');
    expect(errorCode(await t.gql(WITHDRAW, { id: 'not-a-uuid' }, other.token))).toBe('NOT_FOUND');

    const r = await t.gql<Withdrawn>(WITHDRAW, { id }, integrator);
    expect(r.data!.withdrawHumanRequest.state).toBe('BOT');
    const withdrawn = (await conversation(id)).events.find((e) => e.type === 'HUMAN_REQUEST_WITHDRAWN')!;
    expect(withdrawn.data).toMatchObject({ by: 'integrator key "helpdesk"', via: 'api' });
    expect((await ticketsOf(id))[0]!.internalNote).toMatch(/withdrawn by integrator key "helpdesk" for the shopper/i);
  });

  it('a withdrawal racing a claim: exactly one of them wins, and the row and the events agree', async () => {
    const winners = new Set<string>();
    const later = <T>(ms: number, f: () => Promise<T>) => new Promise<T>((r) => setTimeout(() => r(f()), ms));
    for (let round = 0; round < 8; round++) {
      const { id, token } = await waiting();
      // Either may reach the database first: the claim is sent up to a few milliseconds after the withdrawal.
      const [withdraw, claim] = await Promise.all([
        t.gql<Withdrawn>(WITHDRAW, { id }, token),
        later(round, () => t.gql(CLAIM, { id }, round % 2 ? dana : sam)),
      ]);
      const won = [withdraw, claim].filter((r) => !r.errors);
      expect(won).toHaveLength(1);
      expect([withdraw, claim].filter((r) => r.errors).map(errorCode)).toEqual(['CONFLICT']);
      const c = await conversation(id);
      const types = c.events.map((e) => e.type);
      if (!withdraw.errors) {
        winners.add('withdraw');
        expect(c.ownership.state).toBe('BOT');
        expect(types).toContain('HUMAN_REQUEST_WITHDRAWN');
        expect(types).not.toContain('HUMAN_JOINED');
        expect((await ticketsOf(id))[0]!.status).toBe('closed');
      } else {
        winners.add('claim');
        expect(c.ownership.state).toBe('HUMAN');
        expect(types).toContain('HUMAN_JOINED');
        expect(types).not.toContain('HUMAN_REQUEST_WITHDRAWN');
        expect((await ticketsOf(id))[0]!.status).toBe('open');
      }
    }
    console.log(`[withdraw race] winners seen: ${[...winners].join(', ')}`);
  });

  it('by a message that only withdraws: no run, the request is withdrawn, the shopper is told, the next message runs the bot', async () => {
    const { id, token } = await waiting();
    const sent = await send(id, token, "Actually never mind, I don't need a person anymore. Thanks!");
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendMessage).toBeNull();
    const c = await conversation(id);
    expect(c.ownership.state).toBe('BOT');
    expect(c.events.slice(-3).map((e) => [e.type, e.agentName, e.data.role ?? e.data.via])).toEqual([
      ['MESSAGE', null, 'user'],
      ['HUMAN_REQUEST_WITHDRAWN', 'shopper', 'message'],
      ['MESSAGE', 'Desk', 'assistant'],
    ]);
    expect(c.events.at(-1)!.data.text).toBe(WITHDRAWN_CONFIRMATION);
    expect(c.events.some((e) => e.type === 'RUN_STARTED')).toBe(false);
    expect((await ticketsOf(id))[0]!.status).toBe('closed');
    expect(await queue()).not.toContain(id);

    const next = await send(id, token, 'Do you sell hiking boots?');
    expect(next.data!.sendMessage).not.toBeNull();
    expect((await waitForRun(t.app, next.data!.sendMessage!.id)).status).toBe('COMPLETED');
  });

  it('"never mind, where is my order?" withdraws the request and the bot answers the question', async () => {
    const { id, token } = await waiting('emma_brown_8847');
    const sent = await send(id, token, 'never mind, where is my order #W6460787?');
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendMessage).not.toBeNull();
    const run = await waitForRun(t.app, sent.data!.sendMessage!.id);
    expect(run.status).toBe('COMPLETED');
    const c = await conversation(id);
    expect(c.ownership.state).toBe('BOT');
    const withdrawn = c.events.findIndex((e) => e.type === 'HUMAN_REQUEST_WITHDRAWN');
    expect(c.events[withdrawn]!.data).toMatchObject({ by: 'shopper', via: 'message' });
    const after = c.events.slice(withdrawn + 1).filter((e) => e.type === 'MESSAGE');
    // The shopper's message, the confirmation, and the bot's answer to the question.
    expect(after[0]!.data).toMatchObject({ role: 'user', text: 'never mind, where is my order #W6460787?' });
    expect(after[1]).toMatchObject({ agentName: 'Desk', data: { text: WITHDRAWN_CONFIRMATION } });
    const reply = after.findLast((e) => e.data.final === true)!;
    expect(String(reply.data.text)).toMatch(/W6460787/);
    expect(String(reply.data.text)).toMatch(/not shipped/i);
    expect(c.events.filter((e) => e.type === 'HUMAN_REQUESTED')).toHaveLength(1);
  });

  it('a message that only mentions "never mind" inside a request for the colleague stays with them', async () => {
    const { id, token } = await waiting();
    for (const text of [
      'Never mind the refund, I need the colleague to change my delivery address',
      'never mind, I will wait for someone',
      'Can you tell them never mind about the exchange?',
    ]) {
      const sent = await send(id, token, text);
      expect(sent.data!.sendMessage).toBeNull();
    }
    const c = await conversation(id);
    expect(c.ownership.state).toBe('WAITING_FOR_HUMAN');
    expect(c.events.some((e) => e.type === 'HUMAN_REQUEST_WITHDRAWN')).toBe(false);
    expect(await queue()).toContain(id);
  });
});
