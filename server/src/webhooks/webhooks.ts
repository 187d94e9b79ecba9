import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { EventBus } from '../db/event-bus.js';
import type { Logger } from '../logger.js';
import { WebhookEndpoints } from './webhook-endpoints.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSender } from './webhook-sender.js';

/** Webhooks for integrators: the endpoints admins register, the outbox that feeds them, and its sender. */
export class Webhooks {
  readonly endpoints: WebhookEndpoints;
  private readonly outbox: WebhookOutbox;
  private readonly sender: WebhookSender;

  constructor(database: Database, bus: EventBus, config: Config['webhooks'], logger: Logger) {
    this.sender = new WebhookSender(database, config, logger);
    this.outbox = new WebhookOutbox(database, bus, {
      refreshMs: Math.max(config.pollMs * 5, 1_000),
      logger,
      onEnqueued: () => this.sender.wake(),
    });
    this.endpoints = new WebhookEndpoints(database.db, {
      allowedHosts: config.allowedHosts,
      onChange: () => void this.outbox.refresh().then(() => this.sender.wake()),
    });
  }

  async start(): Promise<void> {
    await this.outbox.start();
    this.sender.start();
  }

  async stop(): Promise<void> {
    await this.sender.stop();
    await this.outbox.stop();
  }
}
