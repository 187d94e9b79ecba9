import { type ChatStateAtEvent, chatStateAt } from '../../chat/chat-state-at.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import type { ChatMessage } from '../../models/model-provider.js';
import { builder } from '../builder.js';
import { jsonFor, jsonTextFor } from '../redacted.js';
import { IdentityLevelEnum } from './identity.js';
import { RunRef } from './runs.js';

const ToolCallRef = builder.objectRef<{ id: string; name: string; arguments: string }>('ChatStateToolCall').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    name: t.exposeString('name', { description: 'Function name as offered to the model (`store__get_order`).' }),
    arguments: t.string({
      description: 'The arguments as JSON text.',
      resolve: (c, _a, ctx) => jsonTextFor(ctx, c.arguments),
    }),
  }),
});

const MessageRef = builder.objectRef<ChatMessage>('ChatStateMessage').implement({
  description: 'One message of the model history, in the Chat Completions shape every provider gets.',
  fields: (t) => ({
    role: t.string({ description: 'system, user, assistant or tool.', resolve: (m) => m.role }),
    // A tool message's content is its output as JSON text: redacted by key, as the event's data is.
    content: t.string({ nullable: true, resolve: (m, _a, ctx) => jsonTextFor(ctx, m.content) }),
    toolCalls: t.field({
      type: [ToolCallRef],
      resolve: (m) => (m.role === 'assistant' ? (m.toolCalls ?? []) : []),
    }),
    toolCallId: t.string({ nullable: true, resolve: (m) => (m.role === 'tool' ? m.toolCallId : null) }),
  }),
});

const KnowledgeRef = builder.objectRef<{ title: string; score: number | null }>('ChatStateKnowledge').implement({
  fields: (t) => ({
    title: t.exposeString('title'),
    score: t.exposeFloat('score', { nullable: true }),
  }),
});

const ChatStateAtRef = builder.objectRef<ChatStateAtEvent>('RunChatState').implement({
  description:
    'ChatState as it stood right after one event of a run, replayed by the server. With parallel tasks, the history is the one the event’s own task was given.',
  fields: (t) => ({
    eventId: t.id({ resolve: (s) => String(s.eventId) }),
    taskId: t.exposeString('taskId', { nullable: true }),
    viewer: t.exposeString('viewer', { description: 'The agent whose view of the history this is.' }),
    messages: t.field({ type: [MessageRef], resolve: (s) => s.messages }),
    customerId: t.exposeString('customerId', { nullable: true }),
    identifiedBy: t.exposeString('identifiedBy', {
      nullable: true,
      description: 'How the identity level was reached: email, name_zip, customer_token, api_key or email_code.',
    }),
    identityLevel: t.field({
      type: IdentityLevelEnum,
      description: 'anonymous, claimed or verified, at that moment.',
      resolve: (s) => s.identityLevel,
    }),
    knowledge: t.field({ type: [KnowledgeRef], resolve: (s) => s.knowledge }),
    plan: t.field({ type: 'JSON', nullable: true, resolve: (s, _a, ctx) => jsonFor(ctx, s.plan) }),
    planSource: t.exposeString('planSource', { nullable: true }),
    completedTaskIds: t.exposeStringList('completedTaskIds'),
    failedTaskIds: t.exposeStringList('failedTaskIds'),
    runningTaskIds: t.exposeStringList('runningTaskIds'),
    pendingTaskIds: t.exposeStringList('pendingTaskIds'),
  }),
});

builder.objectField(RunRef, 'chatStateAt', (t) =>
  t.field({
    type: ChatStateAtRef,
    description:
      'The run’s ChatState right after one of its stored events (the inspector’s ChatState over time). API keys only: FORBIDDEN for a conversation token.',
    args: { eventId: t.arg.id({ required: true }) },
    resolve: (run, { eventId }, ctx) => {
      // The agents' system prompts, the planner's view and every tool's output: the inspector's, for API keys. A
      // shopper's conversation token reads its transcript and events, not what the model was given.
      if (!ctx.auth.isReader)
        throw new ForbiddenError(`The model's history is for API keys; not for ${ctx.auth.describe}`, {
          details: { field: 'chatStateAt' },
        });
      const id = Number(eventId);
      if (!Number.isSafeInteger(id) || id <= 0) throw ValidationError.single('eventId', 'not an event id');
      return chatStateAt(ctx.services, run.id, id);
    },
  }),
);
