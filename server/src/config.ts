import { z } from 'zod';
import { ConfigError, issuesFromStandard } from './errors.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/** Every setting Baton reads, from the environment. The README's configuration table mirrors this. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.baton-data'),
  AUTH_MODE: z.enum(['off', 'keys']).default('off'),
  ADMIN_API_KEY: z.string().min(16).optional(),
  GRAPHIQL: bool.optional(),
  MODEL_PROVIDER: z.enum(['offline', 'openai']).optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_PLANNER_MODEL: z.string().optional(),
  MODEL_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  SEED_DEMO_DATA: bool.default(true),
  STORE_DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_MESSAGE_LENGTH: z.coerce.number().int().positive().default(8_000),
  MAX_INSTRUCTION_LENGTH: z.coerce.number().int().positive().default(20_000),
  RUN_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  RUN_SWEEP_MS: z.coerce.number().int().min(100).default(10_000),
});

export type ConfigInput = z.input<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  env: 'development' | 'production' | 'test';
  /** Postgres URL; when absent, PGlite runs embedded in `dataDir`. */
  databaseUrl?: string;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  authMode: 'off' | 'keys';
  adminApiKey?: string;
  graphiql: boolean;
  model: {
    provider: 'offline' | 'openai';
    apiKey?: string;
    baseURL?: string;
    defaultModel: string;
    plannerModel?: string;
    timeoutMs: number;
    maxRetries: number;
  };
  seedDemoData: boolean;
  /** The retail dataset the demo store is seeded from (default ../shared/data/tau-retail). */
  storeDataDir?: string;
  logLevel: string;
  limits: { maxMessageLength: number; maxInstructionLength: number };
  /** Run ownership: how long a lease lasts without renewal, and how often expired leases are looked for. */
  runs: { leaseMs: number; sweepMs: number };
}

/** Parses settings from an env-like record; throws ConfigError naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issues = issuesFromStandard(parsed.error.issues);
    throw new ConfigError(`Invalid configuration: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, {
      details: { issues },
    });
  }
  const c = parsed.data;
  const provider = c.MODEL_PROVIDER ?? (c.OPENAI_API_KEY ? 'openai' : 'offline');
  if (provider === 'openai' && !c.OPENAI_API_KEY && !c.OPENAI_BASE_URL) {
    throw new ConfigError('MODEL_PROVIDER=openai needs OPENAI_API_KEY or OPENAI_BASE_URL');
  }
  return {
    port: c.PORT,
    host: c.HOST,
    env: c.NODE_ENV,
    databaseUrl: c.DATABASE_URL,
    dataDir: c.DATA_DIR,
    authMode: c.AUTH_MODE,
    adminApiKey: c.ADMIN_API_KEY,
    graphiql: c.GRAPHIQL ?? c.NODE_ENV !== 'production',
    model: {
      provider,
      apiKey: c.OPENAI_API_KEY,
      baseURL: c.OPENAI_BASE_URL,
      defaultModel: c.OPENAI_MODEL,
      plannerModel: c.OPENAI_PLANNER_MODEL,
      timeoutMs: c.MODEL_TIMEOUT_MS,
      maxRetries: c.MODEL_MAX_RETRIES,
    },
    seedDemoData: c.SEED_DEMO_DATA,
    storeDataDir: c.STORE_DATA_DIR,
    logLevel: c.LOG_LEVEL,
    limits: { maxMessageLength: c.MAX_MESSAGE_LENGTH, maxInstructionLength: c.MAX_INSTRUCTION_LENGTH },
    runs: { leaseMs: c.RUN_LEASE_MS, sweepMs: c.RUN_SWEEP_MS },
  };
}
