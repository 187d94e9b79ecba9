import type { AgentDrafts } from './agents/agent-drafts.js';
import type { AgentRegistry } from './agents/agent-registry.js';
import type { AnalyticsRollup } from './analytics/analytics-rollup.js';
import type { ApiKeyService } from './auth/api-key-service.js';
import type { CustomerSessions } from './auth/customer-sessions.js';
import type { CustomerTokenVerifier } from './auth/customer-token.js';
import type { ConversationService } from './chat/conversation-service.js';
import type { EventLog } from './chat/event-log.js';
import type { FeedBuffers } from './chat/feed-buffers.js';
import type { RunManager } from './chat/run-manager.js';
import type { SettingsService } from './chat/settings-service.js';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { EventBus } from './db/event-bus.js';
import type { EventStore } from './db/event-store.js';
import type { RunRepository } from './db/run-repository.js';
import type { DeskChanges } from './desk/desk-changes.js';
import type { DeskService } from './desk/desk-service.js';
import type { DeskVerification } from './desk/desk-verification.js';
import type { HandOffRecorder } from './desk/hand-off-recorder.js';
import type { Datasets } from './eval/datasets.js';
import type { Experiments } from './eval/experiments.js';
import type { EmailSender } from './identity/email-sender.js';
import type { VerificationCodes } from './identity/verification-codes.js';
import type { Logger } from './logger.js';
import type { ModelProvider } from './models/model-provider.js';
import type { CustomerData } from './privacy/customer-data.js';
import type { DeletedConversations } from './privacy/deleted-conversations.js';
import type { RetentionSweeper } from './privacy/retention-sweeper.js';
import type { RateLimiter } from './security/rate-limiter.js';
import type { Telemetry } from './telemetry/telemetry.js';
import type { ToolRegistry } from './tools/tool-registry.js';
import type { Webhooks } from './webhooks/webhooks.js';

/** Everything a request or a run needs, built once in buildApp() and passed down: no module state. */
export interface Services {
  config: Config;
  database: Database;
  db: Db;
  /** Reads of the event log. */
  eventStore: EventStore;
  /** The SQL of a run's life: enqueue, claim, append, leases. */
  runRepository: RunRepository;
  bus: EventBus;
  /** Event output: append (durable), then publish (delivered). */
  events: EventLog;
  /** What each API key's eventFeeds may buffer for stalled readers on this replica. */
  feedBuffers: FeedBuffers;
  /** The published cards: the only ones live traffic sees. */
  agents: AgentRegistry;
  /** Card drafts, for the studio's editor, playground runs against drafts, and experiments. */
  agentDrafts: AgentDrafts;
  settings: SettingsService;
  conversations: ConversationService;
  apiKeys: ApiKeyService;
  tools: ToolRegistry;
  models: ModelProvider;
  runs: RunManager;
  /** Structured logs; runs log through a child with their run and conversation ids. */
  logger: Logger;
  /** Spans for runs, plans, tasks, model and tool calls (a no-op unless an exporter is configured). */
  telemetry: Telemetry;
  rateLimits: RateLimiter;
  customerTokens: CustomerTokenVerifier;
  /** Verified identity per conversation, until the token's `exp` (or a code's session) ends. */
  customerSessions: CustomerSessions;
  /** One-time codes emailed to an account's address (identity level `verified`). */
  verificationCodes: VerificationCodes;
  /** SMTP (SMTP_URL) or the development outbox. */
  email: EmailSender;
  /** Conversation ownership and the hand-off to people. */
  desk: DeskService;
  /** Opens hand-offs: a person asked for, and the ones a run's ticket tool calls open (recorded by the run). */
  handOffs: HandOffRecorder;
  /** Changes a colleague makes from the desk: the proposals of a conversation they own. */
  deskChanges: DeskChanges;
  deskVerification: DeskVerification;
  /** Webhook endpoints and their durable outbox. */
  webhooks: Webhooks;
  /** exportCustomerData and eraseCustomer. */
  customerData: CustomerData;
  /** Ends the token memos and live streams of deleted conversations on every replica. */
  deletedConversations: DeletedConversations;
  /** Purges ended conversations after RETENTION_DAYS (off without it). */
  retention: RetentionSweeper;
  /** Folds closed hours of the event log into analytics_hourly (ANALYTICS_FOLD_SECONDS). */
  analytics: AnalyticsRollup;
  /** Evaluation: datasets of cases, and experiments that run them against the cards. */
  datasets: Datasets;
  experiments: Experiments;
}
