import { graphqlTurns } from './graphql-turn.js';

/**
 * Where a whole-path turn's database time goes: runs warm-up turns on PGlite, then one traced turn,
 * and prints every SQL statement the server ran for it (the same statements run on PostgreSQL).
 */
const result = await graphqlTurns({ turns: 1, warmup: 20, trace: true });
const statements = result.statements ?? [];
const first = statements[0]?.at ?? 0;
console.log(`# SQL statements of one seed-example turn (PGlite; wall ${result.samples[0]?.toFixed(1)} ms)`);
for (const s of statements)
  console.log(
    `${`+${(s.at - first).toFixed(1)}`.padStart(7)} ms ${s.ms.toFixed(2).padStart(6)} ms  ${s.inTransaction ? '  [tx] ' : ''}${s.sql}`,
  );
const writes = statements.filter(
  (s) => !s.inTransaction && /^(with lock|insert|update|delete|-- the transaction| with target)/i.test(s.sql),
);
console.log(
  `${statements.filter((s) => !s.sql.startsWith('--')).length} statements; ${writes.length} separate write transactions (each a durable commit on PostgreSQL)`,
);
