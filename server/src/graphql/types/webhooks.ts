import { z } from 'zod';
import { type WebhookDeliveryRow, webhookDeliveryStatuses } from '../../db/schema/webhooks.js';
import type { WebhookEndpoint } from '../../webhooks/webhook-endpoints.js';
import { builder } from '../builder.js';
import { EventTypeEnum } from './events.js';

const DeliveryStatus = builder.enumType('WebhookDeliveryStatus', { values: webhookDeliveryStatuses });

const WebhookDeliveryRef = builder.objectRef<WebhookDeliveryRow>('WebhookDelivery').implement({
  description: 'One event for one endpoint: the outbox row and its delivery log.',
  fields: (t) => ({
    id: t.exposeID('id'),
    endpointId: t.exposeID('endpointId'),
    eventId: t.id({ resolve: (d) => String(d.eventId) }),
    conversationId: t.exposeID('conversationId'),
    eventType: t.exposeString('eventType'),
    messageId: t.exposeString('messageId', { description: 'The webhook-id header; receivers deduplicate on it.' }),
    status: t.field({ type: DeliveryStatus, resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    payload: t.field({ type: 'JSON', resolve: (d) => d.payload }),
  }),
});

const WebhookEndpointRef = builder.objectRef<WebhookEndpoint>('WebhookEndpoint').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    description: t.exposeString('description', { nullable: true }),
    eventTypes: t.field({
      type: [EventTypeEnum],
      description: 'The event types it receives; empty: every type webhooks carry.',
      resolve: (e) => e.eventTypes as never,
    }),
    fullEventData: t.exposeBoolean('fullEventData', {
      description:
        'Payloads carry events unredacted. Without it they are redacted as the integrator feed is (emails, phones, addresses, payment methods, tokens).',
    }),
    enabled: t.exposeBoolean('enabled'),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.field({
      type: [WebhookDeliveryRef],
      description: 'The delivery log, newest first.',
      args: { first: t.arg.int({ validate: z.number().int().min(1).max(500) }), before: t.arg({ type: 'DateTime' }) },
      resolve: (e, args, ctx) =>
        ctx.services.webhooks.endpoints.deliveries(e.id, {
          limit: args.first ?? undefined,
          before: args.before ?? undefined,
        }),
    }),
  }),
});

const WithSecretRef = builder
  .objectRef<{ endpoint: WebhookEndpoint; secret: string }>('WebhookEndpointWithSecret')
  .implement({
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpointRef, resolve: (p) => p.endpoint }),
      secret: t.exposeString('secret', {
        description: 'The signing secret (`whsec_…`, Standard Webhooks). Shown once.',
      }),
    }),
  });

const url = z.string().min(1).max(2_000);
const description = z.string().max(500);

const RegisterInput = builder.inputType('RegisterWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({ required: true, validate: url }),
    description: t.string({ validate: description }),
    eventTypes: t.field({ type: [EventTypeEnum], description: 'Empty or absent: every type webhooks carry.' }),
    fullEventData: t.boolean({ description: 'Send events unredacted (default false: redacted).' }),
  }),
});
const UpdateInput = builder.inputType('UpdateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({ validate: url }),
    description: t.string({ validate: description }),
    eventTypes: t.field({ type: [EventTypeEnum] }),
    fullEventData: t.boolean({ description: 'Events enqueued from now on are sent unredacted (true) or redacted.' }),
    enabled: t.boolean({ description: 'Re-enabling clears the failure count.' }),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.field({
    type: [WebhookEndpointRef],
    authScopes: { admin: true },
    resolve: (_r, _a, ctx) => ctx.services.webhooks.endpoints.list(),
  }),
  webhookEndpoint: t.field({
    type: WebhookEndpointRef,
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const { secrets: _s, scannedUntil: _u, ...endpoint } = await ctx.services.webhooks.endpoints.get(String(args.id));
      return endpoint;
    },
  }),
}));

builder.mutationFields((t) => ({
  registerWebhookEndpoint: t.field({
    type: WithSecretRef,
    description:
      'Registers an endpoint. Deliveries are signed by the Standard Webhooks spec; URLs on loopback, private-network, link-local or metadata addresses are refused unless WEBHOOK_ALLOWED_HOSTS lists them.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.webhooks.endpoints.register({
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        fullEventData: input.fullEventData,
      }),
  }),
  updateWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateInput, required: true }) },
    resolve: (_r, { id, input }, ctx) =>
      ctx.services.webhooks.endpoints.update(String(id), {
        url: input.url ?? undefined,
        description: input.description,
        eventTypes: input.eventTypes,
        fullEventData: input.fullEventData,
        enabled: input.enabled,
      }),
  }),
  rotateWebhookSecret: t.field({
    type: WithSecretRef,
    description:
      'A new signing secret; the old one keeps signing beside it for `graceSeconds` (default one day), so receivers can switch.',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }), graceSeconds: t.arg.int() },
    resolve: (_r, args, ctx) =>
      ctx.services.webhooks.endpoints.rotateSecret(String(args.id), args.graceSeconds ?? 86_400),
  }),
  removeWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => ctx.services.webhooks.endpoints.remove(String(args.id)),
  }),
  resendWebhookDelivery: t.field({
    type: WebhookDeliveryRef,
    description: 'Sends the delivery again, now, with the same webhook-id.',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => ctx.services.webhooks.endpoints.resend(String(args.id)),
  }),
}));
