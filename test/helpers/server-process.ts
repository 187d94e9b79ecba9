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
