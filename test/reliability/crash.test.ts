import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { EventStore } from '../../server/src/db/event-store.js';
import type { BatonEvent } from '../../server/src/domain/events.js';
import { storeLeads, tickets } from '../../server/src/store/schema/index.js';
import {
  type RecordedRequest,
  type ScriptedOpenAIServer,
  type ScriptedReply,
  startScriptedOpenAIServer,
} from '../fakes/scripted-openai-server.js';
import { crashTestEnv, gqlOver, type ServerProcess, startServer, stopServer } from '../helpers/server-process.js';
import { type Collected, subscribe } from '../helpers/subscribe.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const postgresUrl = process.env.TEST_DATABASE_URL;

const EMAIL = 'jane.doe@gmail.com';
/** Three tasks in a chain, each calling one write tool of the real store. */
const plan = {
  refuse: false,
  tasks: [
    {
      id: 't1',
      agent: 'LeadGenerationAgent',
      instruction: `Sign ${EMAIL} up for the newsletter`,
      statusMessage: 'Signing you up...',
      dependsOn: [],
    },
    {
      id: 't2',
      agent: 'HumanTransferAgent',
      instruction: 'Open a ticket about the parcel that arrived damaged',
      statusMessage: 'Passing this to a colleague...',
      dependsOn: ['t1'],
    },
    {
      id: 't3',
      agent: 'LeadGenerationAgent',
      instruction: `Record a bulk order enquiry for 50 office chairs from ${EMAIL}`,
      statusMessage: 'Noting your enquiry...',
      dependsOn: ['t2'],
    },
  ],
};
const writes: Record<string, { name: string; arguments: Record<string, string> }> = {
  newsletter: { name: 'store__create_lead', arguments: { email: EMAIL, interest: 'newsletter' } },
  ticket: {
    name: 'store__create_ticket',
    arguments: { summary: 'The parcel arrived damaged; the shopper wants a replacement.', priority: 'high' },
  },
  bulk: { name: 'store__create_lead', arguments: { email: EMAIL, interest: 'bulk order of 50 office chairs' } },
};

/** The latest user message (the task's framing) and the tool results after it. */
function taskView(request: RecordedRequest) {
  const messages = request.body.messages as { role: string; content: unknown }[];
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  return {
    task: String(messages[lastUser]?.content ?? ''),
    results: messages.slice(lastUser + 1).filter((m) => m.role === 'tool').length,
  };
}

const EVENTS = `subscription($id: ID!, $after: ID) {
  conversationEvents(conversationId: $id, after: $after) { id type runId taskId }
}`;
type WireEvent = { id: string | null; type: string; runId: string | null; taskId: string | null };

