import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { seedStore } from '../store/store-seed.js';
import { createStoreToolRegistry } from '../tools/mcp-tool-registry.js';
import type { CustomerScope } from '../tools/tool-registry.js';
import type { CliIo } from './baton.js';

const usage = [
  'usage: pnpm baton tools list',
  "       pnpm baton tools call <server.tool> --args '<json>' [--as-user <user_id>]",
];

function parseCall(args: string[]): { name: string; json: string; asUser?: string } | { error: string } {
  const [name, ...rest] = args;
  if (!name || name.startsWith('--')) return { error: 'name the tool to call, e.g. store.get_order_details' };
  let json = '{}';
  let asUser: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    if ((flag === '--args' || flag === '--as-user') && value === undefined) return { error: `${flag} needs a value` };
    if (flag === '--args') json = value!;
    else if (flag === '--as-user') asUser = value;
    else return { error: `unknown option ${flag}` };
    i++;
  }
  return { name, json, asUser };
}

export interface CommandOptions {
  /** Use this database instead of the configured one (tests); it is left open. */
  database?: Database;
}

/** `pnpm baton tools list | call`: the tool registry from the command line, against the configured database. */
export async function run(args: string[], io: CliIo, options: CommandOptions = {}): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'call') {
    for (const line of usage) io.err(line);
    return 2;
  }
  let call: { name: string; input: unknown; asUser?: string } | undefined;
  if (sub === 'call') {
    const parsed = parseCall(rest);
    if ('error' in parsed) {
      io.err(`baton tools call: ${parsed.error}`);
      for (const line of usage) io.err(line);
      return 2;
    }
    try {
      call = { name: parsed.name, input: JSON.parse(parsed.json), asUser: parsed.asUser };
    } catch (err) {
      io.err(`baton tools call: --args is not valid JSON: ${(err as Error).message}`);
      return 2;
    }
  }

  const config = options.database ? undefined : loadConfig(io.env);
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config!.databaseUrl, dataDir: config!.dataDir }));
  try {
    await database.migrate();
    await seedStore(database.db, { dataDir: io.env.STORE_DATA_DIR });
    const registry = await createStoreToolRegistry({ db: database.db });
    try {
      if (!call) {
        for (const server of await registry.servers()) {
          io.out(`${server.name} (${server.transport}${server.error ? `, unavailable: ${server.error}` : ''})`);
          for (const t of server.tools)
            io.out(`  ${t.name.padEnd(42)} ${t.readOnly ? 'read ' : 'write'}  ${firstSentence(t.description)}`);
        }
        return 0;
      }
      const customer: CustomerScope = call.asUser
        ? { customerId: call.asUser, verified: true }
        : { verified: true, admin: true };
      const runId = `cli-${randomUUID()}`;
      const result = await registry.call(call.name, call.input, {
        conversationId: 'cli',
        runId,
        taskId: 'cli',
        agentName: 'cli',
        callIndex: 0,
        idempotencyKey: `${runId}:cli:0`,
        customer,
      });
      io.out(JSON.stringify(result, null, 2));
      return result.ok ? 0 : 1;
    } finally {
      await registry.close();
    }
  } finally {
    if (!options.database) await database.close();
  }
}

const firstSentence = (text: string) => text.split(/(?<=\.)\s/)[0] ?? text;
