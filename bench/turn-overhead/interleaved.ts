import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { TurnServer } from './graphql-turn.js';
import { machineLine, ms, summarize, table } from './stats.js';

/**
 * (c) of this checkout against another checkout, turn by turn in one run:
 *
 *   tsx bench/turn-overhead/interleaved.ts --against ../baseline [--turns 1000] [--warmup 200] [--pg <url>]
 *
 * Both servers run side by side (each in its own process, on its own fresh database: PGlite, or
 * PostgreSQL with --pg or TEST_DATABASE_URL), and one client sends their turns in alternation, A B B A A B
 * …, so that whatever else the shared machine does falls on both alike. Separate runs of (c), even
 * alternated, moved by 0.75–2.2× between a commit and itself a minute apart on this machine; turn by
 * turn, both see the same minute. Prints each one's p50, p99 and server CPU a turn, and the ratios.
 * `--against` is a checkout with its dependencies installed (`git worktree add`, then install).
 */
const { values: args } = parseArgs({
  options: {
    against: { type: 'string' },
    turns: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '200' },
    pg: { type: 'string' },
  },
});

async function main(): Promise<void> {
  if (!args.against) throw new Error('--against <checkout>: the other checkout to measure (with its dependencies)');
  const turns = Number(args.turns);
  const warmup = Number(args.warmup);
  if (!Number.isInteger(turns) || turns < 2 || !Number.isInteger(warmup) || warmup < 0)
    throw new Error('--turns: an integer ≥ 2; --warmup: an integer ≥ 0');
  const databaseUrl = args.pg ?? process.env.TEST_DATABASE_URL;
  console.log('# (c) interleaved: this checkout (A) against', args.against, '(B)');
  console.log(machineLine());
  console.log(`database: ${databaseUrl ? 'PostgreSQL' : 'PGlite'}; load average at start: ${loadavg()[0]!.toFixed(2)}`);

  const servers: TurnServer[] = [];
  try {
    servers.push(await TurnServer.start({ databaseUrl }));
    servers.push(await TurnServer.start({ databaseUrl, checkout: args.against }));
    const [a, b] = servers as [TurnServer, TurnServer];
    for (let i = 0; i < warmup; i++) {
      await a.turn();
      await b.turn();
    }
    await a.mark();
    await b.mark();
    const samples: [number[], number[]] = [[], []];
    // A B, then B A: neither always runs right after the other's turn.
    for (let i = 0; i < turns; i++) {
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) samples[k]!.push(await servers[k]!.turn());
    }
    const cpu = [(await a.check()).cpuMs / turns, (await b.check()).cpuMs / turns];
    const [sa, sb] = [summarize(samples[0]), summarize(samples[1])];
    console.log('');
    console.log(
      table(
        ['', 'turns', 'p50', 'p99', 'mean', 'server cpu/turn'],
        [
          ['A this checkout', String(sa.turns), ms(sa.p50), ms(sa.p99), ms(sa.mean), ms(cpu[0]!)],
          [`B ${args.against}`, String(sb.turns), ms(sb.p50), ms(sb.p99), ms(sb.mean), ms(cpu[1]!)],
        ],
      ),
    );
    console.log('');
    console.log(
      `A/B: p50 ${(sa.p50 / sb.p50).toFixed(3)}, mean ${(sa.mean / sb.mean).toFixed(3)}, server cpu/turn ${(cpu[0]! / cpu[1]!).toFixed(3)}`,
    );
    console.log(`load average at end: ${loadavg()[0]!.toFixed(2)}`);
    for (const s of servers) await s.stop();
  } finally {
    for (const s of servers) s.kill();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
