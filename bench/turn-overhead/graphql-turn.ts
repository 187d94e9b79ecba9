import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from 'graphql-ws';
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
  const server = await TurnServer.start(options);
  try {
    // The warm-up turns' events prove the subscription is live before anything is timed.
    for (let i = 0; i < options.warmup; i++) await server.turn();
    await server.mark();
    const samples: number[] = [];
    for (let i = 0; i < options.turns; i++) samples.push(await server.turn());
    const { cpuMs, statements } = await server.check();
    const probe = await server.stop();
    return { samples, database: server.database, probe, serverCpuPerTurn: cpuMs / options.turns, statements };
  } finally {
    server.kill();
  }
}

/**
 * One (c) server process and the client that measures it: turns, CPU marks, the stored-events check.
 * `checkout` runs another checkout's graphql-server.ts (with that checkout's own dependencies), so that
 * two commits can be measured turn by turn in one run (interleaved.ts).
 */
export class TurnServer {
  private lastRunId = '';
  private feedError: unknown;
  private readonly waiting = new Map<string, (e: FeedEvent) => void>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private client?: Client;
  private stopFeed = () => {};

  private constructor(
    private readonly child: ChildProcess,
    private readonly next: () => Promise<string>,
    private readonly endpoint: string,
    readonly database: string,
  ) {}

  static async start(options: { databaseUrl?: string; trace?: boolean; checkout?: string }): Promise<TurnServer> {
    const env = { ...process.env };
    if (options.trace) env.BENCH_TRACE_SQL = '1';
    if (options.databaseUrl) env.TEST_DATABASE_URL = options.databaseUrl;
    else delete env.TEST_DATABASE_URL;
    const entry = options.checkout
      ? join(resolve(options.checkout), 'bench/turn-overhead/graphql-server.ts')
      : serverEntry;
    const child = spawn(process.execPath, [...serverNodeArgs(), '--import', 'tsx', entry], {
      env,
      // tsx and the server's packages resolve from the checkout that is measured.
      cwd: options.checkout ? resolve(options.checkout) : undefined,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const next = lineReader(createInterface({ input: child.stdout! }), child);
    const ready = await next();
    const [, url, database] = ready.split(' ');
    if (!ready.startsWith('READY') || !url || !database) {
      child.kill();
      throw new Error(`graphql server did not start: ${ready}`);
    }
    const server = new TurnServer(child, next, `${url}/graphql`, database);
    server.subscribe(feedDataField(options.checkout));
    return server;
  }

  /** One timed turn on a new conversation: sendMessage until its RUN_COMPLETED arrives on the feed. */
  async turn(): Promise<number> {
    if (this.feedError) throw new Error(`the event feed failed: ${JSON.stringify(this.feedError)}`);
    const { startConversation } = await this.gql<{
      startConversation: { conversation: { id: string }; token: string };
    }>('mutation { startConversation { conversation { id } token } }', {});
    const conversationId = startConversation.conversation.id;
    const completed = new Promise<FeedEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no RUN_COMPLETED for ${conversationId} after 10 s`)), 10_000);
      this.waiting.set(conversationId, (e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
    const started = performance.now();
    const { sendMessage } = await this.gql<{ sendMessage: { id: string } }>(
      'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
      { id: conversationId, text: EXAMPLE },
      startConversation.token,
    );
    const done = await completed;
    const elapsed = performance.now() - started;
    this.waiting.delete(conversationId);
    if (done.type !== 'RUN_COMPLETED' || done.runId !== sendMessage.id || !isSeedReply(done.data.reply ?? ''))
      throw new Error(`turn did not answer the seed example: ${JSON.stringify(done)}`);
    this.lastRunId = sendMessage.id;
    return elapsed;
  }

  /** The server starts counting its CPU time (and, traced, its statements). */
  async mark(): Promise<void> {
    this.child.stdin!.write('mark\n');
    if ((await this.next()) !== 'MARKED') throw new Error('the graphql server did not answer mark');
  }

  /** The server's CPU time since mark, after checking that the last turn's events were all stored. */
  async check(): Promise<{ cpuMs: number; statements?: GraphqlResult['statements'] }> {
    this.child.stdin!.write(`check ${this.lastRunId}\n`);
    let check = await this.next();
    let statements: GraphqlResult['statements'];
    if (check.startsWith('TRACE ')) {
      statements = JSON.parse(check.slice(6));
      check = await this.next();
    }
    if (!check.startsWith('OK ')) throw new Error(`the last turn's events were not all stored: ${check}`);
    return { cpuMs: Number(check.slice(3)), statements };
  }

  /** Stops the server; on PostgreSQL, returns what a commit and a read cost there. */
  async stop(): Promise<GraphqlResult['probe']> {
    this.stopFeed();
    await this.client?.dispose();
    this.child.stdin!.write('stop\n');
    let probe: GraphqlResult['probe'];
    for (let line = await this.next(); line !== ''; line = await this.next())
      if (line.startsWith('COMMIT ')) probe = JSON.parse(line.slice(7));
    return probe;
  }

  kill(): void {
    this.stopFeed();
    void this.client?.dispose();
    this.agent.destroy();
    if (this.child.exitCode === null) this.child.kill();
  }

  private subscribe(dataField: string): void {
    const client = createClient({
      url: this.endpoint.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    this.client = client;
    this.stopFeed = client.subscribe<{ eventFeed: FeedEvent }>(
      // From the first stored event (the database starts empty), replayed and then live: the first turn
      // may be sent before the server has set the subscription up, and must not be missed.
      {
        query: `subscription { eventFeed(after: "0") { id conversationId runId taskId agentName type data: ${dataField} createdAt } }`,
      },
      {
        next: ({ data }) => {
          const e = data?.eventFeed;
          if (e?.type === 'RUN_COMPLETED' || e?.type === 'RUN_FAILED') this.waiting.get(e.conversationId)?.(e);
        },
        error: (err) => {
          this.feedError = err;
        },
        complete: () => {},
      },
    );
  }

  // The client sends with node:http over one kept-alive connection. It is the measuring instrument, and
  // it shares the two cores with the server it measures: fetch (undici) made each turn about 0.6 ms
  // slower here (p50, three alternating runs), in the client's own CPU, which a real client on another
  // machine would not add.
  private gql<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const payload = JSON.stringify({ query, variables });
      const req = request(
        this.endpoint,
        {
          method: 'POST',
          agent: this.agent,
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
  }
}

/**
 * The event's data field in a checkout's schema: `dataJson` today; commits before it was renamed
 * (ba57e89, the baseline of the event-path issue) call it `data`.
 */
function feedDataField(checkout?: string): string {
  if (!checkout) return 'dataJson';
  const schema = readFileSync(join(resolve(checkout), 'schema/schema.graphql'), 'utf8');
  return /^\s+dataJson: /m.test(schema) ? 'dataJson' : 'data';
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
