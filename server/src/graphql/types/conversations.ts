import { type ResolveCursorConnectionArgs, resolveCursorConnection } from '@pothos/plugin-relay';
import { z } from 'zod';
import { startsDrivenRuns, vouchesForCustomers, writesAsShopper } from '../../auth/principal.js';
import type { Conversation } from '../../chat/conversation-service.js';
import { runPrincipal } from '../../chat/principal-slots.js';
import { isConversationHeld } from '../../db/owner-transition.js';
import type { BatonEvent } from '../../domain/events.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import { conversationIdentity, recordVerification } from '../../identity/conversation-identity.js';
import { redactJson, redactText } from '../../privacy/redact.js';
import { boundedJson } from '../arg-validators.js';
import { builder } from '../builder.js';
import { PAGE_MAX, pageArg, pageSize } from '../page-size.js';
import { textFor } from '../redacted.js';
import { draftsFor } from './draft-selection.js';
import { EventRef, forCaller, parseCursor } from './events.js';
import { ConversationIdentityRef } from './identity.js';
import { RunModeEnum } from './run-mode.js';
import { RunRef } from './runs.js';

interface MessageView {
  id: string;
  role: 'user' | 'assistant' | 'human';
  text: string;
  author: string | null;
  agentName: string | null;
  runId: string | null;
  final: boolean;
  createdAt: Date;
}
const MessageRef = builder.objectRef<MessageView>('Message').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The id of the MESSAGE event.' }),
    role: t.exposeString('role', { description: 'user, assistant, or human (a support colleague).' }),
    text: t.string({ resolve: (m, _a, ctx) => (ctx.auth.fullData ? m.text : redactText(m.text)) }),
    author: t.exposeString('author', { nullable: true, description: "The colleague's name on a human message." }),
    agentName: t.exposeString('agentName', { nullable: true }),
    runId: t.exposeID('runId', { nullable: true }),
    final: t.exposeBoolean('final', { description: "True on a run's unified reply." }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const toMessage = (e: BatonEvent): MessageView | null =>
  e.type === 'MESSAGE'
    ? {
        id: String(e.id),
        role: e.data.role,
        text: e.data.text,
        author: e.data.author ?? null,
        agentName: e.agentName ?? null,
        runId: e.runId ?? null,
        final: e.data.final ?? false,
        createdAt: e.createdAt,
      }
    : null;

const MessageAudienceEnum = builder.enumType('MessageAudience', {
  description: 'Whose transcript `Conversation.messages` is.',
  values: {
    SHOPPER: {
      description:
        "What the shopper was shown: their messages, each run's final reply, colleagues' and the desk's messages. A specialist's message stands until its run's final reply replaces it.",
    },
    ALL: { description: "Every message, each specialist's included (the studio's run view, a colleague's)." },
  } as const,
});

/**
 * The transcript as the shopper saw it: a run's final reply replaces its specialists' messages, as the widget draws
 * it. Without this a run of one task showed its answer twice (the specialist's message and the same final reply).
 */
export function shopperTranscript(messages: MessageView[]): MessageView[] {
  const answered = new Set(messages.filter((m) => m.final && m.runId).map((m) => m.runId));
  return messages.filter((m) => !(m.role === 'assistant' && !m.final && m.runId && answered.has(m.runId)));
}

export const ConversationRef = builder.objectRef<Conversation>('Conversation').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    customerId: t.exposeString('customerId', { nullable: true }),
    title: t.string({ nullable: true, resolve: (c, _a, ctx) => textFor(ctx, c.title) }),
    metadata: t.field({
      type: 'JSON',
      resolve: (c, _a, ctx) => (ctx.auth.fullData ? c.metadata : redactJson(c.metadata)),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    messages: t.field({
      type: [MessageRef],
      description: 'The transcript, as the shopper saw it unless `audience: ALL` asks for every specialist’s message.',
      args: { audience: t.arg({ type: MessageAudienceEnum, defaultValue: 'SHOPPER' }) },
      resolve: async (c, args, ctx) => {
        const all = (await ctx.services.eventStore.list({ conversationId: c.id, types: ['MESSAGE'] }))
          .map(toMessage)
          .filter((m): m is MessageView => m !== null);
        return args.audience === 'ALL' ? all : shopperTranscript(all);
      },
    }),
    events: t.field({
      type: [EventRef],
      args: {
        after: t.arg.id(),
        first: t.arg.int({ validate: pageArg(PAGE_MAX.events) }),
      },
      resolve: async (c, args, ctx) =>
        forCaller(
          ctx,
          await ctx.services.eventStore.list({
            conversationId: c.id,
            after: parseCursor(args.after),
            limit: pageSize(args.first, PAGE_MAX.events, PAGE_MAX.events),
          }),
        ),
    }),
    runs: t.field({ type: [RunRef], resolve: (c, _a, ctx) => ctx.services.conversations.runsOf(c.id) }),
    identity: t.field({
      type: ConversationIdentityRef,
      description: "Who the shopper is, as the conversation's next run sees it (docs/security.md).",
      resolve: (c, _a, ctx) => conversationIdentity(ctx.services, c.id),
    }),
  }),
});

