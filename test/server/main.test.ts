import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'baton-main-'));

/** Starts `pnpm start`'s entry point as a child process and waits for its URL. */
function startServer(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[^\s/]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

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
    const first = await startServer();
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
      await stop(first.child);
    }
    const second = await startServer();
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
      await stop(second.child);
    }
  }, 240_000);
});
