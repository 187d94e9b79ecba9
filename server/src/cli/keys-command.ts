import { ApiKeyService } from '../auth/api-key-service.js';
import { loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { type ApiKeyRole, apiKeyRoles } from '../db/schema/api-keys.js';
import { isBatonError } from '../errors.js';
import type { CliIo } from './baton.js';

const usage = [
  'usage: pnpm baton keys create <name> [--role integrator|admin] [--full-event-data]',
  '       pnpm baton keys list',
  '       pnpm baton keys revoke <id>',
];

type Parsed =
  | { sub: 'create'; name: string; role: ApiKeyRole; fullEventData: boolean }
  | { sub: 'list' }
  | { sub: 'revoke'; id: string }
  | { error: string };

function parse(args: string[]): Parsed {
  const [sub, ...rest] = args;
  if (sub === 'list') return rest.length ? { error: `unexpected argument ${rest[0]}` } : { sub };
  if (sub === 'revoke') {
    if (rest.length !== 1 || !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(rest[0]!))
      return { error: 'name the key to revoke by its id (see pnpm baton keys list)' };
    return { sub, id: rest[0]! };
  }
  if (sub === 'create') {
    let name: string | undefined;
    let role: ApiKeyRole = 'integrator';
    let fullEventData = false;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (arg === '--role') {
        const value = rest[++i];
        if (!apiKeyRoles.includes(value as ApiKeyRole)) return { error: `--role must be ${apiKeyRoles.join(' or ')}` };
        role = value as ApiKeyRole;
      } else if (arg === '--full-event-data') fullEventData = true;
      else if (arg.startsWith('--')) return { error: `unknown option ${arg}` };
      else if (name === undefined) name = arg.trim();
      else return { error: `unexpected argument ${arg}` };
    }
    if (!name) return { error: 'name the key, e.g. "storefront-2025-06"' };
    return { sub, name, role, fullEventData };
  }
  return { error: sub ? `unknown command ${sub}` : 'choose create, list or revoke' };
}

export interface CommandOptions {
  /** Use this database instead of the configured one (tests); it is left open. */
  database?: Database;
}

/**
 * `pnpm baton keys create | list | revoke`: API keys against the configured database. Rotation is
 * create, deploy the new key to its clients, then revoke the old one.
 */
export async function run(args: string[], io: CliIo, options: CommandOptions = {}): Promise<number> {
  const parsed = parse(args);
  if ('error' in parsed) {
    io.err(`baton keys: ${parsed.error}`);
    for (const line of usage) io.err(line);
    return 2;
  }
  const config = options.database ? undefined : loadConfig(io.env);
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config!.databaseUrl, dataDir: config!.dataDir }));
  try {
    await database.migrate();
    const keys = new ApiKeyService(database.db);
    if (parsed.sub === 'create') {
      // Integrator keys read events redacted unless granted full data here.
      const { id, key } = await keys.create(parsed.name, parsed.role, undefined, {
        fullEventData: parsed.fullEventData,
      });
      io.out(`Created ${parsed.role} key "${parsed.name}" (id ${id}).`);
      io.out('The key is shown once; store it now:');
      io.out(key);
      return 0;
    }
    if (parsed.sub === 'revoke') {
      await keys.revoke(parsed.id);
      io.out(`Revoked key ${parsed.id}. Running servers refuse it within 10 seconds.`);
      return 0;
    }
    const list = await keys.list();
    if (!list.length) io.out('No API keys.');
    for (const k of list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()))
      io.out(
        [
          k.id,
          k.role.padEnd(10),
          `${k.prefix}…`,
          k.createdAt.toISOString(),
          k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active',
          k.name,
        ].join('  '),
      );
    return 0;
  } catch (err) {
    if (isBatonError(err) && err.code === 'NOT_FOUND') {
      io.err(`baton keys: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    if (!options.database) await database.close();
  }
}
