import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

const root = new URL('../../', import.meta.url).pathname;

let built = false;
function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, ['build.mjs'], { cwd: `${root}server`, stdio: 'inherit' });
  built = true;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the server printed so far (stdout and stderr). */
  output: () => string;
}

/**
 * The production entry point (`server/dist/main.mjs`, what `pnpm start` runs, bundled from this
 * checkout's sources once per test process) as a child process, with `env` over this process's
 * environment; resolves with its URL once it listens.
 */
export function startServer(env: Record<string, string>): Promise<ServerProcess> {
  buildOnce();
  const child = spawn(process.execPath, ['server/dist/main.mjs'], {
    cwd: root,
    env: { ...process.env, ...env },
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
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}):\n${out}`));
    });
  });
}

/** SIGTERM, then waits for the exit; nothing to do when the server has exited already. */
export async function stopServer(server: ServerProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

/** A GraphQL request to a server process; its errors throw. */
export async function gqlOver<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/**
 * The environment of a server process in the crash tests: PostgreSQL at `databaseUrl`, the scripted
 * OpenAI-compatible model at `modelUrl`, no retries, and short leases so a dead owner's run is taken over fast.
 */
export function crashTestEnv(databaseUrl: string, modelUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    AUTH_MODE: 'off',
    SEED_DEMO_DATA: 'true',
    MODEL_PROVIDER: 'openai',
    OPENAI_BASE_URL: modelUrl,
    OPENAI_API_KEY: '',
    MODEL_MAX_RETRIES: '0',
    RUN_LEASE_MS: '2000',
    RUN_SWEEP_MS: '250',
  };
}
