import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { AgentDrafts } from './agents/agent-drafts.js';
import { AgentRegistry } from './agents/agent-registry.js';
import { AnalyticsRollup } from './analytics/analytics-rollup.js';
import { ApiKeyService } from './auth/api-key-service.js';
import { CustomerSessions } from './auth/customer-sessions.js';
import { CustomerTokenVerifier } from './auth/customer-token.js';
import { authorizeStoreHttp } from './auth/store-http-authorizer.js';
import { relayed } from './auth/this-machine.js';
import { ConversationService } from './chat/conversation-service.js';
import { EventLog } from './chat/event-log.js';
import { MAX_BUFFERED } from './chat/event-stream.js';
import { FeedBuffers } from './chat/feed-buffers.js';
import { RunExecutor } from './chat/run-executor.js';
import { RunManager } from './chat/run-manager.js';
import { SettingsService } from './chat/settings-service.js';
import type { Config } from './config.js';
import { createToolRegistry } from './create-tool-registry.js';
import { type Database, openDatabase } from './db/client.js';
import { createEventBus } from './db/create-event-bus.js';
import type { EventBus, EventBusKind } from './db/event-bus.js';
import { EventStore } from './db/event-store.js';
import { RunRepository } from './db/run-repository.js';
import { addressOf, reachAtStartup } from './db/startup-wait.js';
import { createDemoHandler } from './demo-handler.js';
import { AgentAssist } from './desk/agent-assist.js';
import { DeskChanges } from './desk/desk-changes.js';
import { DeskService } from './desk/desk-service.js';
import { DeskVerification, HeldCodes } from './desk/desk-verification.js';
import { HandOffRecorder } from './desk/hand-off-recorder.js';
import { OwnershipCache } from './desk/ownership-cache.js';
import { ConfigError } from './errors.js';
import { Datasets } from './eval/datasets.js';
import { Experiments } from './eval/experiments.js';
import { coalesceFrames } from './graphql/coalesce-frames.js';
import {
  abortOnReturn,
  authInfo,
  type GraphQLContext,
  principalRefusalError,
  resolvePrincipal,
} from './graphql/context.js';
import { maskError } from './graphql/errors.js';
import { getSchema } from './graphql/schema.js';
import { conversationIdentity } from './identity/conversation-identity.js';
import { createEmailSender } from './identity/email-sender.js';
import { IdentityToolRegistry } from './identity/identity-tools.js';
import { VerificationCodes } from './identity/verification-codes.js';
import { createLogger, type Logger, yogaLogger } from './logger.js';
import { createModelProvider } from './models/create-model-provider.js';
import type { ModelProvider } from './models/model-provider.js';
import { CustomerData } from './privacy/customer-data.js';
import { DeletedConversations } from './privacy/deleted-conversations.js';
import { personalDataTables } from './privacy/personal-data-tables.js';
import { RetentionSweeper } from './privacy/retention-sweeper.js';
import { limitConnectionsPerAddress, tooManyConnectionsBody } from './security/connection-limit.js';
import { useCredentialRecheck } from './security/credential-recheck.js';
import { ForwardedClientLimit } from './security/forwarded-client-limit.js';
import { IdleWebSockets } from './security/idle-websockets.js';
import { asRequestError } from './security/rate-limited-graphql-error.js';
import { RateLimiter } from './security/rate-limiter.js';
import { securityPlugins } from './security/security-plugins.js';
import { useSubscriptionLimits } from './security/subscription-limits.js';
import { AddressSet, clientAddressOf, fromTrustedProxy } from './security/trusted-proxies.js';
import { seedWorkspace } from './seed.js';
import type { Services } from './services.js';
import { createStudioHandler } from './studio-handler.js';
import { Telemetry, type TelemetryOptions } from './telemetry/telemetry.js';
import { TracedModelProvider } from './telemetry/traced-model-provider.js';
import { TracedToolRegistry } from './telemetry/traced-tool-registry.js';
import type { ManagedToolRegistry } from './tools/tool-registry.js';
import { Webhooks } from './webhooks/webhooks.js';
import { createWidgetHandler } from './widget-handler.js';

