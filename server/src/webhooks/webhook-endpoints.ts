import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import {
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  webhookDeliveries,
  webhookEndpoints,
} from '../db/schema/webhooks.js';
import { eventTypes, isEventType, staffOnlyEventTypes, transientEventTypes } from '../domain/events.js';
import { isUuid } from '../domain/uuid.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { assertDeliverableUrl } from './endpoint-url-guard.js';
import { newWebhookSecret } from './webhook-signer.js';

/** What an admin sees of an endpoint: never the secrets after creation or rotation. */
export type WebhookEndpoint = Omit<WebhookEndpointRow, 'secrets' | 'scannedUntil'>;

export interface EndpointInput {
  url: string;
  description?: string | null;
  eventTypes?: readonly string[] | null;
  /** Send events unredacted (see webhookEndpoints.fullEventData). */
  fullEventData?: boolean | null;
}

/** Event types an endpoint may subscribe to: stored ones, never the colleague's suggestions. */
export const webhookEventTypes = eventTypes.filter((t) => !transientEventTypes.has(t) && !staffOnlyEventTypes.has(t));

/** Registered endpoints, their secrets, and the delivery log. Admins manage them through GraphQL. */
export class WebhookEndpoints {
  constructor(
    private readonly db: Db,
    private readonly options: { allowedHosts: readonly string[]; onChange?: () => void },
  ) {}

  /** Registers an endpoint; the returned secret is shown once. */
  async register(input: EndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const url = await assertDeliverableUrl(input.url, this.options.allowedHosts);
    const types = this.checkTypes(input.eventTypes ?? []);
    const secret = newWebhookSecret();
    const [row] = await this.db
      .insert(webhookEndpoints)
      .values({
        url: url.toString(),
        description: input.description?.trim() || null,
        eventTypes: types,
        fullEventData: input.fullEventData ?? false,
        secrets: [{ secret, createdAt: new Date().toISOString(), expiresAt: null }],
      })
      .returning();
    this.options.onChange?.();
    return { endpoint: strip(row!), secret };
  }

  async list(): Promise<WebhookEndpoint[]> {
    return (await this.db.select().from(webhookEndpoints).orderBy(webhookEndpoints.createdAt)).map(strip);
  }

  async get(id: string): Promise<WebhookEndpointRow> {
    const [row] = isUuid(id) ? await this.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)) : [];
    if (!row) throw new NotFoundError(`No webhook endpoint ${id}`);
    return row;
  }

  /** Changes the URL, filters or description, or re-enables an endpoint (which clears its failure count). */
  async update(id: string, patch: Partial<EndpointInput> & { enabled?: boolean | null }): Promise<WebhookEndpoint> {
    await this.get(id);
    const set: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: new Date() };
    if (patch.url != null) set.url = (await assertDeliverableUrl(patch.url, this.options.allowedHosts)).toString();
    if (patch.eventTypes != null) set.eventTypes = this.checkTypes(patch.eventTypes);
    if (patch.description !== undefined) set.description = patch.description?.trim() || null;
    if (patch.fullEventData != null) set.fullEventData = patch.fullEventData;
    if (patch.enabled != null) {
      set.enabled = patch.enabled;
      if (patch.enabled) Object.assign(set, { disabledReason: null, consecutiveFailures: 0 });
      else set.disabledReason = 'disabled by an admin';
    }
    const [row] = await this.db.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id)).returning();
    this.options.onChange?.();
    return strip(row!);
  }

  /**
   * A new signing secret. The old ones keep signing for `graceSeconds` (every delivery carries one
   * signature per active secret), so receivers can switch without missing a message.
   */
  async rotateSecret(id: string, graceSeconds: number): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 7 * 86_400)
      throw ValidationError.single('graceSeconds', 'between 0 and 604800 seconds');
    const row = await this.get(id);
    const now = new Date();
    const until = new Date(now.getTime() + graceSeconds * 1000).toISOString();
    const secret = newWebhookSecret();
    const kept = row.secrets
      .filter((s) => !s.expiresAt || new Date(s.expiresAt) > now)
      .map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < until ? s.expiresAt : until }));
    const [updated] = await this.db
      .update(webhookEndpoints)
      .set({ secrets: [{ secret, createdAt: now.toISOString(), expiresAt: null }, ...kept], updatedAt: now })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    return { endpoint: strip(updated!), secret };
  }

  async remove(id: string): Promise<WebhookEndpoint> {
    const row = await this.get(id);
    await this.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    this.options.onChange?.();
    return strip(row);
  }

  /** The delivery log of an endpoint, newest first; `before` pages on createdAt. */
  async deliveries(endpointId: string, options: { limit?: number; before?: Date } = {}): Promise<WebhookDeliveryRow[]> {
    await this.get(endpointId);
    return this.db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.endpointId, endpointId),
          options.before ? lt(webhookDeliveries.createdAt, options.before) : undefined,
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.eventId))
      .limit(Math.min(Math.max(options.limit ?? 50, 1), 500));
  }

  /** "Send again": the same message (same webhook-id) goes out once more, now, whatever its state. */
  async resend(deliveryId: string): Promise<WebhookDeliveryRow> {
    const [row] = isUuid(deliveryId)
      ? await this.db
          .update(webhookDeliveries)
          .set({ status: 'PENDING', nextAttemptAt: new Date(), lockedUntil: null, attempts: 0 })
          .where(eq(webhookDeliveries.id, deliveryId))
          .returning()
      : [];
    if (!row) throw new NotFoundError(`No webhook delivery ${deliveryId}`);
    this.options.onChange?.();
    return row;
  }

  private checkTypes(types: readonly string[]): string[] {
    types.forEach((t, i) => {
      if (!isEventType(t) || !(webhookEventTypes as readonly string[]).includes(t))
        throw ValidationError.single(`input.eventTypes.${i}`, `"${t}" is not an event type webhooks carry`);
    });
    return [...new Set(types)];
  }
}

const strip = ({ secrets: _s, scannedUntil: _u, ...rest }: WebhookEndpointRow): WebhookEndpoint => rest;
