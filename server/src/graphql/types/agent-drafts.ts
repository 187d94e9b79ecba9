import { draftAsCard } from '../../agents/agent-drafts.js';
import type { CardDraft } from '../../agents/card-drafts.js';
import { cardInput, diffCards } from '../../agents/card-versions.js';
import { previewAgentPrompt } from '../../agents/preview-agent-prompt.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { editorName } from '../editor-name.js';
import { AgentRef, CreateAgentInput, clean, ModelSettingsRef, UpdateAgentInput } from './agents.js';
import { ConversationRef } from './conversations.js';
import { RunRef } from './runs.js';

const DraftChangeRef = builder
  .objectRef<{ field: string; before: string; after: string }>('AgentDraftChange')
  .implement({
    description: 'A field the draft changes from the published card, as text (lists one item a line).',
    fields: (t) => ({
      field: t.exposeString('field'),
      before: t.exposeString('before', { description: 'The published value.' }),
      after: t.exposeString('after', { description: 'The draft’s value.' }),
    }),
  });

export const AgentDraftRef = builder.objectRef<CardDraft>('AgentDraft').implement({
  description:
    'A card’s draft: the designer’s working copy. Live traffic and the planner never see it; staff runs and experiments can run against it (startConversation useDrafts).',
  fields: (t) => ({
    name: t.exposeString('name'),
    revision: t.exposeInt('revision', {
      description: 'Bumped at every save: pass it as expectedRevision to save, publish or discard.',
    }),
    baseVersion: t.exposeInt('baseVersion', {
      nullable: true,
      description: 'The published version it was started from; null for a card that exists only as a draft.',
    }),
    published: t.boolean({
      description: 'Whether the card has a published version (false: a new card that live traffic does not see).',
      resolve: (d) => d.agentId !== null,
    }),
    author: t.exposeString('author', { description: 'Who saved it last.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    description: t.string({ resolve: (d) => d.card.description }),
    skills: t.stringList({ resolve: (d) => d.card.skills }),
    instructions: t.string({ resolve: (d) => d.card.instructions }),
    tools: t.stringList({ resolve: (d) => d.card.tools }),
    handoffs: t.stringList({ resolve: (d) => d.card.handoffs }),
    enabled: t.boolean({ resolve: (d) => d.card.enabled }),
    model: t.field({ type: ModelSettingsRef, resolve: (d) => d.card.model }),
    maxSteps: t.int({ resolve: (d) => d.card.maxSteps }),
    systemPrompt: t.string({
      description: 'The system prompt the draft would give the agent, in an empty conversation.',
      resolve: async (d, _a, ctx) =>
        (
          await previewAgentPrompt(
            ctx.services,
            d.name,
            undefined,
            draftAsCard(d, await ctx.services.agents.get(d.name)),
          )
        ).systemPrompt,
    }),
    changes: t.field({
      type: [DraftChangeRef],
      description: 'What the draft changes from the published card (every field, for a draft-only card).',
      resolve: async (d, _a, ctx) => {
        const published = await ctx.services.agents.get(d.name);
        const before = published
          ? cardInput(published)
          : { ...d.card, description: '', skills: [], instructions: '', tools: [], handoffs: [] };
        return diffCards(before, d.card);
      },
    }),
  }),
});

const draftOf = (ctx: GraphQLContext, name: string) => ctx.services.agentDrafts.find(name).then((d) => d ?? null);

builder.objectFields(AgentRef, (t) => ({
  hasDraft: t.boolean({
    description: 'Whether a draft of this card is being worked on.',
    resolve: async (card, _a, ctx) => (await draftOf(ctx, card.name)) !== null,
  }),
  draft: t.field({
    type: AgentDraftRef,
    nullable: true,
    description: 'The card’s draft, if any; null for callers other than staff (admin keys, or AUTH_MODE=off).',
    // Not an error for readers: the agents list stays readable with an integrator key.
    resolve: (card, _a, ctx) => (ctx.auth.isAdmin ? draftOf(ctx, card.name) : null),
  }),
}));

builder.objectFields(ConversationRef, (t) => ({
  drafts: t.stringList({
    description: 'The card drafts this conversation runs against (empty: the published cards).',
    resolve: (c) => c.drafts ?? [],
  }),
}));

builder.objectFields(RunRef, (t) => ({
  drafts: t.stringList({
    description: 'The card drafts this run was started against (empty: the published cards).',
    resolve: (r) => r.drafts ?? [],
  }),
}));

builder.queryFields((t) => ({
  agentDrafts: t.field({
    type: [AgentDraftRef],
    authScopes: { admin: true },
    description: 'Every card draft, by name: drafts of published cards and new cards that exist only as drafts.',
    resolve: (_r, _a, ctx) => ctx.services.agentDrafts.list(),
  }),
  agentDraft: t.field({
    type: AgentDraftRef,
    nullable: true,
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_r, { name }, ctx) => draftOf(ctx, name),
  }),
}));

builder.mutationFields((t) => ({
  saveAgentDraft: t.field({
    type: AgentDraftRef,
    authScopes: { admin: true },
    description:
      'Saves the given fields into the card’s draft (started from the published card if it has none); live traffic is unaffected. With expectedRevision (0: you saw no draft), a concurrent save fails with CONFLICT (`extensions.currentRevision`); with expectedVersion, starting a draft from a published card that changed since fails with CONFLICT (`extensions.currentVersion`). A draft keeps its card’s name.',
    args: {
      name: t.arg.string({ required: true }),
      input: t.arg({ type: UpdateAgentInput, required: true }),
      expectedRevision: t.arg.int(),
      expectedVersion: t.arg.int(),
    },
    resolve: (_r, { name, input, expectedRevision, expectedVersion }, ctx) =>
      ctx.services.agentDrafts.save(
        name,
        { ...clean(input), ...(input.model ? { model: clean(input.model) } : {}) },
        {
          author: editorName(ctx),
          expectedRevision: expectedRevision ?? undefined,
          expectedVersion: expectedVersion ?? undefined,
        },
      ),
  }),
  createAgentDraft: t.field({
    type: AgentDraftRef,
    authScopes: { admin: true },
    description: 'Starts a new card as a draft only: the planner and live traffic do not see it until it is published.',
    args: { input: t.arg({ type: CreateAgentInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.agentDrafts.create(
        { ...clean(input), model: input.model ? clean(input.model) : undefined },
        editorName(ctx),
      ),
  }),
  publishAgentDraft: t.field({
    type: AgentRef,
    authScopes: { admin: true },
    description:
      'Publishes the draft as the card’s next version (with author and note, in Agent.versions) and removes the draft. Live traffic uses it from then on, on every replica. A version published after the draft started is not replaced unless `expectedVersion` names it.',
    args: {
      name: t.arg.string({ required: true }),
      expectedRevision: t.arg.int(),
      expectedVersion: t.arg.int({
        description:
          'The published version this replaces; by default the one the draft started from (`baseVersion`). If another version was published since, the publish is a CONFLICT naming it: pass that version to replace it.',
      }),
      note: t.arg.string(),
    },
    resolve: (_r, { name, expectedRevision, expectedVersion, note }, ctx) =>
      ctx.services.agentDrafts.publish(name, {
        author: editorName(ctx),
        expectedRevision: expectedRevision ?? undefined,
        expectedVersion: expectedVersion ?? undefined,
        note: note?.trim() || undefined,
      }),
  }),
  discardAgentDraft: t.field({
    type: AgentDraftRef,
    authScopes: { admin: true },
    description: 'Drops the draft (the published card is unchanged). Returns the discarded draft.',
    args: { name: t.arg.string({ required: true }), expectedRevision: t.arg.int() },
    resolve: (_r, { name, expectedRevision }, ctx) =>
      ctx.services.agentDrafts.discard(name, expectedRevision ?? undefined),
  }),
}));
