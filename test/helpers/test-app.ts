import { type App, type AppOptions, buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestApp {
  app: App;
  db: TestDatabase;
  /** POSTs a GraphQL operation through yoga.fetch (no port needed). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

/** A Baton app on a fresh test database (PGlite, or PostgreSQL with TEST_DATABASE_URL). */
export async function createTestApp(
  options: AppOptions & { env?: Record<string, string>; db?: TestDatabase } = {},
): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase({ seeded: options.env?.SEED_DEMO_DATA === 'true' }));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SEED_DEMO_DATA: 'false',
    ANALYTICS_FOLD_SECONDS: '0',
    ...options.env,
  });
  const app = await buildApp(config, { ...options, database: db.database });
  return {
    app,
    db,
    async gql(query, variables, token) {
      const res = await app.yoga.fetch('http://baton.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResult<never>;
    },
    async close() {
      await app.stop();
      if (!options.db) await db.dispose();
    },
  };
}

/** The first error's code, for asserting typed errors. */
export const errorCode = (r: GraphQLResult) => r.errors?.[0]?.extensions?.code;

/** Waits until a run reaches COMPLETED, FAILED, CANCELLED or PAUSED (polling; runs start asynchronously). */
export async function waitForRun(app: App, runId: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await app.services.conversations.getRun(runId);
    if (['COMPLETED', 'FAILED', 'CANCELLED', 'PAUSED'].includes(run.status) && !app.services.runs.isActive(runId))
      return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Closes the shop all week (business hours with no opening day). A test of what happens after hours needs it: with
 * the default hours, the same test would pass or fail by the time of day it runs.
 */
export async function closeAllWeek(t: Pick<TestApp, 'gql'>): Promise<void> {
  const r = await t.gql(
    'mutation { updateSettings(input: { businessHours: { timeZone: "UTC", days: [] } }) { brandVoice } }',
  );
  if (r.errors) throw new Error(`could not close the shop: ${JSON.stringify(r.errors)}`);
}

/** Sends a message to a conversation (with its token, when given) and waits for the run it starts; its id. */
export async function sendAndWait(t: TestApp, conversationId: string, text: string, token?: string): Promise<string> {
  const r = await t.gql<{ sendMessage: { id: string } }>(
    'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }',
    { id: conversationId, text },
    token,
  );
  if (r.errors || !r.data?.sendMessage) throw new Error(`sendMessage failed: ${JSON.stringify(r.errors)}`);
  await waitForRun(t.app, r.data.sendMessage.id);
  return r.data.sendMessage.id;
}
