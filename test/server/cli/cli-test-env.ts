import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../server/src/cli/baton.js';
import type { Database } from '../../../server/src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

/**
 * A database shared by several CLI invocations (commands accept it instead of opening the
 * configured one), and a folder to write exports into.
 */
export async function createCliEnv(): Promise<{
  env: Record<string, string>;
  /** Settings that make a command open the test database itself (memory PGlite, or the test PostgreSQL). */
  configEnv: Record<string, string>;
  database: Database;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-cli-'));
  const t: TestDatabase = await createTestDatabase();
  return {
    env: { LOG_LEVEL: 'silent', INIT_CWD: dir },
    configEnv: { LOG_LEVEL: 'silent', INIT_CWD: dir, ...(t.url ? { DATABASE_URL: t.url } : { DATA_DIR: 'memory://' }) },
    database: t.database,
    async dispose() {
      await t.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type Command = { run: (args: string[], io: CliIo, options?: { database?: Database }) => Promise<number> };

/** Runs a command's `run` and captures what it prints. */
export async function runCli(
  command: Command,
  args: string[],
  env: Record<string, string>,
  database?: Database,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(args, { out: (l) => out.push(l), err: (l) => err.push(l), env }, { database });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
