import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { AgentRegistry } from './agents/agent-registry.js';
import { ApiKeyService } from './auth/api-key-service.js';
import { CustomerTokenVerifier } from './auth/customer-token.js';
import { ConversationService } from './chat/conversation-service.js';
import { EventPublisher } from './chat/event-publisher.js';
import { RunManager } from './chat/run-manager.js';
import { SettingsService } from './chat/settings-service.js';
import type { Config } from './config.js';
import { createToolRegistry } from './create-tool-registry.js';
import { type Database, openDatabase } from './db/client.js';
import type { EventBus } from './db/event-bus.js';
import { EventStore } from './db/event-store.js';
import { MemoryEventBus } from './db/memory-event-bus.js';
import { PostgresEventBus } from './db/postgres-event-bus.js';
import { AgentAssist } from './desk/agent-assist.js';
import { DeskService } from './desk/desk-service.js';
import { RateLimitedError } from './errors.js';
import { coalesceFrames } from './graphql/coalesce-frames.js';
import { authInfo, type GraphQLContext, resolvePrincipal } from './graphql/context.js';
import { maskError } from './graphql/errors.js';
import { getSchema } from './graphql/schema.js';
import { createLogger, type Logger, yogaLogger } from './logger.js';
import { createModelProvider } from './models/create-model-provider.js';
import type { ModelProvider } from './models/model-provider.js';
import { useAdmission } from './security/admission.js';
import { asRequestError } from './security/rate-limited-graphql-error.js';
import { RateLimiter } from './security/rate-limiter.js';
import { securityPlugins } from './security/security-plugins.js';
import { seedWorkspace } from './seed.js';
import type { Services } from './services.js';
import { createStudioHandler } from './studio-handler.js';
import { Telemetry, type TelemetryOptions } from './telemetry/telemetry.js';
import { TracedModelProvider } from './telemetry/traced-model-provider.js';
import { TracedToolRegistry } from './telemetry/traced-tool-registry.js';
import type { ManagedToolRegistry } from './tools/tool-registry.js';
import { Webhooks } from './webhooks/webhooks.js';

export interface AppOptions {
  /** Use this database instead of opening one from config (tests). */
  database?: Database;
  models?: ModelProvider;
  tools?: ManagedToolRegistry;
  /** Force a bus kind; default: postgres on PostgreSQL, memory on PGlite. */
  bus?: 'memory' | 'postgres';
  /** Print the admin key when it is created (main does; tests don't). */
  onAdminKeyCreated?: (key: string) => void;
  /** The studio renderer build to serve at /studio. */
  studioDir?: string;
  /** Process identity for run leases; defaults to a random id. */
  ownerId?: string;
  /** Use this logger instead of one on stdout at LOG_LEVEL (tests capture logs). */
  logger?: Logger;
  /** Also export spans here (tests pass an in-memory exporter). */
  spanExporter?: TelemetryOptions['exporter'];
}

export interface App {
  services: Services;
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  /** The HTTP server (GraphQL over HTTP, SSE and WebSocket on /graphql). */
  server: Server;
  start(port?: number, host?: string): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
}

