import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { EXAMPLE, isSeedReply } from '../../test/fakes/seed-scenario.js';

interface FeedEvent {
  conversationId: string;
  runId: string | null;
  type: string;
  data: { reply?: string };
}

export interface GraphqlResult {
  samples: number[];
  database: string;
  /** The server process's CPU time per measured turn. */
  serverCpuPerTurn: number;
  /** With `trace` on PGlite: the SQL statements of the measured turns, ms from the first one. */
  statements?: { sql: string; ms: number; at: number; inTransaction: boolean }[];
  /** PostgreSQL only: p50 of one durable commit and of one read round trip on this machine. */
  probe?: { commitMs: number; readMs: number };
}

const serverEntry = fileURLToPath(new URL('./graphql-server.ts', import.meta.url));

/**
 * (c) The whole path, from the client's side: a shopper's `sendMessage` over HTTP (with its
 * conversation token) until the run's RUN_COMPLETED arrives on a graphql-ws `eventFeed` subscription
 * that receives every stored event. The server runs in its own process (graphql-server.ts). The clock
 * starts just before the mutation is sent; creating the conversation is not timed.
 */
export async function graphqlTurns(options: {
  turns: number;
  warmup: number;
  databaseUrl?: string;
  trace?: boolean;
}): Promise<GraphqlResult> {
  const env = { ...process.env };
  if (options.trace) env.BENCH_TRACE_SQL = '1';
  if (options.databaseUrl) env.TEST_DATABASE_URL = options.databaseUrl;
  else delete env.TEST_DATABASE_URL;
  const server = spawn(process.execPath, [...serverNodeArgs(), '--import', 'tsx', serverEntry], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: server.stdout });
  const next = lineReader(lines, server);
  const ready = await next();
  const [, url, database] = ready.split(' ');
  if (!ready.startsWith('READY') || !url || !database) throw new Error(`graphql server did not start: ${ready}`);
  const endpoint = `${url}/graphql`;

  const waiting = new Map<string, (e: FeedEvent) => void>();
  const client = createClient({ url: endpoint.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  let feedError: unknown;
  const stopFeed = client.subscribe<{ eventFeed: FeedEvent }>(
    // From the first stored event (the database starts empty), replayed and then live: the first turn
    // may be sent before the server has set the subscription up, and must not be missed.
    {
      query:
        'subscription { eventFeed(after: "0") { id conversationId runId taskId agentName type data: dataJson createdAt } }',
    },
    {
      next: ({ data }) => {
        const e = data?.eventFeed;
        if (e?.type === 'RUN_COMPLETED' || e?.type === 'RUN_FAILED') waiting.get(e.conversationId)?.(e);
      },
      error: (err) => {
        feedError = err;
      },
      complete: () => {},
    },
  );

  // The client sends with node:http over one kept-alive connection. It is the measuring instrument, and
  // it shares the two cores with the server it measures: fetch (undici) made each turn about 0.6 ms
  // slower here (p50, three alternating runs), in the client's own CPU, which a real client on another
  // machine would not add.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const gql = <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify({ query, variables });
      const req = request(
        endpoint,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              const body = JSON.parse(Buffer.concat(chunks).toString()) as { data?: T; errors?: unknown };
              if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
              resolve(body.data);
            } catch (err) {
              reject(err);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  let lastRunId = '';
  const turn = async (): Promise<number> => {
    if (feedError) throw new Error(`the event feed failed: ${JSON.stringify(feedError)}`);
    const { startConversation } = await gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
      {},
    );
    const conversationId = startConversation.conversation.id;
    const completed = new Promise<FeedEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no RUN_COMPLETED for ${conversationId} after 10 s`)), 10_000);
      waiting.set(conversationId, (e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
    const started = performance.now();
    const { sendMessage } = await gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id: conversationId, text: EXAMPLE },
      startConversation.token,
    );
    const done = await completed;
    const elapsed = performance.now() - started;
    waiting.delete(conversationId);
    if (done.type !== 'RUN_COMPLETED' || done.runId !== sendMessage.id || !isSeedReply(done.data.reply ?? ''))
      throw new Error(`turn did not answer the seed example: ${JSON.stringify(done)}`);
    lastRunId = sendMessage.id;
    return elapsed;
  };

  try {
    // The warm-up turns' events prove the subscription is live before anything is timed.
    for (let i = 0; i < options.warmup; i++) await turn();
    server.stdin.write('mark\n');
    if ((await next()) !== 'MARKED') throw new Error('the graphql server did not answer mark');
    const samples: number[] = [];
    for (let i = 0; i < options.turns; i++) samples.push(await turn());
    server.stdin.write(`check ${lastRunId}\n`);
    let check = await next();
    let statements: GraphqlResult['statements'];
    if (check.startsWith('TRACE ')) {
      statements = JSON.parse(check.slice(6));
      check = await next();
    }
    if (!check.startsWith('OK ')) throw new Error(`the last turn's events were not all stored: ${check}`);
    const serverCpuPerTurn = Number(check.slice(3)) / options.turns;
    stopFeed();
    await client.dispose();
    server.stdin.write('stop\n');
    let probe: GraphqlResult['probe'];
    for (let line = await next(); line !== ''; line = await next())
      if (line.startsWith('COMMIT ')) probe = JSON.parse(line.slice(7));
    return { samples, database, probe, serverCpuPerTurn, statements };
  } finally {
    stopFeed();
    await client.dispose();
    agent.destroy();
    if (server.exitCode === null) server.kill();
  }
}

/** BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the server process. */
function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** Reads the server's stdout line by line; '' once it has exited. */
function lineReader(lines: Interface, child: ChildProcess): () => Promise<string> {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  lines.on('line', (l) => {
    queue.push(l);
    wake?.();
  });
  lines.on('close', () => {
    closed = true;
    wake?.();
  });
  child.on('exit', () => {
    closed = true;
    wake?.();
  });
  return async () => {
    while (!queue.length && !closed) await new Promise<void>((r) => (wake = r));
    return queue.shift() ?? '';
  };
}
