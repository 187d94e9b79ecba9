import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Database } from './client.js';
import type { EventBus, EventBusKind } from './event-bus.js';
import type { EventStore } from './event-store.js';
import { MemoryEventBus } from './memory-event-bus.js';
import { NatsEventBus } from './nats-event-bus.js';
import { PostgresEventBus } from './postgres-event-bus.js';

/** The configured bus: NATS when EVENT_BUS is a NATS URL, else LISTEN/NOTIFY on PostgreSQL, else in memory. */
export async function createEventBus(
  config: Pick<Config, 'eventBus'>,
  database: Database,
  store: EventStore,
  onError: (err: unknown) => void,
  kind: EventBusKind = config.eventBus.kind ?? (database.kind === 'postgres' ? 'postgres' : 'memory'),
): Promise<EventBus> {
  if (kind === 'memory') return new MemoryEventBus();
  if (kind === 'postgres') return PostgresEventBus.start(database, store, onError);
  if (!config.eventBus.natsUrl) throw new ConfigError('EVENT_BUS=nats needs a URL: EVENT_BUS=nats://host:port');
  return NatsEventBus.start({ url: config.eventBus.natsUrl, deployment: config.eventBus.deployment, onError });
}
