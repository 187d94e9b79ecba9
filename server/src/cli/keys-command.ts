import { ApiKeyService, MAX_RUNS_AT_ONCE } from '../auth/api-key-service.js';
import { loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { type ApiKeyRole, apiKeyRoles } from '../db/schema/api-keys.js';
import { isUuid } from '../domain/uuid.js';
import { isBatonError } from '../errors.js';
import type { CliIo } from './baton.js';

const usage = [
  'usage: pnpm baton keys create <name> [--role integrator|support|admin] [--full-event-data] [--runs-at-once N]',
  '       pnpm baton keys set <id> --runs-at-once N|default',
  '       pnpm baton keys list',
  '       pnpm baton keys revoke <id>',
];

type Parsed =
  | { sub: 'create'; name: string; role: ApiKeyRole; fullEventData: boolean; runsAtOnce?: number }
  | { sub: 'set'; id: string; runsAtOnce: number | null }
  | { sub: 'list' }
  | { sub: 'revoke'; id: string }
  | { error: string };

/** `--runs-at-once`'s value: a whole number in range, or (for `set`) "default". */
function runsAtOnceArg(value: string | undefined, allowDefault: boolean): number | null | { error: string } {
  if (allowDefault && value === 'default') return null;
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || n < 1 || n > MAX_RUNS_AT_ONCE)
    return {
      error: `--runs-at-once must be a whole number from 1 to ${MAX_RUNS_AT_ONCE}${allowDefault ? ' or "default"' : ''}`,
    };
  return n;
}

function parse(args: string[]): Parsed {
  const [sub, ...rest] = args;
  if (sub === 'list') return rest.length ? { error: `unexpected argument ${rest[0]}` } : { sub };
  if (sub === 'revoke') {
    if (rest.length !== 1 || !isUuid(rest[0]!))
      return { error: 'name the key to revoke by its id (see pnpm baton keys list)' };
    return { sub, id: rest[0]! };
  }
  if (sub === 'set') {
    const [id, option, value, ...more] = rest;
    if (!id || !isUuid(id)) return { error: 'name the key to change by its id (see pnpm baton keys list)' };
    if (option !== '--runs-at-once')
      return { error: option ? `unknown option ${option}` : 'say what to set: --runs-at-once N|default' };
    if (more.length) return { error: `unexpected argument ${more[0]}` };
    const runsAtOnce = runsAtOnceArg(value, true);
    return runsAtOnce !== null && typeof runsAtOnce === 'object' ? runsAtOnce : { sub, id, runsAtOnce };
  }
  if (sub === 'create') {
    let name: string | undefined;
    let role: ApiKeyRole = 'integrator';
    let fullEventData = false;
    let runsAtOnce: number | undefined;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (arg === '--role') {
        const value = rest[++i];
        if (!apiKeyRoles.includes(value as ApiKeyRole)) return { error: `--role must be ${apiKeyRoles.join(' or ')}` };
        role = value as ApiKeyRole;
      } else if (arg === '--full-event-data') fullEventData = true;
      else if (arg === '--runs-at-once') {
        const n = runsAtOnceArg(rest[++i], false);
        if (n === null || typeof n === 'object') return n ?? { error: '--runs-at-once needs a number' };
        runsAtOnce = n;
      } else if (arg.startsWith('--')) return { error: `unknown option ${arg}` };
      else if (name === undefined) name = arg.trim();
      else return { error: `unexpected argument ${arg}` };
    }
    if (!name) return { error: 'name the key, e.g. "storefront-2025-06"' };
    return { sub, name, role, fullEventData, ...(runsAtOnce ? { runsAtOnce } : {}) };
  }
  return { error: sub ? `unknown command ${sub}` : 'choose create, set, list or revoke' };
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
        ...(parsed.runsAtOnce ? { runsAtOnce: parsed.runsAtOnce } : {}),
      });
      io.out(`Created ${parsed.role} key "${parsed.name}" (id ${id}).`);
      if (parsed.runsAtOnce) io.out(`Up to ${parsed.runsAtOnce} of its runs execute at once on each replica.`);
      io.out('The key is shown once; store it now:');
      io.out(key);
      return 0;
    }
    if (parsed.sub === 'set') {
      await keys.setRunsAtOnce(parsed.id, parsed.runsAtOnce);
      io.out(
        parsed.runsAtOnce === null
          ? `Key ${parsed.id} runs as many at once as RUNS_PER_PRINCIPAL says again.`
          : `Up to ${parsed.runsAtOnce} runs of key ${parsed.id} execute at once on each replica.`,
      );
      io.out('Running servers apply it to its requests within 10 seconds.');
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
          k.runsAtOnce ? `runs at once ${k.runsAtOnce}` : 'runs at once: default',
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
