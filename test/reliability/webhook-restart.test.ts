import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../fakes/webhook-receiver.js';
import { gqlOver as gql, type ServerProcess, startServer, stopServer } from '../helpers/server-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const postgresUrl = process.env.TEST_DATABASE_URL;

async function until(check: () => boolean, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; server said:\n${output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a server killed in the middle of a webhook delivery', () => {
  const servers: ServerProcess[] = [];
  const receiver = new WebhookReceiver();
  let db: TestDatabase | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    for (const s of servers) await stopServer(s);
    await receiver.close();
    await db?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends it again after the restart, with the same webhook-id, and then the rest in order', async () => {
    // PostgreSQL when the suite has one; otherwise PGlite in a data folder both processes open in turn.
    if (postgresUrl) db = await createTestDatabase();
    else dataDir = mkdtempSync(join(tmpdir(), 'baton-webhook-restart-'));
    const env = {
      ...(db ? { DATABASE_URL: db.url! } : { DATA_DIR: dataDir! }),
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      AUTH_MODE: 'off',
      SEED_DEMO_DATA: 'false',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_LEASE_MS: '1500',
      WEBHOOK_TIMEOUT_MS: '60000',
      WEBHOOK_RETRY_SCHEDULE_MS: '0,100,200,400',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    };
    const port = await receiver.listen();
    // The first request is received and never answered: the server dies while it waits.
    receiver.answer = (_r, n) => (n === 0 ? 'hang' : { status: 200 });

    const first = await startServer(env);
    servers.push(first);
    const registered = await gql<{ registerWebhookEndpoint: { secret: string } }>(
      first.url,
      'mutation($url: String!) { registerWebhookEndpoint(input: { url: $url, eventTypes: [HUMAN_REQUESTED, HUMAN_JOINED, MESSAGE] }) { secret } }',
      { url: `http://127.0.0.1:${port}/hooks` },
    );
    receiver.secrets = [registered.registerWebhookEndpoint.secret];
    const id = (
      await gql<{ startConversation: { conversation: { id: string } } }>(
        first.url,
        'mutation { startConversation { conversation { id } } }',
      )
    ).startConversation.conversation.id;
    await gql(first.url, 'mutation($id: ID!) { requestHuman(conversationId: $id, reason: "Refund") { state } }', {
      id,
    });
    await gql(first.url, 'mutation($id: ID!) { claimConversation(conversationId: $id, as: "Dana") { state } }', { id });
    await gql(
      first.url,
      'mutation($id: ID!) { sendHumanMessage(conversationId: $id, text: "Hello, Dana here", as: "Dana") { id } }',
      { id },
    );

    await until(() => receiver.requests.length >= 1, 15_000, first.output);
    const inFlight = receiver.requests[0]!;
    expect(inFlight.type).toBe('HUMAN_REQUESTED');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // Ordered per conversation: nothing after the unanswered delivery went out.
    expect(receiver.requests).toHaveLength(1);

    const second = await startServer(env);
    servers.push(second);
    await until(() => receiver.unique.length >= 3, 30_000, second.output);
    expect(receiver.requests[1]!.id).toBe(inFlight.id);
    expect(receiver.unique.map((r) => r.type)).toEqual(['HUMAN_REQUESTED', 'HUMAN_JOINED', 'MESSAGE']);
    expect(receiver.rejected).toEqual([]);
  }, 180_000);
});