const StartConversationPayload = builder
  .objectRef<{ conversation: Conversation; token: string }>('StartConversationPayload')
  .implement({
    fields: (t) => ({
      conversation: t.field({ type: ConversationRef, resolve: (p) => p.conversation }),
      token: t.exposeString('token', {
        description: 'Lets its holder send messages to this conversation and subscribe to it. Shown once.',
      }),
    }),
  });

const StartConversationInput = builder.inputType('StartConversationInput', {
  fields: (t) => ({
    title: t.string({ validate: z.string().max(200) }),
    customerId: t.string({
      description: 'A customer the caller vouches for (admin or integrator keys only): tools act for this customer.',
      validate: z.string().min(1).max(200),
    }),
    customerToken: t.string({
      description:
        'A signed storefront token (JWT: `sub` is the customer id, with `exp`). Verified, it sets customerId: tools act for that customer.',
      validate: z.string().min(1).max(8_192),
    }),
    // The limits are checked for every JSON argument before anything runs (security/json-argument-guard.ts).
    metadata: t.field({
      type: 'JSON',
      description:
        'A JSON object stored with the conversation (the page, the locale, a cart): at most 32 levels deep, 1,000 keys and array items, and 16 KiB as JSON text.',
      validate: boundedJson(),
    }),
    useDrafts: t.stringList({
      description:
        'Staff only (admin keys, or AUTH_MODE=off): run this conversation against these card drafts; other cards stay published.',
      validate: z.array(z.string().min(1).max(64)).max(100),
    }),
    allDrafts: t.boolean({
      description: 'Staff only: run this conversation against every card draft there is now.',
    }),
  }),
});

builder.queryFields((t) => ({
  conversations: t.connection({
    type: ConversationRef,
    authScopes: { reader: true },
    description: 'Newest first.',
    resolve: (_r, args, ctx) =>
      resolveCursorConnection(
        { args, toCursor: (c: Conversation) => `${c.createdAt.toISOString()}|${c.id}` },
        async ({ after, limit, inverted }: ResolveCursorConnectionArgs) => {
          if (inverted) throw new Error('conversations pages forward only (first/after)');
          const [at, id] = (after ?? '').split('|');
          return ctx.services.conversations.page(limit, after && id ? { createdAt: new Date(at!), id } : undefined);
        },
      ),
  }),
  conversation: t.field({
    type: ConversationRef,
    args: { id: t.arg.id({ required: true }) },
    authScopes: (_r, args) => ({ conversation: String(args.id) }),
    resolve: (_r, args, ctx) => ctx.services.conversations.get(String(args.id)),
  }),
}));

