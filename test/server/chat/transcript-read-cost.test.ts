import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranscriptEvents } from '../../../server/src/chat/chat-state-loader.js';
import type { Database } from '../../../server/src/db/client.js';
import { RunRepository } from '../../../server/src/db/run-repository.js';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../helpers/test-database.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Shared Hit Blocks'?: number;
  Plans?: PlanNode[];
}

/** The transcript read's plan, executed (EXPLAIN ANALYZE), with the blocks it touched. */
async function explainTranscriptRead(database: Database, conversationId: string): Promise<PlanNode> {
  let plan: PlanNode | undefined;
  const explaining: Pick<Database, 'query'> = {
    async query<T>(text: string, params: readonly unknown[] = []) {
      const [row] = await database.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `explain (analyze, buffers, format json) ${text}`,
        params,
      );
      plan = row!['QUERY PLAN'][0].Plan;
      return [] as T[];
    },
  };
  await loadTranscriptEvents({ database: explaining as Database }, conversationId);
  return plan!;
}

const indexesOf = (node: PlanNode): string[] => [
  ...(node['Index Name'] ? [node['Index Name']] : []),
  ...(node.Plans ?? []).flatMap(indexesOf),
];

/**
 * A message's transcript read, on every turn's path, scanned the events of those types of every conversation
 * (events_type_id_idx, ANDed in beside the conversation's own index): its cost grew with the whole log.
 */
describe.skipIf(testDatabaseKind !== 'postgres')('a conversation’s transcript read', () => {
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
    await db.database.query(
      `insert into events (conversation_id, seq, type, data)
      select c.id, s, case s % 3 when 0 then 'MESSAGE' when 1 then 'TOOL_CALL' else 'TASK_COMPLETED' end,
        jsonb_build_object('role', 'user', 'text', 'hello')
      from conversations c, generate_series(1, 30) s where c.id <> $1::uuid`,
      [mine],
    );
    const busy = await explainTranscriptRead(db.database, mine);
    expect(indexesOf(busy)).not.toContain('events_type_id_idx');
    expect(busy['Shared Hit Blocks']!).toBeLessThanOrEqual(alone['Shared Hit Blocks']! + 10);
  });
});
