import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeskActor } from '../../../server/src/desk/desk-actor.js';
import { createTicket } from '../../../server/src/store/tickets.js';
import { LateBus } from '../../fakes/late-bus.js';
import { type TestApp, waitForRun } from '../../helpers/test-app.js';
import { testDatabaseKind } from '../../helpers/test-database.js';
import { createTwoReplicas, type TwoReplicas } from '../../helpers/two-replicas.js';

const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';
const TRANSCRIPT = `query($id: ID!) { conversation(id: $id) {
  events { type agentName runId data: dataJson } ownership { state } } }`;

type Ev = { type: string; agentName: string | null; runId: string | null; data: Record<string, unknown> };

const dana: DeskActor = { id: 'key:dana', name: 'Dana', admin: false };

/**
 * Two replicas on one database; B hears of A's ownership changes late (its bus keeps them back). Whatever B's memory
 * says, a shopper's message through B goes where the conversation's owner row says: to the desk while a colleague owns
 * the conversation or it waits for one, to the planner once it was handed back.
 */
describe('a shopper message through a replica that has not heard of the hand-off yet', () => {
  let replicas: TwoReplicas;
  let a: TestApp;
  let b: TestApp;
  let late: LateBus;
  let support = '';

  beforeAll(async () => {
    replicas = await createTwoReplicas({
      env: { AUTH_MODE: 'keys' },
      busOfB: (shared) => {
        late = new LateBus(shared);
        return late;
      },
    });
    ({ a, b } = replicas);
    support = (await a.app.services.apiKeys.create('Dana', 'support')).key;
  }, 120_000);
  afterAll(() => replicas.close());

  /** What the colleague's Desk transcript shows on A (a support key's read of the conversation's events). */
  const transcript = async (conversationId: string) => {
    const r = await a.gql<{ conversation: { events: Ev[]; ownership: { state: string } } }>(
      TRANSCRIPT,
      { id: conversationId },
      support,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.conversation;
  };
  const send = (conversationId: string, token: string, text: string) =>
    b.gql<{ sendMessage: { id: string } | null }>(SEND, { id: conversationId, text }, token);

  it.each([
    ['waits for a colleague', 'HUMAN_REQUESTED', ['MESSAGE user', 'MESSAGE Desk']],
    ['was claimed', 'HUMAN_JOINED', ['MESSAGE user']],
  ])('held on A, it %s: B holds the message for the desk and no run starts', async (_, last, after) => {
    const { conversation, token } = await a.app.services.conversations.start({});
    const c = conversation.id;
    late.fallBehind();
    try {
      await a.app.services.desk.requestHuman({ conversationId: c, by: 'shopper', reason: 'A refund' });
      if (last === 'HUMAN_JOINED') await a.app.services.desk.claim(c, dana);
      expect(b.app.services.desk.holds(c)).toBe(false);

      const sent = await send(c, token, 'Is anyone there?');
      expect(sent.errors).toBeUndefined();
      expect(sent.data!.sendMessage).toBeNull();
    } finally {
      late.catchUp();
    }
    expect(await a.app.services.conversations.runsOf(c)).toEqual([]);
    const { events } = await transcript(c);
    expect(events.some((e) => e.type === 'RUN_STARTED' || e.type === 'PLAN')).toBe(false);
    const from = events.findIndex((e) => e.type === last);
    expect(events.slice(from + 1).map((e) => `${e.type} ${e.agentName ?? e.data.role}`)).toEqual(after);
    expect(events[from + 1]!.data).toMatchObject({ role: 'user', text: 'Is anyone there?' });
    expect(b.app.services.desk.cache.get(c)).toBe(last === 'HUMAN_JOINED' ? 'HUMAN' : 'WAITING_FOR_HUMAN');
  });

  it('a message that takes back a request B has not heard of withdraws it, as on A', async () => {
    const { conversation, token } = await a.app.services.conversations.start({});
    const c = conversation.id;
    late.fallBehind();
    try {
      await a.app.services.desk.requestHuman({ conversationId: c, by: 'shopper', reason: 'A refund' });
      const sent = await send(c, token, "Actually never mind, I don't need a person anymore. Thanks!");
      expect(sent.errors).toBeUndefined();
      expect(sent.data!.sendMessage).toBeNull();
    } finally {
      late.catchUp();
    }
    expect(await a.app.services.conversations.runsOf(c)).toEqual([]);
    const { events, ownership } = await transcript(c);
    expect(ownership.state).toBe('BOT');
    const from = events.findIndex((e) => e.type === 'HUMAN_REQUESTED');
    expect(events.slice(from + 1).map((e) => `${e.type} ${e.agentName ?? e.data.role}`)).toEqual([
      'MESSAGE user',
      'HUMAN_REQUEST_WITHDRAWN shopper',
      'MESSAGE Desk',
    ]);
  });

  // PostgreSQL gives a statement its snapshot when it starts, before it waits for the conversation's lock: a hand-off
  // that commits in between is not in it. The hand-off here is the one A's requestHuman writes, held in a transaction
  // of another connection until B's message waits behind it.
  it.skipIf(testDatabaseKind !== 'postgres')(
    "a hand-off that commits while B's message waits for the conversation's lock: the message still goes to the desk",
    async () => {
      const { conversation, token } = await a.app.services.conversations.start({});
      const c = conversation.id;
      const { ticket_id: ticketId } = await createTicket(
        a.app.services.db,
        { customer: { verified: false }, conversationId: c, agentName: 'HumanTransferAgent' },
        { summary: 'A refund', priority: 'normal' },
      );
      const other = postgres(replicas.db.url!, { max: 1, onnotice: () => {} });
      let sent: ReturnType<typeof send> | undefined;
      try {
        await other.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(hashtextextended(${c}::text, 0))`;
          sent = send(c, token, 'Is anyone there?');
          // B's statement has its snapshot and waits for the lock.
          await vi.waitFor(
            async () => {
              const [w] = await tx`select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database
                where l.locktype = 'advisory' and not l.granted and d.datname = current_database()`;
              expect(w!.n).toBe(1);
            },
            { timeout: 10_000 },
          );
          await tx`insert into conversation_owners (conversation_id, state, requested_by, reason, ticket_id, requested_at, updated_at)
            values (${c}, 'WAITING_FOR_HUMAN', 'shopper', 'A refund', ${ticketId}, now(), now())`;
          const data = JSON.stringify({ by: 'shopper', reason: 'A refund', ticketId });
          await tx`with conv as (update conversations set last_seq = last_seq + 1 where id = ${c} returning id, last_seq)
            insert into events (conversation_id, seq, agent_name, type, data)
            select id, last_seq, 'shopper', 'HUMAN_REQUESTED', ${data}::jsonb from conv`;
        });
        const r = await sent!;
        expect(r.errors).toBeUndefined();
        expect(r.data!.sendMessage).toBeNull();
      } finally {
        await sent?.catch(() => {});
        await other.end();
      }
      expect(await a.app.services.conversations.runsOf(c)).toEqual([]);
      const { events } = await transcript(c);
      expect(events.map((e) => `${e.type} ${e.agentName ?? e.data.role}`)).toEqual([
        'HUMAN_REQUESTED shopper',
        'MESSAGE user',
        'MESSAGE Desk',
      ]);
    },
  );

  // Under `interrupt` (or `reject`) B looks at the conversation's active runs before storing anything: the run that
  // asked for a person is still active until its reply is written, and B must neither stop it nor refuse over it.
  it.each(['interrupt', 'reject'] as const)(
    'double texting %s: B leaves the run that asked for a person alone and holds the message',
    async (policy) => {
      await a.app.services.settings.update({ doubleTexting: policy });
      await expect
        .poll(async () => (await b.app.services.settings.get()).doubleTexting, { timeout: 10_000 })
        .toBe(policy);
      try {
        const { conversation, token } = await a.app.services.conversations.start({});
        const c = conversation.id;
        // A run still active (paused before its first task) when the request for a person lands.
        const run = await a.app.services.runs.submit(c, 'Where is my order?', 'STEP');
        await expect
          .poll(async () => (await a.app.services.conversations.getRun(run.id)).status, { timeout: 10_000 })
          .toBe('PAUSED');
        late.fallBehind();
        try {
          await a.app.services.desk.requestHuman({ conversationId: c, by: 'shopper', reason: 'A refund' });
          const sent = await send(c, token, 'Is anyone there?');
          expect(sent.errors).toBeUndefined();
          expect(sent.data!.sendMessage).toBeNull();
        } finally {
          late.catchUp();
        }
        expect((await a.app.services.conversations.getRun(run.id)).status).toBe('PAUSED');
        const { events } = await transcript(c);
        expect(events.some((e) => e.type === 'RUN_CANCELLED')).toBe(false);
        const from = events.findIndex((e) => e.type === 'HUMAN_REQUESTED');
        expect(events[from + 1]).toMatchObject({ type: 'MESSAGE', data: { role: 'user', text: 'Is anyone there?' } });
        await a.app.services.runs.cancel(run.id);
      } finally {
        await a.app.services.settings.update({ doubleTexting: 'queue' });
        await expect
          .poll(async () => (await b.app.services.settings.get()).doubleTexting, { timeout: 10_000 })
          .toBe('queue');
      }
    },
  );

  it('handed back on A while B still thinks a colleague owns it: the bot answers on B', async () => {
    const { conversation, token } = await a.app.services.conversations.start({});
    const c = conversation.id;
    await a.app.services.desk.requestHuman({ conversationId: c, by: 'shopper', reason: 'A refund' });
    await a.app.services.desk.claim(c, dana);
    await expect.poll(() => b.app.services.desk.cache.get(c), { timeout: 10_000 }).toBe('HUMAN');
    let runId: string;
    late.fallBehind();
    try {
      await a.app.services.desk.handBack(c, dana);
      expect(b.app.services.desk.holds(c)).toBe(true);

      const sent = await send(c, token, 'What are your opening hours?');
      expect(sent.errors).toBeUndefined();
      expect(sent.data!.sendMessage).not.toBeNull();
      runId = sent.data!.sendMessage!.id;
    } finally {
      late.catchUp();
    }
    expect((await waitForRun(b.app, runId)).status).toBe('COMPLETED');
    const { events } = await transcript(c);
    const message = events.find((e) => e.type === 'MESSAGE' && e.data.text === 'What are your opening hours?')!;
    expect(message.runId).toBe(runId);
    const ofRun = events.filter((e) => e.runId === runId).map((e) => e.type);
    expect(ofRun).toEqual(expect.arrayContaining(['RUN_STARTED', 'PLAN', 'RUN_COMPLETED']));
    expect(events.some((e) => e.runId === runId && e.type === 'MESSAGE' && e.data.final === true)).toBe(true);
  });
});
