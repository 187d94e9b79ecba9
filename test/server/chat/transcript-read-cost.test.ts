import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranscriptEvents } from '../../../server/src/chat/chat-state-loader.js';
import type { Database } from '../../../server/src/db/client.js';
import { RunRepository } from '../../../server/src/db/run-repository.js';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../helpers/test-database.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Shared Hit Blocks'?: number;
  Plans?: PlanNode[];
}

/** The plan of the statement `read` makes, executed (EXPLAIN ANALYZE), with the blocks it touched. */
async function explain(database: Database, read: (explaining: Database) => Promise<unknown>): Promise<PlanNode> {
  let plan: PlanNode | undefined;
  const explaining: Pick<Database, 'query' | 'kind'> = {
    kind: database.kind,
    async query<T>(text: string, params: readonly unknown[] = []) {
      const [row] = await database.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `explain (analyze, buffers, format json) ${text}`,
        params,
      );
      plan = row!['QUERY PLAN'][0].Plan;
      return [] as T[];
    },
  };
  await read(explaining as Database);
  return plan!;
}

const explainTranscriptRead = (database: Database, conversationId: string) =>
  explain(database, (explaining) => loadTranscriptEvents({ database: explaining }, conversationId));

const seqScansOf = (node: PlanNode): string[] => [
  ...(node['Node Type'] === 'Seq Scan' ? [node['Relation Name']!] : []),
  ...(node.Plans ?? []).flatMap(seqScansOf),
];

const indexesOf = (node: PlanNode): string[] => [
  ...(node['Index Name'] ? [node['Index Name']] : []),
  ...(node.Plans ?? []).flatMap(indexesOf),
];

/**
 * A turn's reads of its own conversation must not grow with everyone else's. A message's transcript read scanned the
 * events of those types of every conversation (events_type_id_idx, ANDed in beside the conversation's own index), and
 * hashed the whole `runs` table to order them; the look-up for the conversation's next run ANDed in the index of every
 * active run (runs_status_lease_idx).
 */
describe.skipIf(testDatabaseKind !== 'postgres')('a turn’s reads of its conversation', () => {
  let db: TestDatabase;
  let runs: RunRepository;
  const newConversation = async () => {
    const [row] = await db.database.query<{ id: string }>(
      'insert into conversations (token_hash) values (md5(random()::text)) returning id',
    );
    return row!.id;
  };
  const talk = async (conversationId: string, turns: number) => {
    for (let i = 0; i < turns; i++) {
      const { run } = await runs.enqueue(conversationId, `question ${i}`, 'AUTO');
      await runs.append(
        [
          {
            type: 'TOOL_CALL',
            conversationId,
            runId: run.id,
            data: { tool: 'store.get_order_details', callId: `c${i}`, arguments: {}, durationMs: 1 },
          },
          {
            type: 'MESSAGE',
            conversationId,
            runId: run.id,
            data: { role: 'assistant', text: `answer ${i}`, final: true },
          },
        ],
        { id: run.id, status: 'COMPLETED', finished: true },
      );
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new RunRepository(db.database);
  });
  afterAll(() => db?.dispose());

  it('touches as many blocks with 300 other conversations in the log as with none, through the conversation’s index', async () => {
    const mine = await newConversation();
    await talk(mine, 4);
    const alone = await explainTranscriptRead(db.database, mine);
    // Bulk history of other conversations, in the shape of real turns (no ANALYZE since: as on a busy day).
    await db.database.query(
      `insert into conversations (token_hash, last_seq) select md5(g::text), 30 from generate_series(1, 300) g`,
    );
    // Ten runs each, three events a run, the last one still RUNNING.
    await db.database.query(
      `insert into runs (conversation_id, status, created_at)
      select c.id, case when r = 10 then 'RUNNING' else 'COMPLETED' end, now() - (10 - r) * interval '1 minute'
      from conversations c, generate_series(1, 10) r where c.id <> $1::uuid`,
      [mine],
    );
    await db.database.query(
      `insert into events (conversation_id, seq, run_id, type, data)
      select r.conversation_id, 3 * (row_number() over (partition by r.conversation_id order by r.created_at) - 1) + s,
        r.id, case s % 3 when 0 then 'MESSAGE' when 1 then 'TOOL_CALL' else 'TASK_COMPLETED' end,
        jsonb_build_object('role', 'user', 'text', 'hello')
      from runs r, generate_series(1, 3) s where r.conversation_id <> $1::uuid`,
      [mine],
    );
    const busy = await explainTranscriptRead(db.database, mine);
    expect(indexesOf(busy)).not.toContain('events_type_id_idx');
    // Each event's run is looked up by its key: `runs` as a whole (3,000 rows) is never scanned.
    expect(seqScansOf(busy)).not.toContain('runs');
    // What is left grows with the depth of the indexes, not with their rows: each key look-up may cost one more
    // page (33 → 39 blocks here, 29 → 43 in one CI run), where reading the whole table or the type index cost more
    // than twice as many blocks as reading alone (16 → 43 before 3a005cd and 4f8a3fb).
    expect(busy['Shared Hit Blocks']!).toBeLessThan(2 * alone['Shared Hit Blocks']!);
  });

  it('finds the conversation’s active run through its own index, with 300 other conversations running', async () => {
    // Runs after the one above, each with its own runs (above) RUNNING: the status index holds 300 active runs.
    const mine = await newConversation();
    await talk(mine, 2);
    const plan = await explain(db.database, (explaining) => new RunRepository(explaining).oldestActive(mine));
    expect(indexesOf(plan)).toEqual(['runs_conversation_idx']);
    expect(plan['Shared Hit Blocks']!).toBeLessThanOrEqual(10);
  });
});