/** Connections the kernel queues for accept (listen(2)'s backlog). */
const LISTEN_BACKLOG = 4_096;

export interface AppOptions {
  /** Use this database instead of opening one from config (tests). */
  database?: Database;
  models?: ModelProvider;
  tools?: ManagedToolRegistry;
  /** Force a bus kind; default: EVENT_BUS, else postgres on PostgreSQL and memory on PGlite. */
  bus?: EventBusKind;
  /** Use this bus instance (app instances in one process sharing a MemoryEventBus); the caller closes it. */
  eventBus?: EventBus;
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

/** A lease owner id unique to this process. */
function defaultOwnerId(): string {
  return `baton-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
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
  const logger = options.logger ?? createLogger(config);
  const waiting = { waitMs: config.startupWaitMs, onRetry: (message: string) => logger.warn(message) };
  await (config.databaseUrl
    ? reachAtStartup(
        { name: 'PostgreSQL', setting: 'DATABASE_URL', address: addressOf(config.databaseUrl, 5432) },
        () => database.migrate(),
        waiting,
      )
    : database.migrate());
  const telemetry = await Telemetry.create(config, { exporter: options.spanExporter });
  const customerTokens = await CustomerTokenVerifier.create(config.customerToken);

  const eventStore = new EventStore(database);
  const runRepository = new RunRepository(database, { historyChars: config.model.historyChars });
  const openBus = () =>
    createEventBus(config, database, eventStore, (err) => logger.error({ err }, 'event bus error'), options.bus);
  const bus =
    options.eventBus ??
    (await ((options.bus ?? config.eventBus.kind) === 'nats' && config.eventBus.natsUrl
      ? reachAtStartup(
          { name: 'NATS', setting: 'EVENT_BUS', address: addressOf(config.eventBus.natsUrl, 4222) },
          openBus,
          waiting,
        )
      : openBus()));
  const events = new EventLog(runRepository, bus);
  const rateLimits = new RateLimiter(database, config.rateLimits);
  const conversations = new ConversationService(database, runRepository, events, config.limits);
  const apiKeys = new ApiKeyService(database.db);
  const trustedProxies = new AddressSet(config.trustedProxies);
  const clientAddress = (req: IncomingMessage) => clientAddressOf(trustedProxies, req);
  // /mcp/store resolves its caller per request with the same credentials and limits as GraphQL.
  const principals = { config, conversations, apiKeys, rateLimits };
  const email = createEmailSender(config.mail, database.db);
  const verificationCodes = new VerificationCodes(database.db, email, (err) =>
    logger.warn({ err }, 'a verification code could not be emailed'),
  );
  const untracedTools = new IdentityToolRegistry(
    options.tools ??
      (await createToolRegistry({
        db: database.db,
        config,
        authorizeHttp: (req) => authorizeStoreHttp(principals, req, clientAddress(req)),
      })),
    verificationCodes,
  );
  const untracedModels = options.models ?? createModelProvider(config);
  const tools = telemetry.enabled ? new TracedToolRegistry(untracedTools, telemetry) : untracedTools;
  const models = telemetry.enabled ? new TracedModelProvider(untracedModels, telemetry) : untracedModels;
  // Cards and settings are cached per replica; a change made on any replica reaches every cache.
  const agents = new AgentRegistry({
    db: database.db,
    tools,
    limits: config.limits,
    onChange: () => bus.announce('agents'),
  });
  const agentDrafts = new AgentDrafts({ db: database.db, registry: agents });
  const settings = new SettingsService(
    database.db,
    async (name) => !!(await agents.get(name)),
    () => bus.announce('settings'),
  );
  bus.onChange((topic) => {
    if (topic === 'agents') agents.invalidate();
    else if (topic === 'settings') settings.invalidate();
    else if (topic === 'mcpServers') tools.refresh?.().catch((err) => logger.warn({ err }, 'tool refresh failed'));
  });
  const customerSessions = new CustomerSessions(database, customerTokens);
  const assist = new AgentAssist({
    database,
    eventStore,
    settings,
    agents,
    conversations,
    customerSessions,
    tools,
    models,
    events,
    model: config.model,
  });
  const identity = (conversationId: string) =>
    conversationIdentity({ conversations, customerSessions, eventStore, settings, events }, conversationId);
  const ownershipCache = new OwnershipCache();
  const handOffs = new HandOffRecorder({
    db: database.db,
    events,
    runs: runRepository,
    conversations,
    cache: ownershipCache,
  });
  const executor = new RunExecutor(
    {
      config,
      database,
      settings,
      agents,
      agentDrafts,
      conversations,
      customerSessions,
      verificationCodes,
      tools,
      models,
      logger,
      telemetry,
      events,
      eventStore,
      runs: runRepository,
      handOffs,
    },
    options.ownerId ?? defaultOwnerId(),
    config.model.maxRetries * 3,
  );
  const runs = new RunManager(
    { runs: runRepository, conversations, settings, events, executor, logger },
    {
      ownerId: executor.ownerId,
      leaseMs: config.runs.leaseMs,
      sweepMs: config.runs.sweepMs,
      runsPerPrincipal: config.runs.perPrincipal,
      pausedTimeoutMs: config.runs.pausedTimeoutMs,
      pausedMaxMs: config.runs.pausedMaxMs,
    },
  );
  const desk = new DeskService({
    db: database.db,
    events,
    eventStore,
    settings,
    runs,
    handOffs,
    cache: ownershipCache,
    conversations,
    limits: config.limits,
    logger,
    suggest: async (conversationId, message) => void (await assist.suggest(conversationId, message)),
    heldCodes: new HeldCodes({
      settings,
      identity,
      codes: { codes: verificationCodes, sessions: customerSessions },
    }),
  });
  const deskChanges = new DeskChanges({ desk, eventStore, events, tools, settings, identity });
  const deskVerification = new DeskVerification({ desk, events, settings, identity, codes: verificationCodes });
  const webhooks = new Webhooks(database, bus, config.webhooks, logger);
  const deletedConversations = new DeletedConversations({
    bus,
    existing: async (ids) => {
      const rows = await database.query<{ id: string }>(
        'select id::text as id from conversations where id = any($1::uuid[])',
        [`{${ids.join(',')}}`],
      );
      return new Set(rows.map((r) => r.id));
    },
    forget: (ids) => {
      conversations.forget(ids);
      void desk.forget(ids).catch((err) => logger.warn({ err }, 'could not drop deleted conversations from the desk'));
      if (ids !== 'all') rateLimits.forget(ids);
    },
    logger,
  });
  const onConversationsDeleted = (ids: readonly string[]) => deletedConversations.deleted(ids);
  const customerData = new CustomerData({
    db: database.db,
    tables: personalDataTables,
    onConversationsDeleted,
    beforeRead: () => rateLimits.flush(),
  });
  const retention = new RetentionSweeper(
    { db: database.db, logger, onConversationsDeleted },
    { days: config.retention.days, sweepMs: config.retention.sweepMs },
  );
  const analytics = new AnalyticsRollup({ database, logger }, config.analytics);
  const datasets = new Datasets(database.db);
  const experiments = new Experiments({
    db: database.db,
    datasets,
    agents,
    agentDrafts,
    settings,
    models,
    logger,
    conversations,
    runs,
    eventStore,
  });
  const services: Services = {
    config,
    database,
    db: database.db,
    eventStore,
    runRepository,
    bus,
    events,
    feedBuffers: new FeedBuffers({ maxEvents: MAX_BUFFERED, ...config.feedBuffers }),
    tools,
    models,
    logger,
    telemetry,
    rateLimits,
    customerTokens,
    agents,
    agentDrafts,
    settings,
    conversations,
    apiKeys,
    runs,
    customerSessions,
    verificationCodes,
    email,
    desk,
    handOffs,
    deskChanges,
    deskVerification,
    webhooks,
    customerData,
    deletedConversations,
    retention,
    analytics,
    datasets,
    experiments,
  };

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
    plugins: [
      ...securityPlugins(config),
      useSubscriptionLimits(),
      useCredentialRecheck(() => services.apiKeys, config.subscriptionRecheckMs),
    ],
    context: async ({ request, req }: { request: Request; req?: IncomingMessage }) => {
      const principal = await resolvePrincipal(
        services,
        request.headers.get('authorization'),
        req ? clientAddress(req) : undefined,
        {
          origin: request.headers.get('origin'),
          host: request.headers.get('host'),
          relayed: relayed((name) => request.headers.has(name)),
        },
      );
      if ('error' in principal) throw principalRefusalError(principal);
      await asRequestError(services.rateLimits.checkRequest(principal));
      return { services, auth: authInfo(principal), signal: request.signal };
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
  httpHandlers.set('/widget', createWidgetHandler());
  httpHandlers.set('/demo', createDemoHandler(config));
  for (const [path, handler] of (await tools.httpHandlers?.()) ?? []) httpHandlers.set(path, handler);

  // A connection that has not sent a whole request's headers (or the request) in time is closed. Node's
  // defaults (60 s and 300 s, checked every 30 s) let idle connections hold a descriptor for about 90 s.
  // Neither applies to a response, so SSE streams and WebSockets (upgraded) stay open.
  const serverOptions = {
    headersTimeout: config.headersTimeoutSeconds * 1_000,
    requestTimeout: config.requestTimeoutSeconds * 1_000,
    connectionsCheckingInterval: 1_000,
  };
  let lastRefusalLogged = 0;
  const logRefusal = (address: string, open: number) => {
    if (Date.now() - lastRefusalLogged < 60_000) return;
    lastRefusalLogged = Date.now();
    logger.warn(
      // 'peer', not 'address': the logger redacts an 'address' key (a postal address), and the operator needs this one.
      { peer: address, open, limit: config.maxConnectionsPerAddress },
      'refused a connection: too many open from one address (HTTP_MAX_CONNECTIONS_PER_ADDRESS); further refusals this minute are not logged',
    );
  };
  // Behind a trusted proxy the cap counts each forwarded client's requests and WebSockets instead of connections.
  const forwardedClients = new ForwardedClientLimit(config.maxConnectionsPerAddress, logRefusal);
  const viaProxy = (req: IncomingMessage) => fromTrustedProxy(trustedProxies, req.socket.remoteAddress);
  const server = createServer(serverOptions, async (req, res) => {
    if (viaProxy(req) && !forwardedClients.admit(clientAddress(req), res)) {
      res
        .writeHead(429, { 'content-type': 'application/json' })
        .end(tooManyConnectionsBody(config.maxConnectionsPerAddress));
      return;
    }
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
  limitConnectionsPerAddress(server, config.maxConnectionsPerAddress, logRefusal, (peer) =>
    fromTrustedProxy(trustedProxies, peer),
  );

  // Node's default (5 s) closes a shopper's connection while they type, so most messages open a new one. Under
  // load that costs more than the handshake: since libuv 1.45 a busy event loop accepts one connection per
  // iteration, and new connections wait in the kernel's queue for seconds while kept-alive ones are served.
  server.keepAliveTimeout = config.keepAliveSeconds * 1_000;

  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: config.limits.maxRequestBodyBytes,
    // The upgraded socket is the WebSocket's, so it counts until the WebSocket closes.
    verifyClient: ({ req }, done) => {
      if (!viaProxy(req) || forwardedClients.admit(clientAddress(req), req.socket)) return done(true);
      const body = tooManyConnectionsBody(config.maxConnectionsPerAddress);
      done(false, 429, body, { 'content-type': 'application/json' });
    },
  });
  wss.on('connection', coalesceFrames);
  const idleSockets = new IdleWebSockets(config.webSocketIdleSeconds * 1_000);
  useServer(
    {
      onConnect: (ctx) => void idleSockets.track(ctx.extra.socket, ctx),
      onComplete: (ctx) => idleSockets.touch(ctx.extra.socket),
      execute: (args) => (args.rootValue as { execute: (a: unknown) => unknown }).execute(args) as never,
      subscribe: async (args) =>
        abortOnReturn(
          await (args.rootValue as { subscribe: (a: unknown) => unknown }).subscribe(args),
          (args.contextValue as GraphQLContext).abort,
        ) as never,
      onSubscribe: async (ctx, _id, payload) => {
        idleSockets.touch(ctx.extra.socket);
        const { schema, execute, subscribe, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
        });
        const authorization =
          (ctx.connectionParams?.authorization as string | undefined) ??
          (ctx.connectionParams?.Authorization as string | undefined);
        const principal = await resolvePrincipal(services, authorization, clientAddress(ctx.extra.request), {
          origin: ctx.extra.request.headers.origin,
          host: ctx.extra.request.headers.host,
          relayed: relayed((name) => name in ctx.extra.request.headers),
        });
        if ('error' in principal) return [principalRefusalError(principal, 'ws')];
        try {
          await asRequestError(services.rateLimits.checkRequest(principal), 'ws');
        } catch (err) {
          return [err as GraphQLError];
        }
        // A bad operation (syntax, or over a limit checked while parsing) is refused alone: thrown, it
        // would close the connection and every other subscription on it.
        let document: ReturnType<typeof parse>;
        let errors: readonly GraphQLError[];
        try {
          document = parse(payload.query);
          errors = validate(schema, document);
        } catch (err) {
          return [asGraphQLError(err)];
        }
        if (errors.length) return errors;
        // graphql-ws has no request to abort: the operation's own signal ends it when the client completes it or
        // the socket closes (abortOnReturn), so a stream waiting for its next event stops at once.
        const operation = new AbortController();
        const contextValue: GraphQLContext = {
          services,
          auth: authInfo(principal),
          signal: operation.signal,
          abort: () => operation.abort(),
        };
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

  await desk.start();
  await webhooks.start();
  await services.runs.start();
  rateLimits.start((err) => logger.warn({ err }, 'rate limit prune failed'));
  retention.start();
  analytics.start();

  return {
    services,
    yoga,
    server,
    async start(port = config.port, host = config.host) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) =>
          reject(
            err.code === 'EADDRINUSE' || err.code === 'EACCES'
              ? new ConfigError(
                  `PORT ${port} on ${host} ${err.code === 'EADDRINUSE' ? 'is in use by another process' : 'may not be opened by this user'}: stop it, or set PORT (and HOST) to another`,
                  { cause: err, details: { field: 'PORT' } },
                )
              : err,
          ),
        );
        // Node's default backlog (511) overflows when many shoppers connect while the thread is busy: the kernel
        // drops their SYNs and the clients retry after 1, 3, 7, 15, 31 s. The kernel caps it at net.core.somaxconn.
        server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => resolve());
      });
      const actual = (server.address() as AddressInfo).port;
      return { url: `http://${host}:${actual}`, port: actual };
    },
    async stop() {
      desk.stop();
      await webhooks.stop();
      await experiments.idle();
      await services.runs.stop();
      rateLimits.stop();
      retention.stop();
      deletedConversations.close();
      analytics.stop();
      idleSockets.stop();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (server.listening) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await tools.close();
      await verificationCodes.settled();
      if ('close' in email) email.close();
      if (!options.eventBus) await bus.close();
      await telemetry.shutdown();
      if (ownsDatabase) await database.close();
    },
  };
}

import { GraphQLError } from 'graphql';

const asGraphQLError = (err: unknown): GraphQLError =>
  err instanceof GraphQLError
    ? err
    : new GraphQLError('The operation could not be parsed', { extensions: { code: 'BAD_USER_INPUT' } });

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
