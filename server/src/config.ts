import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_RUNS_PER_PRINCIPAL } from './chat/principal-slots.js';
import { ConfigError, issuesFromStandard } from './errors.js';
import { cidrProblem } from './security/trusted-proxies.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/**
 * An allow-list of outbound hosts (OUTBOUND_ALLOW_HOSTS, WEBHOOK_ALLOWED_HOSTS): host names, addresses and
 * CIDR blocks, comma-separated. An entry with a `/` must be a block (TRUSTED_PROXIES' parser decides).
 */
const allowHosts = z
  .string()
  .default('')
  .superRefine((value, ctx) => {
    for (const entry of value.split(',').map((e) => e.trim().replace(/^\[|\]$/g, ''))) {
      if (!entry.includes('/')) continue;
      const problem = cidrProblem(entry);
      if (problem)
        ctx.addIssue({ code: 'custom', message: `${problem} (e.g. 10.20.0.0/16, fd00::/8, hooks.internal, 10.0.0.5)` });
    }
  });

/** Every setting Baton reads, from the environment. The README's configuration table mirrors this. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  HTTP_KEEP_ALIVE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(65),
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(256),
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    )
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        const problem = cidrProblem(entry);
        if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (e.g. 10.0.0.0/8, 127.0.0.1, fd00::/8)` });
      }
    }),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
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
  MODEL_HISTORY_CHARS: z.coerce.number().int().min(1_000).default(64_000),
  SEED_DEMO_DATA: bool.default(true),
  STORE_DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(300).default(0),
  MAX_MESSAGE_LENGTH: z.coerce.number().int().positive().default(8_000),
  MAX_INSTRUCTION_LENGTH: z.coerce.number().int().positive().default(20_000),
  MAX_REQUEST_BODY_BYTES: z.coerce.number().int().min(1_024).default(1_048_576),
  INTROSPECTION: bool.optional(),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(1).default(20_000),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(15),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(1).default(2_000),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(20),
  GRAPHQL_MAX_LIST_ITEMS: z.coerce.number().int().min(1).default(5_000),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_REQUESTS_PER_KEY: z.coerce.number().int().min(0).default(1_200),
  RATE_LIMIT_MESSAGES_PER_KEY: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_MESSAGES_PER_CONVERSATION: z.coerce.number().int().min(0).default(30),
  RATE_LIMIT_UNAUTHENTICATED_PER_ADDRESS: z.coerce.number().int().min(0).default(120),
  CUSTOMER_TOKEN_SECRET: z.string().min(32, 'use at least 32 characters for an HS256 secret').optional(),
  CUSTOMER_TOKEN_PUBLIC_KEY: z
    .string()
    .includes('BEGIN PUBLIC KEY', { message: 'an RS256 public key in PEM (SPKI) form' })
    .optional(),
  CUSTOMER_TOKEN_ISSUER: z.string().optional(),
  CUSTOMER_TOKEN_AUDIENCE: z.string().optional(),
  CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).default(86_400),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().default('baton'),
  OUTBOUND_ALLOW_HOSTS: allowHosts,
  MCP_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1_024).default(4_194_304),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Baton <no-reply@baton.localhost>'),
  WS_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  SUBSCRIPTION_RECHECK_MS: z.coerce.number().int().min(100).max(10_000).default(5_000),
  FEED_BUFFER_MAX_BYTES: z.coerce.number().int().min(65_536).default(8_388_608),
  FEED_BUFFER_MAX_BYTES_PER_KEY: z.coerce.number().int().min(65_536).default(16_777_216),
  RUN_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  RUN_SWEEP_MS: z.coerce.number().int().min(100).default(10_000),
  RUNS_PER_PRINCIPAL: z.coerce.number().int().min(1).default(DEFAULT_RUNS_PER_PRINCIPAL),
  PAUSED_RUN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(2_592_000).default(900),
  PAUSED_RUN_MAX_SECONDS: z.coerce.number().int().min(0).max(2_592_000).default(86_400),
  RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  RETENTION_SWEEP_SECONDS: z.coerce.number().int().min(1).default(3_600),
  ANALYTICS_FOLD_SECONDS: z.coerce.number().int().min(0).default(300),
  ANALYTICS_SETTLE_SECONDS: z.coerce.number().int().min(0).default(120),
  EVENT_BUS: z
    .string()
    .regex(/^(memory|postgres|nats:\/\/.+)$/, 'memory, postgres, or a NATS URL (nats://host:port)')
    .optional(),
  STARTUP_WAIT_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  NATS_DEPLOYMENT: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .default('baton'),
  WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds, e.g. 0,5000,300000')
    .default('0,5000,300000,1800000,7200000,18000000,36000000,36000000'),
  WEBHOOK_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.2),
  WEBHOOK_MAX_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).default(50),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(20).default(1_000),
  WEBHOOK_LEASE_MS: z.coerce.number().int().min(500).default(60_000),
  WEBHOOK_ALLOWED_HOSTS: allowHosts,
});

export type ConfigInput = z.input<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  /** How long an idle HTTP connection stays open for the client's next request (server.keepAliveTimeout). */
  keepAliveSeconds: number;
  /** Open connections one client address (an IPv6 /64) may hold; 0: no limit. A WebSocket is one. */
  maxConnectionsPerAddress: number;
  /**
   * Addresses and CIDR blocks of the load balancers or reverse proxies in front of Baton: a request from
   * one is counted against the client its X-Forwarded-For names, not against the proxy. Empty: none.
   */
  trustedProxies: string[];
  /** How long a connection may take to send a request's headers, and the whole request (not the response). */
  headersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
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
    /** How much of a conversation a model call is shown, newest first (see ChatState.renderHistory). */
    historyChars: number;
  };
  seedDemoData: boolean;
  /** The retail dataset the demo store is seeded from (default ../shared/data/tau-retail). */
  storeDataDir?: string;
  logLevel: string;
  /** How far V8 lets the heap grow past what survived its last full collection, in percent; 0: V8 decides (applyHeapGrowth). */
  heapGrowingPercent: number;
  limits: { maxMessageLength: number; maxInstructionLength: number; maxRequestBodyBytes: number };
  /** Schema introspection (on unless NODE_ENV=production). */
  introspection: boolean;
  /** Operation limits enforced by graphql-armor before execution. */
  graphqlLimits: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    /** List items one operation may ask for in all (page sizes multiplied down nested lists). */
    maxListItems: number;
  };
  /** Sliding-window limits per API key and per conversation; 0 turns a limit off. */
  rateLimits: {
    windowSeconds: number;
    requestsPerKey: number;
    messagesPerKey: number;
    messagesPerConversation: number;
    /** Requests with no or invalid credentials from one client address. */
    unauthenticatedPerAddress: number;
  };
  /** How storefront customer tokens (JWT) are verified; absent when neither key is set. */
  customerToken?: {
    secret?: string;
    publicKey?: string;
    issuer?: string;
    audience?: string;
    /** Tokens whose `exp` is further ahead than this are refused (default 24 h). */
    maxLifetimeSeconds?: number;
  };
  telemetry: { otlpEndpoint?: string; serviceName: string };
  /** Hosts or addresses outbound calls (MCP servers) may reach although loopback, private, link-local or metadata addresses. */
  outboundAllowHosts: string[];
  /** Bytes Baton reads of one response of an external MCP server (HTTP body, SSE stream, stdio line) before it gives up. */
  mcpMaxResponseBytes: number;
  /** How often an open subscription's API key is looked up again, so a revoked key's streams end. */
  subscriptionRecheckMs: number;
  /** A WebSocket that runs no operation this long after its handshake or its last operation is closed; 0: never. */
  webSocketIdleSeconds: number;
  /**
   * What event subscriptions (eventFeed, conversationEvents, runEvents) buffer for a reader slower than the events
   * (as JSON bytes): one subscription, and all of one credential's on a replica. Past either, a subscription ends
   * with SUBSCRIBER_TOO_SLOW (the credential's furthest behind).
   */
  feedBuffers: { maxBytes: number; maxBytesPerKey: number };
  /** Outgoing mail (verification codes): SMTP when a URL is set, else the development outbox. */
  mail: { smtpUrl?: string; from: string };
  /**
   * Run ownership: how long a lease lasts without renewal, and how often expired leases (and paused runs past their
   * deadline) are looked for. A paused run is cancelled once paused `pausedTimeoutMs` while a newer message of its
   * conversation waits behind it, and once paused `pausedMaxMs` in any case (0: never).
   */
  runs: { leaseMs: number; sweepMs: number; perPrincipal: number; pausedTimeoutMs: number; pausedMaxMs: number };
  /** Conversations idle this many days (and ended) are purged; 0 keeps them forever. */
  retention: { days: number; sweepMs: number };
  /** Analytics rollup: how often each replica folds closed hours (0: never), and how long after an hour ends. */
  analytics: { foldMs: number; settleMs: number };
  /** How events reach other replicas: unset picks `postgres` on PostgreSQL and `memory` on PGlite. */
  eventBus: { kind?: 'memory' | 'postgres' | 'nats'; natsUrl?: string; deployment: string };
  /** How long a booting server waits for PostgreSQL and NATS to be reachable before it gives up (STARTUP_WAIT_SECONDS). */
  startupWaitMs: number;
  webhooks: {
    /** Delay before each attempt (the first is usually 0); past the last, a delivery fails for good. */
    retryScheduleMs: number[];
    /** ± this fraction of each delay, so retries of many deliveries spread out. */
    retryJitter: number;
    /** Failed attempts in a row (across deliveries) that disable an endpoint. */
    maxConsecutiveFailures: number;
    timeoutMs: number;
    pollMs: number;
    /** How long a sender holds a delivery; one that died mid-request lets it lapse and it is sent again. */
    leaseMs: number;
    /** Hosts or addresses allowed even though they are loopback, private, link-local or cloud metadata endpoints. */
    allowedHosts: string[];
  };
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
  if (c.HTTP_HEADERS_TIMEOUT_SECONDS > c.HTTP_REQUEST_TIMEOUT_SECONDS)
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_SECONDS may not be longer than HTTP_REQUEST_TIMEOUT_SECONDS', {
      details: {
        issues: [{ field: 'HTTP_HEADERS_TIMEOUT_SECONDS', message: 'longer than HTTP_REQUEST_TIMEOUT_SECONDS' }],
      },
    });
  if (c.PAUSED_RUN_MAX_SECONDS && c.PAUSED_RUN_MAX_SECONDS < c.PAUSED_RUN_TIMEOUT_SECONDS)
    throw new ConfigError('PAUSED_RUN_MAX_SECONDS may not be shorter than PAUSED_RUN_TIMEOUT_SECONDS (0: no limit)', {
      details: {
        issues: [{ field: 'PAUSED_RUN_MAX_SECONDS', message: 'shorter than PAUSED_RUN_TIMEOUT_SECONDS' }],
      },
    });
  if (c.CUSTOMER_TOKEN_SECRET && c.CUSTOMER_TOKEN_PUBLIC_KEY)
    throw new ConfigError('Set CUSTOMER_TOKEN_SECRET (HS256) or CUSTOMER_TOKEN_PUBLIC_KEY (RS256), not both');
  return {
    port: c.PORT,
    host: c.HOST,
    keepAliveSeconds: c.HTTP_KEEP_ALIVE_SECONDS,
    maxConnectionsPerAddress: c.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
    trustedProxies: c.TRUSTED_PROXIES,
    headersTimeoutSeconds: c.HTTP_HEADERS_TIMEOUT_SECONDS,
    requestTimeoutSeconds: c.HTTP_REQUEST_TIMEOUT_SECONDS,
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
      historyChars: c.MODEL_HISTORY_CHARS,
    },
    seedDemoData: c.SEED_DEMO_DATA,
    storeDataDir: c.STORE_DATA_DIR,
    logLevel: c.LOG_LEVEL,
    heapGrowingPercent: c.HEAP_GROWING_PERCENT,
    limits: {
      maxMessageLength: c.MAX_MESSAGE_LENGTH,
      maxInstructionLength: c.MAX_INSTRUCTION_LENGTH,
      maxRequestBodyBytes: c.MAX_REQUEST_BODY_BYTES,
    },
    introspection: c.INTROSPECTION ?? c.NODE_ENV !== 'production',
    graphqlLimits: {
      maxDepth: c.GRAPHQL_MAX_DEPTH,
      maxCost: c.GRAPHQL_MAX_COST,
      maxAliases: c.GRAPHQL_MAX_ALIASES,
      maxTokens: c.GRAPHQL_MAX_TOKENS,
      maxDirectives: c.GRAPHQL_MAX_DIRECTIVES,
      maxListItems: c.GRAPHQL_MAX_LIST_ITEMS,
    },
    rateLimits: {
      windowSeconds: c.RATE_LIMIT_WINDOW_SECONDS,
      requestsPerKey: c.RATE_LIMIT_REQUESTS_PER_KEY,
      messagesPerKey: c.RATE_LIMIT_MESSAGES_PER_KEY,
      messagesPerConversation: c.RATE_LIMIT_MESSAGES_PER_CONVERSATION,
      unauthenticatedPerAddress: c.RATE_LIMIT_UNAUTHENTICATED_PER_ADDRESS,
    },
    customerToken:
      c.CUSTOMER_TOKEN_SECRET || c.CUSTOMER_TOKEN_PUBLIC_KEY
        ? {
            secret: c.CUSTOMER_TOKEN_SECRET,
            // PEM keys often arrive through env files with escaped newlines.
            publicKey: c.CUSTOMER_TOKEN_PUBLIC_KEY?.replace(/\\n/g, '\n'),
            issuer: c.CUSTOMER_TOKEN_ISSUER,
            audience: c.CUSTOMER_TOKEN_AUDIENCE,
            maxLifetimeSeconds: c.CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS,
          }
        : c.NODE_ENV === 'development'
          ? // A secret nobody else holds, so only the dev-only /demo/customer-token can sign tokens it accepts.
            { secret: randomBytes(32).toString('base64url') }
          : undefined,
    telemetry: { otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: c.OTEL_SERVICE_NAME },
    outboundAllowHosts: (c.OUTBOUND_ALLOW_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    mcpMaxResponseBytes: c.MCP_MAX_RESPONSE_BYTES,
    subscriptionRecheckMs: c.SUBSCRIPTION_RECHECK_MS,
    webSocketIdleSeconds: c.WS_IDLE_TIMEOUT_SECONDS,
    feedBuffers: { maxBytes: c.FEED_BUFFER_MAX_BYTES, maxBytesPerKey: c.FEED_BUFFER_MAX_BYTES_PER_KEY },
    mail: { smtpUrl: c.SMTP_URL, from: c.MAIL_FROM },
    runs: {
      leaseMs: c.RUN_LEASE_MS,
      sweepMs: c.RUN_SWEEP_MS,
      perPrincipal: c.RUNS_PER_PRINCIPAL,
      pausedTimeoutMs: c.PAUSED_RUN_TIMEOUT_SECONDS * 1_000,
      pausedMaxMs: c.PAUSED_RUN_MAX_SECONDS * 1_000,
    },
    retention: { days: c.RETENTION_DAYS, sweepMs: c.RETENTION_SWEEP_SECONDS * 1_000 },
    analytics: { foldMs: c.ANALYTICS_FOLD_SECONDS * 1_000, settleMs: c.ANALYTICS_SETTLE_SECONDS * 1_000 },
    startupWaitMs: c.STARTUP_WAIT_SECONDS * 1000,
    eventBus: {
      kind: c.EVENT_BUS?.startsWith('nats://') ? 'nats' : (c.EVENT_BUS as 'memory' | 'postgres' | undefined),
      natsUrl: c.EVENT_BUS?.startsWith('nats://') ? c.EVENT_BUS : undefined,
      deployment: c.NATS_DEPLOYMENT,
    },
    webhooks: {
      retryScheduleMs: c.WEBHOOK_RETRY_SCHEDULE_MS.split(',').map(Number),
      retryJitter: c.WEBHOOK_RETRY_JITTER,
      maxConsecutiveFailures: c.WEBHOOK_MAX_CONSECUTIVE_FAILURES,
      timeoutMs: c.WEBHOOK_TIMEOUT_MS,
      pollMs: c.WEBHOOK_POLL_MS,
      leaseMs: c.WEBHOOK_LEASE_MS,
      allowedHosts: c.WEBHOOK_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    },
  };
}
