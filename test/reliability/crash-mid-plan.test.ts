import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { EventStore } from '../../server/src/db/event-store.js';
import { storeLeads, tickets } from '../../server/src/store/schema/index.js';
import {
  type RecordedRequest,
  type ScriptedOpenAIServer,
  type ScriptedReply,
  startScriptedOpenAIServer,
} from '../fakes/scripted-openai-server.js';
import { crashTestEnv, gqlOver, type ServerProcess, startServer, stopServer } from '../helpers/server-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
const EMAIL = 'jane.doe@gmail.com';
const tasks = [
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
    dependsOn: [],
  },
];

const lastUser = (request: RecordedRequest) => {
  const messages = request.body.messages as { role: string; content: unknown }[];
  const at = messages.map((m) => m.role).lastIndexOf('user');
  return {
    task: String(messages[at]?.content ?? ''),
    results: messages.slice(at + 1).filter((m) => m.role === 'tool'),
  };
};

describe('a server killed while its plan streams', () => {
  if (!postgresUrl) {
    it.skip('needs PostgreSQL: set TEST_DATABASE_URL (the crash test does not run on PGlite)', () => {});
    return;
  }
  let fake: ScriptedOpenAIServer;
  let db: TestDatabase;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await stopServer(s);
    await fake?.close();
    await db?.dispose();
  });

  it('is resumed by a new process: the planner runs again, the task that already ran does not', async () => {
    db = await createTestDatabase();
    fake = await startScriptedOpenAIServer();
    let plannerCalls = 0;
    fake.respondWith((request): ScriptedReply => {
      if (request.agentName === 'PlannerAgent') {
        plannerCalls++;
        // The first owner's planner writes t1 and then stalls: the owner dies before the plan is complete.
        if (plannerCalls === 1)
          return {
            contentAt: [
              { atMs: 0, text: `{"refuse":false,"tasks":[${JSON.stringify(tasks[0])}` },
              { atMs: 60_000, text: `,${JSON.stringify(tasks[1])}]}` },
            ],
          };
        return { json: { refuse: false, tasks } };
      }
      const { task, results } = lastUser(request);
      const newsletter = task.includes('newsletter');
      if (results.length === 0)
        return {
          toolCalls: [
            newsletter
              ? { name: 'store__create_lead', arguments: { email: EMAIL, interest: 'newsletter' } }
              : {
                  name: 'store__create_ticket',
                  arguments: { summary: 'The parcel arrived damaged.', priority: 'high' },
                },
          ],
          delayMs: 50,
        };
      return { content: newsletter ? 'Done: newsletter.' : 'Done: ticket opened.', delayMs: 50 };
    });
    const env = crashTestEnv(db.url!, fake.url);
    const first = await startServer(env);
    servers.push(first);
    const conversationId = (
      await gqlOver<{ startConversation: { conversation: { id: string } } }>(
        first.url,
        'mutation { startConversation { conversation { id } } }',
      )
    ).startConversation.conversation.id;
    const runId = (
      await gqlOver<{ sendMessage: { id: string } }>(
        first.url,
        'mutation($id: ID!) { sendMessage(conversationId: $id, text: "Newsletter please, and my parcel arrived damaged") { id } }',
        { id: conversationId },
      )
    ).sendMessage.id;

    // t1 finishes while the planner still streams; then the owner dies.
    const store = new EventStore(db.database);
    await until(async () => (await store.list({ runId })).some((e) => e.type === 'TASK_COMPLETED'), first);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const left = await store.list({ runId });
    expect(left.filter((e) => e.type === 'PLAN')).toEqual([]);
    expect(left.filter((e) => e.type === 'TASK_STARTED').map((e) => e.taskId)).toEqual(['t1']);

    const second = await startServer(env);
    servers.push(second);
    await until(async () => (await store.list({ runId })).some((e) => e.type === 'RUN_COMPLETED'), second);

    const mine = await store.list({ runId });
    const count = (type: string, taskId?: string) =>
      mine.filter((e) => e.type === type && (taskId === undefined || e.taskId === taskId)).length;
    expect(plannerCalls).toBe(2);
    expect([count('TASK_STARTED', 't1'), count('TASK_STARTED', 't2')]).toEqual([1, 1]);
    expect([count('TASK_COMPLETED', 't1'), count('TASK_COMPLETED', 't2')]).toEqual([1, 1]);
    expect([count('RUN_STARTED'), count('PLAN'), count('RUN_RESUMED'), count('RUN_COMPLETED')]).toEqual([1, 1, 1, 1]);
    const plan = mine.find((e) => e.type === 'PLAN');
    expect(plan?.type === 'PLAN' && plan.data.plan.tasks.map((t) => t.id)).toEqual(['t1', 't2']);
    // The newsletter agent was asked twice in all (its tool call and its answer): t1 never ran again.
    const leadCalls = fake.requests.filter((r) => r.agentName === 'LeadGenerationAgent');
    expect(leadCalls).toHaveLength(2);
    const leads = await db.database.db.select().from(storeLeads).where(eq(storeLeads.conversationId, conversationId));
    expect(leads.map((l) => l.interest)).toEqual(['newsletter']);
    const opened = await db.database.db.select().from(tickets).where(eq(tickets.conversationId, conversationId));
    expect(opened).toHaveLength(1);
    const done = mine.at(-1);
    expect(done?.type).toBe('RUN_COMPLETED');
    const reply = done?.type === 'RUN_COMPLETED' ? done.data.reply : '';
    expect(reply).toContain('Done: newsletter.');
    expect(reply).toContain('Done: ticket opened.');
  }, 240_000);
});

async function until(check: () => Promise<boolean>, server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out; server output:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