builder.mutationFields((t) => ({
  startConversation: t.field({
    type: StartConversationPayload,
    args: { input: t.arg({ type: StartConversationInput }) },
    authScopes: { reader: true },
    resolve: async (_r, { input }, ctx) => {
      const metadata = input?.metadata;
      if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata)))
        throw ValidationError.single('input.metadata', 'metadata must be a JSON object');
      if (input?.customerId && input.customerToken)
        throw ValidationError.single('input.customerToken', 'give customerId or customerToken, not both');
      // Vouching is for the keys whose holder authenticated the shopper: a support colleague verifies a shopper
      // with a code the shopper types (sendVerificationCode), never by naming the customer.
      if (input?.customerId && !vouchesForCustomers(ctx.auth.principal))
        throw new ForbiddenError('Only an admin or integrator key may vouch for a customer (input.customerId)', {
          details: { field: 'input.customerId' },
        });
      const drafts = await draftsFor(ctx, input);
      // Verified before anything is written: a refused token leaves no conversation behind.
      const verified = input?.customerToken
        ? await ctx.services.customerSessions.verifyToken(input.customerToken)
        : undefined;
      const started = await ctx.services.conversations.start({
        title: input?.title,
        customerId: verified?.customerId ?? input?.customerId,
        metadata: metadata as Record<string, unknown> | undefined,
        drafts,
      });
      // The verification ends with the token: recorded before the token is handed out.
      if (verified) await ctx.services.customerSessions.record(started.conversation.id, verified);
      const customerId = verified?.customerId ?? input?.customerId;
      if (customerId)
        await recordVerification(ctx.services, started.conversation.id, {
          customerId,
          method: verified ? 'customer_token' : 'api_key',
          verifiedUntil: verified?.verifiedUntil,
        });
      return started;
    },
  }),
  renewCustomerToken: t.field({
    type: ConversationRef,
    description:
      "Extends a conversation's verified customer with a newer storefront token of the same customer (its `exp` is the new end).",
    args: {
      conversationId: t.arg.id({ required: true }),
      customerToken: t.arg.string({ required: true, validate: z.string().min(1).max(8_192) }),
    },
    authScopes: (_r, args) => ({ conversation: String(args.conversationId) }),
    resolve: async (_r, args, ctx) => {
      const conversation = await ctx.services.conversations.get(String(args.conversationId));
      const session = await ctx.services.customerSessions.renew(
        conversation.id,
        args.customerToken,
        conversation.customerId,
      );
      await recordVerification(ctx.services, conversation.id, { ...session, method: 'customer_token' });
      return conversation;
    },
  }),
  sendMessage: t.field({
    type: RunRef,
    nullable: true,
    description:
      "Stores the message and starts a run, returning it at once. Follow it with runEvents. While a colleague owns the conversation or it waits for one (`Conversation.ownership`), the message is stored and delivered to them, no run starts, and the result is null: follow conversationEvents. While it waits, a message that takes the request back (`never mind`, `I don't need a person anymore`) withdraws it as withdrawHumanRequest does; when it also asks something (`never mind, where's my order?`), that is answered as a normal turn and its run is returned.",
    args: {
      conversationId: t.arg.id({ required: true }),
      text: t.arg.string({ required: true }),
      mode: t.arg({ type: RunModeEnum }),
      reviewPlan: t.arg.boolean({
        description:
          'Pause the run once its plan is made, for a designer to review and edit it (then continueRun). Admin keys, and integrator keys (which drive only the runs they started).',
      }),
    },
    authScopes: (_r, args) => ({ conversation: String(args.conversationId) }),
    resolve: async (_r, args, ctx) => {
      // A colleague writes to the shopper as a person (sendHumanMessage); writing as the shopper, a support key
      // would have the bot act for the conversation's customer on its own yes, without owning or verifying anything.
      if (!writesAsShopper(ctx.auth.principal))
        throw new ForbiddenError(
          'A support key does not write as the shopper: claim the conversation and write with sendHumanMessage',
          { details: { field: 'conversationId' } },
        );
      // Only whoever may then step, continue and pause the run (drivesRun) starts one that waits for them.
      if ((args.mode === 'STEP' || args.reviewPlan) && !startsDrivenRuns(ctx.auth.principal))
        throw new ForbiddenError(
          'Step mode and plan review are for designers and integrators: they need an admin or integrator key',
          {
            details: { field: args.mode === 'STEP' ? 'mode' : 'reviewPlan' },
          },
        );
      await ctx.services.rateLimits.checkMessage(ctx.auth.principal, String(args.conversationId));
      const conversationId = String(args.conversationId);
      const submit = () =>
        ctx.services.runs.submit(conversationId, args.text, args.mode ?? 'AUTO', {
          principal: runPrincipal(ctx.auth.principal, conversationId),
          reviewPlan: args.reviewPlan ?? false,
          // The key may then drive and stop its run (drivesRun, cancelsRun).
          startedBy: ctx.auth.principal.kind === 'key' ? ctx.auth.principal.keyId : undefined,
        });
      const { desk } = ctx.services;
      // This replica's cache picks the path to try; each path decides on the owner row and, when the row says the
      // other, the message goes there (a hand-off, hand-back or claim made on another replica, not heard of yet).
      for (let toDesk = desk.holds(conversationId), tries = 1; ; toDesk = !toDesk, tries++) {
        if (!toDesk) {
          try {
            return await submit();
          } catch (err) {
            if (!isConversationHeld(err) || tries >= 3) throw err;
            continue;
          }
        }
        const held = await desk.holdShopperMessage(conversationId, args.text);
        if (!held.botTurn) return null;
        if (!held.withdrawn) continue;
        // "Never mind, where's my order?": the request for a person is withdrawn, and the rest is a normal turn.
        try {
          return await submit();
        } finally {
          await desk.confirmWithdrawal(conversationId);
        }
      }
    },
  }),
}));