describe('a server killed mid-run', () => {
  if (!postgresUrl) {
    console.warn('crash test skipped: it needs PostgreSQL (set TEST_DATABASE_URL); PGlite is single-process');
    it.skip('needs PostgreSQL: set TEST_DATABASE_URL (the crash test does not run on PGlite)', () => {});
    return;
  }

  let fake: ScriptedOpenAIServer;
  let db: TestDatabase;
  const servers: ServerProcess[] = [];
  const subs: Collected<WireEvent>[] = [];
  afterAll(async () => {
    for (const s of subs) s.stop();
    for (const s of servers) await stopServer(s);
    await fake?.close();
    await db?.dispose();
  });

  it('is resumed by a new process from the last completed task: no write twice, no event lost or duplicated', async () => {
    db = await createTestDatabase();
    fake = await startScriptedOpenAIServer();
    let first: ServerProcess | undefined;
    let killed!: () => void;
    const killedDuringTask2 = new Promise<void>((r) => {
      killed = r;
    });
    fake.respondWith((request): ScriptedReply => {
      const delayMs = 150;
      if (request.agentName === 'PlannerAgent') return { json: plan, delayMs };
      const { task, results } = taskView(request);
      const write = task.includes('newsletter')
        ? writes.newsletter!
        : task.includes('bulk')
          ? writes.bulk!
          : writes.ticket!;
      if (results === 0) return { toolCalls: [{ name: write.name, arguments: write.arguments }], delayMs };
      // Task 2's second model call comes after its ticket was written and its TOOL_CALL stored: kill the owner here.
      if (write === writes.ticket && first?.child.exitCode === null && first.child.signalCode === null) {
        first.child.kill('SIGKILL');
        killed();
        return { content: 'never delivered', delayMs: 10_000 };
      }
      return { content: `Done: ${write.arguments.interest ?? 'ticket opened'}.`, delayMs };
    });
    const env = crashTestEnv(db.url!, fake.url);

    first = await startServer(env);
    servers.push(first);
    const conversationId = (
      await gqlOver<{ startConversation: { conversation: { id: string } } }>(
        first.url,
        'mutation { startConversation { conversation { id } } }',
      )
    ).startConversation.conversation.id;
    const live = subscribe('ws', first.url, EVENTS, { id: conversationId }, (d) => d.conversationEvents as WireEvent);
    subs.push(live);
    await new Promise((r) => setTimeout(r, 300));
    const runId = (
      await gqlOver<{ sendMessage: { id: string } }>(
        first.url,
        'mutation($id: ID!) { sendMessage(conversationId: $id, text: "Newsletter please, a damaged parcel, and 50 chairs") { id } }',
        { id: conversationId },
      )
    ).sendMessage.id;
    await killedDuringTask2;
    await new Promise((r) => first!.child.once('exit', r));
    live.stop();
    const seenBefore = live.items.filter((e) => e.id !== null);
    const lastSeen = seenBefore.at(-1)?.id;
    expect(seenBefore.map((e) => e.type)).toContain('TASK_STARTED');

    // What the dead process left: task 1 done, task 2's ticket written, the run still RUNNING under its lease.
    const store = new EventStore(db.database);
    const leftBehind = await store.list({ runId });
    expect(leftBehind.filter((e) => e.type === 'TASK_COMPLETED').map((e) => e.taskId)).toEqual(['t1']);
    expect(toolCalls(leftBehind).map((e) => e.taskId)).toEqual(['t1', 't2']);

    const second = await startServer(env);
    servers.push(second);
    const resumed = subscribe(
      'ws',
      second.url,
      EVENTS,
      { id: conversationId, after: lastSeen },
      (d) => d.conversationEvents as WireEvent,
    );
    subs.push(resumed);
    await waitUntil(
      () => resumed.items.some((e) => e.type === 'RUN_COMPLETED'),
      60_000,
      () => second.output(),
    );
    await new Promise((r) => setTimeout(r, 300));
    resumed.stop();

    const log = await store.list({ conversationId });
    const mine = log.filter((e) => e.runId === runId);
    const status = await gqlOver<{ run: { status: string } }>(
      second.url,
      'query($id: ID!) { run(id: $id) { status } }',
      {
        id: runId,
      },
    );
    expect(status.run.status).toBe('COMPLETED');
    expect(mine.filter((e) => e.type === 'RUN_COMPLETED')).toHaveLength(1);
    expect(mine.at(-1)?.type).toBe('RUN_COMPLETED');
    const final = mine.at(-1);
    const reply = final?.type === 'RUN_COMPLETED' ? final.data.reply : '';
    expect(reply).toContain('Done: newsletter.');
    expect(reply).toContain('Done: ticket opened.');
    expect(reply).toContain('Done: bulk order of 50 office chairs.');

    // Each task's write ran exactly once: count the store's rows.
    const leads = await db.database.db.select().from(storeLeads).where(eq(storeLeads.conversationId, conversationId));
    expect(leads.map((l) => l.interest).sort()).toEqual(['bulk order of 50 office chairs', 'newsletter']);
    const opened = await db.database.db.select().from(tickets).where(eq(tickets.conversationId, conversationId));
    expect(opened).toHaveLength(1);

    // The log: completed tasks never re-ran, the interrupted one restarted once, one TOOL_CALL per write.
    const started = (id: string) => mine.filter((e) => e.type === 'TASK_STARTED' && e.taskId === id).length;
    expect([started('t1'), started('t3')]).toEqual([1, 1]);
    expect(started('t2')).toBeLessThanOrEqual(2);
    expect(toolCalls(mine).map((e) => e.taskId)).toEqual(['t1', 't2', 't3']);
    expect(mine.filter((e) => e.type === 'TASK_COMPLETED').map((e) => e.taskId)).toEqual(['t1', 't2', 't3']);
    const resumedEvents = mine.filter((e) => e.type === 'RUN_RESUMED');
    expect(resumedEvents).toHaveLength(1);
    expect(resumedEvents[0]?.type === 'RUN_RESUMED' && resumedEvents[0].data.fromTaskIds).toEqual(['t2', 't3']);
    expect(mine.filter((e) => e.type === 'RUN_STARTED' || e.type === 'PLAN')).toHaveLength(2);

    // Subscribers: what the first process delivered, then the second from `after`, is the whole log once.
    const delivered = [...seenBefore, ...resumed.items.filter((e) => e.id !== null)].map((e) => Number(e.id));
    expect(delivered).toEqual(log.map((e) => e.id));
    expect(resumed.items.filter((e) => e.id !== null).some((e) => e.type === 'RUN_RESUMED')).toBe(true);
  }, 240_000);
});

const toolCalls = (events: BatonEvent[]) =>
  events.filter((e) => e.type === 'TOOL_CALL' && e.agentName !== 'KnowledgeRetriever');

async function waitUntil(check: () => boolean, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; server output:\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