/** Builds the whole app without listening: tests call `yoga.fetch` or `start(0)`. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const ownsDatabase = !options.database;
  await database.migrate();
  const logger = options.logger ?? createLogger(config);
  const telemetry = Telemetry.create(config, { exporter: options.spanExporter });
  const customerTokens = await CustomerTokenVerifier.create(config.customerToken);

  let services: Services;
  const eventStore = new EventStore(database);
  const busKind = options.bus ?? (database.kind === 'postgres' ? 'postgres' : 'memory');
  const bus: EventBus =
    busKind === 'postgres'
      ? await PostgresEventBus.start(database, eventStore, (err) => logger.error({ err }, 'event bus delivery failed'))
      : new MemoryEventBus();
  const events = new EventPublisher(eventStore, bus);
  const untracedTools =
    options.tools ??
    (await createToolRegistry({
      db: database.db,
      config,
      // Resolved per request: `services` exists by the time anyone calls /mcp/store.
      authorizeHttp: async (req) => {
        const principal = await resolvePrincipal(services, req.headers.authorization);
        if ('error' in principal) return { error: principal.error, status: 401 };
        if (principal.kind === 'anonymous')
          return principal.devAdmin ? { role: 'admin' } : { error: 'An API key is required', status: 401 };
        const limited = await services.rateLimits.checkRequest(principal).catch((err: unknown) => {
          if (err instanceof RateLimitedError) return { error: err.message, status: 429 };
          throw err;
        });
        if (limited) return limited;
        return { role: principal.kind === 'key' ? principal.role : 'conversation' };
      },
    }));
  const untracedModels = options.models ?? createModelProvider(config);
  const tools = telemetry.enabled ? new TracedToolRegistry(untracedTools, telemetry) : untracedTools;
  const models = telemetry.enabled ? new TracedModelProvider(untracedModels, telemetry) : untracedModels;
  const rateLimits = new RateLimiter(database, config.rateLimits);

  services = {
    config,
    database,
    db: database.db,
    eventStore,
    bus,
    events,
    tools,
    models,
    logger,
    telemetry,
    rateLimits,
    customerTokens,
  } as unknown as Services;
  services.agents = new AgentRegistry({ db: database.db, tools: () => services.tools, limits: config.limits });
  services.settings = new SettingsService(database.db, async (name) => !!(await services.agents.get(name)));
  services.conversations = new ConversationService(database, events, config.limits);
  services.apiKeys = new ApiKeyService(database.db);
  services.runs = new RunManager(services, {
    ownerId: options.ownerId,
    leaseMs: config.runs.leaseMs,
    sweepMs: config.runs.sweepMs,
  });

  const assist = new AgentAssist(services);
  services.desk = new DeskService({
    db: database.db,
    events,
    settings: services.settings,
    runs: services.runs,
    conversations: services.conversations,
    limits: config.limits,
    logger,
    suggest: async (conversationId, message) => void (await assist.suggest(conversationId, message)),
  });

  services.webhooks = new Webhooks(database, bus, config.webhooks, logger);

  await seedWorkspace(services);
  if (config.authMode === 'keys' || config.adminApiKey) {
    const created = await services.apiKeys.ensureAdminKey(config.adminApiKey);
    if (created && !config.adminApiKey) options.onAdminKeyCreated?.(created);
  }

  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema: getSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: config.graphiql ? { subscriptionsProtocol: 'WS' } : false,
    landingPage: false,
    maskedErrors: {
      maskError: (e, m) =>
        maskError(e, m, config.env !== 'production', (err) => logger.error({ err }, 'unexpected error')),
    },
    logging: config.logLevel === 'silent' ? false : yogaLogger(logger),
    // Our useRequestBodyLimit (security plugins) enforces the limit with a typed error; yoga's own
    // limiter would pipe every body through another stream for nothing.
    maxRequestBodySize: false,
    plugins: [...securityPlugins(config), useAdmission()],
    context: async ({ request }) => {
      const principal = await resolvePrincipal(services, request.headers.get('authorization'));
      if ('error' in principal) throw new UnauthenticatedGraphQLError(principal.error);
      // Counted before execution, or by sendMessage together with its own limits (useAdmission).
      return {
        services,
        auth: authInfo(principal),
        signal: request.signal,
        admission: services.rateLimits.admission(principal),
      };
    },
  });

  const httpHandlers = new Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void> | void>();
  httpHandlers.set('/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  httpHandlers.set('/readyz', async (_req, res) => {
    try {
      await database.db.execute('select 1');
      sendJson(res, 200, { status: 'ready', database: database.kind, bus: bus.kind });
    } catch (err) {
      sendJson(res, 503, { status: 'unavailable', error: (err as Error).message });
    }
  });
  httpHandlers.set('/studio', createStudioHandler(options.studioDir));
  for (const [path, handler] of (await tools.httpHandlers?.()) ?? []) httpHandlers.set(path, handler);

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const prefix = [...httpHandlers.keys()].find((p) => path === p || path.startsWith(`${p}/`));
    try {
      if (prefix) return await httpHandlers.get(prefix)!(req, res);
      if (path === '/') {
        res.writeHead(302, { location: '/graphql' }).end();
        return;
      }
      return yoga.handle(req, res);
    } catch (err) {
      logger.error({ err, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    }
  });

  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: config.limits.maxRequestBodyBytes });
  wss.on('connection', coalesceFrames);
  useServer(
    {
      execute: (args) => (args.rootValue as { execute: (a: unknown) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
        });
        const authorization =
          (ctx.connectionParams?.authorization as string | undefined) ??
          (ctx.connectionParams?.Authorization as string | undefined);
        const principal = await resolvePrincipal(services, authorization);
        if ('error' in principal) return [new UnauthenticatedGraphQLError(principal.error)];
        try {
          await asRequestError(services.rateLimits.checkRequest(principal), 'ws');
        } catch (err) {
          return [err as GraphQLError];
        }
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length) return errors;
        const contextValue: GraphQLContext = { services, auth: authInfo(principal) };
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );

  await services.desk.start();
  await services.webhooks.start();
  await services.runs.start();
  rateLimits.start((err) => logger.warn({ err }, 'rate limit prune failed'));

  return {
    services,
    yoga,
    server,
    async start(port = config.port, host = config.host) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const actual = (server.address() as AddressInfo).port;
      return { url: `http://${host}:${actual}`, port: actual };
    },
    async stop() {
      services.desk.stop();
      await services.webhooks.stop();
      await services.runs.stop();
      rateLimits.stop();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (server.listening) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await tools.close();
      await bus.close();
      await telemetry.shutdown();
      if (ownsDatabase) await database.close();
    },
  };
}

import { GraphQLError } from 'graphql';

class UnauthenticatedGraphQLError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
