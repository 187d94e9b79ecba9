import { graphqlTurns } from './graphql-turn.js';

/**
 * Where a whole-path turn's database time goes: runs warm-up turns on PGlite, then one traced turn,
 * and prints every SQL statement the server ran for it (the same statements run on PostgreSQL).
 */
const result = await graphqlTurns({ turns: 1, warmup: 20, trace: true });
// The turn's statements follow the one that creates its conversation, which the benchmark does not time
// (before it, the last warm-up turn's own statements may still be finishing).
const recorded = result.statements ?? [];
const created = recorded.findIndex((s) => s.sql.startsWith('insert into "conversations"'));
const statements = recorded.slice(created + 1);
const first = statements[0]?.at ?? 0;
console.log(
  `# SQL statements of one seed-example turn, sendMessage to RUN_COMPLETED (PGlite; wall ${result.samples[0]?.toFixed(1)} ms)`,
);
for (const s of statements)
  console.log(
    `${`+${(s.at - first).toFixed(1)}`.padStart(7)} ms ${s.ms.toFixed(2).padStart(6)} ms  ${s.inTransaction ? '  [tx] ' : ''}${s.sql}`,
  );
const writes = statements.filter(
  (s) => !s.inTransaction && /^(with lock|with target|insert|update|delete|-- the transaction)/i.test(s.sql),
);
// rate_limits is an unlogged table: its upserts commit without a WAL flush.
const durable = writes.filter((s) => !s.sql.startsWith('insert into rate_limits'));
console.log(
  `${statements.filter((s) => !s.sql.startsWith('--')).length} statements; ${writes.length} separate write transactions, ${durable.length} of them durable commits on PostgreSQL (the rate_limits upserts are to an unlogged table)`,
);
