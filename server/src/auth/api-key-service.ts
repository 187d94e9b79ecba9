import { eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type ApiKeyRole, apiKeys } from '../db/schema/api-keys.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { hashSecret, randomSecret } from './secrets.js';

export interface VerifiedKey {
  keyId: string;
  name: string;
  role: ApiKeyRole;
  /** Integrator keys read redacted events unless granted full data. */
  fullEventData: boolean;
  /** The key's own limit of runs executing at once on a replica; absent: RUNS_PER_PRINCIPAL. */
  runsAtOnce?: number;
}

/** The most runs of one key a replica executes at once, whatever the key asks for. */
export const MAX_RUNS_AT_ONCE = 1_000;

const keyPrefixes: Record<ApiKeyRole, string> = { admin: 'adm', integrator: 'int', support: 'sup' };

/** Verified keys are cached briefly so requests stay off the database; revocation applies within this window. */
const CACHE_MS = 10_000;
/** How long one database answer to "is this key still active?" is shared by open subscriptions. */
const ACTIVE_MEMO_MS = 1_000;

/** API keys: created, stored hashed, verified per request. */
export class ApiKeyService {
  private readonly cache = new Map<string, { key: VerifiedKey | null; at: number }>();
  private readonly active = new Map<string, { answer: Promise<boolean>; at: number }>();

  constructor(private readonly db: Db) {}

  /** Creates a key and returns the plain secret, which is never stored. */
  async create(
    name: string,
    role: ApiKeyRole,
    secret?: string,
    options: { fullEventData?: boolean; runsAtOnce?: number } = {},
  ): Promise<{ id: string; key: string }> {
    if (options.runsAtOnce !== undefined) checkRunsAtOnce(options.runsAtOnce);
    const key = secret ?? `bk_${keyPrefixes[role]}_${randomSecret()}`;
    const [row] = await this.db
      .insert(apiKeys)
      .values({
        name,
        role,
        keyHash: hashSecret(key),
        prefix: key.slice(0, 10),
        fullEventData: options.fullEventData ?? false,
        runsAtOnce: options.runsAtOnce ?? null,
      })
      .returning({ id: apiKeys.id });
    return { id: row!.id, key };
  }

  /** On first start, creates the admin key (from ADMIN_API_KEY, or random). Returns it only when created. */
  async ensureAdminKey(secret?: string): Promise<string | undefined> {
    const existing = await this.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.role, 'admin')).limit(1);
    if (existing.length > 0) return undefined;
    return (await this.create('admin', 'admin', secret)).key;
  }

  async verify(secret: string): Promise<VerifiedKey | null> {
    const hash = hashSecret(secret);
    const cached = this.cache.get(hash);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.key;
    const [row] = await this.db.select().from(apiKeys).where(eq(apiKeys.keyHash, hash)).limit(1);
    const key =
      row && !row.revokedAt
        ? {
            keyId: row.id,
            name: row.name,
            role: row.role,
            fullEventData: row.fullEventData,
            ...(row.runsAtOnce ? { runsAtOnce: row.runsAtOnce } : {}),
          }
        : null;
    this.cache.set(hash, { key, at: Date.now() });
    if (this.cache.size > 10_000) this.cache.clear();
    return key;
  }

  /**
   * Whether the key is still unrevoked, read from the database (shared by every replica); answers
   * are shared for a second, so many open subscriptions of one key cost one lookup.
   */
  async isActive(keyId: string): Promise<boolean> {
    const known = this.active.get(keyId);
    if (known && Date.now() - known.at < ACTIVE_MEMO_MS) return known.answer;
    const answer = this.db
      .select({ revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.id, keyId))
      .limit(1)
      .then(([row]) => !!row && !row.revokedAt);
    this.active.set(keyId, { answer, at: Date.now() });
    if (this.active.size > 10_000) this.active.clear();
    answer.catch(() => this.active.delete(keyId));
    return answer;
  }

  async list() {
    return this.db
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        role: apiKeys.role,
        prefix: apiKeys.prefix,
        createdAt: apiKeys.createdAt,
        revokedAt: apiKeys.revokedAt,
        runsAtOnce: apiKeys.runsAtOnce,
      })
      .from(apiKeys);
  }

  /**
   * Sets how many of a key's runs execute at once on a replica (null: back to RUNS_PER_PRINCIPAL). Requests
   * verified after it see the new limit: at once on this process, within the verify cache's 10 s elsewhere.
   */
  async setRunsAtOnce(id: string, runsAtOnce: number | null): Promise<void> {
    if (runsAtOnce !== null) checkRunsAtOnce(runsAtOnce);
    const rows = await this.db
      .update(apiKeys)
      .set({ runsAtOnce })
      .where(eq(apiKeys.id, id))
      .returning({ id: apiKeys.id });
    if (rows.length === 0) throw new NotFoundError(`No API key ${id}`);
    this.cache.clear();
  }

  async revoke(id: string): Promise<void> {
    const rows = await this.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(eq(apiKeys.id, id))
      .returning({ id: apiKeys.id });
    if (rows.length === 0) throw new NotFoundError(`No API key ${id}`);
    this.cache.clear();
    this.active.clear();
  }

  async activeCount(): Promise<number> {
    return (await this.db.select({ id: apiKeys.id }).from(apiKeys).where(isNull(apiKeys.revokedAt))).length;
  }
}

function checkRunsAtOnce(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_RUNS_AT_ONCE)
    throw new ValidationError([
      { field: 'runsAtOnce', message: `must be a whole number from 1 to ${MAX_RUNS_AT_ONCE}` },
    ]);
}
