import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, stopServer } from '../helpers/server-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'baton-main-'));

const start = () => startServer({ DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', NODE_ENV: 'development' });

const gql = async (url: string, query: string) =>
  (await (
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    })
  ).json()) as {
    data?: Record<string, unknown>;
    errors?: unknown[];
  };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the server entry point on PGlite', () => {
  it('starts, serves GraphQL and health checks, and keeps its data across a restart', async () => {
    const first = await start();
    try {
      expect(first.output()).toContain('rule-based stand-in, not an LLM');
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      const created = await gql(
        first.url,
        'mutation { createAgent(input: { name: "PersistentAgent", description: "survives restarts" }) { name } }',
      );
      expect(created.errors).toBeUndefined();
      const conv = await gql(first.url, 'mutation { startConversation { conversation { id } } }');
      expect(conv.errors).toBeUndefined();
    } finally {
      await stopServer(first);
    }
    const second = await start();
    try {
      const r = await gql(
        second.url,
        '{ agent(name: "PersistentAgent") { description } conversations(first: 5) { edges { node { id } } } }',
      );
      expect(r.data?.agent).toEqual({ description: 'survives restarts' });
      expect(r.data?.conversations).toMatchObject({ edges: [{ node: { id: expect.any(String) } }] });
      const agents = await gql(second.url, '{ agents { name } }');
      expect(agents.data?.agents).toHaveLength(8);
    } finally {
      await stopServer(second);
    }
  }, 240_000);
});
