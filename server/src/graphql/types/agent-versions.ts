import { type CardVersion, cardInput, cardVersions, diffCards } from '../../agents/card-versions.js';
import { previewAgentPrompt } from '../../agents/preview-agent-prompt.js';
import type { AgentCard } from '../../domain/agent-card.js';
import { ValidationError } from '../../errors.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { editorName } from '../editor-name.js';
import { AgentRef, ModelSettingsRef } from './agents.js';

type VersionView = CardVersion & { current: AgentCard };

/** The card as it stood at a version, for the prompt preview. */
const asCard = (v: VersionView): AgentCard => ({ ...v.current, ...v.card, version: v.version });
const promptOf = async (v: VersionView, ctx: GraphQLContext) =>
  (await previewAgentPrompt(ctx.services, v.current.name, undefined, asCard(v))).systemPrompt;

const AgentVersionRef = builder.objectRef<VersionView>('AgentVersion').implement({
  description: 'A saved state of an agent card: who saved it, when, and its fields.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    author: t.exposeString('author', { description: 'An API key’s name, `seed`, or `studio (no auth)`.' }),
    note: t.exposeString('note', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    name: t.string({ resolve: (v) => v.card.name }),
    description: t.string({ resolve: (v) => v.card.description }),
    skills: t.stringList({ resolve: (v) => v.card.skills }),
    instructions: t.string({ resolve: (v) => v.card.instructions }),
    tools: t.stringList({ resolve: (v) => v.card.tools }),
    handoffs: t.stringList({ resolve: (v) => v.card.handoffs }),
    enabled: t.boolean({ resolve: (v) => v.card.enabled }),
    model: t.field({ type: ModelSettingsRef, resolve: (v) => v.card.model }),
    maxSteps: t.int({ resolve: (v) => v.card.maxSteps }),
    systemPrompt: t.string({
      description: 'The system prompt this version would give the agent, in an empty conversation.',
      resolve: (v, _a, ctx) => promptOf(v, ctx),
    }),
  }),
});

export const CardChangeRef = builder
  .objectRef<{ field: string; before: string; after: string }>('AgentFieldChange')
  .implement({
    description: 'One field that differs between two versions of a card, as text (lists one item a line).',
    fields: (t) => ({
      field: t.exposeString('field', { description: 'A card field, or systemPrompt for the prompt preview.' }),
      before: t.exposeString('before'),
      after: t.exposeString('after'),
    }),
  });

async function versionsOf(card: AgentCard, ctx: GraphQLContext): Promise<VersionView[]> {
  const list = await cardVersions.list(ctx.services.db, card.id);
  // A card not saved since versions exist: its current state is its only known version.
  const all = list.some((v) => v.version === card.version)
    ? list
    : [
        {
          agentId: card.id,
          version: card.version,
          card: cardInput(card),
          author: 'before history',
          note: null,
          createdAt: card.updatedAt,
        },
        ...list,
      ];
  return all.map((v) => ({ ...v, current: card }));
}

builder.objectFields(AgentRef, (t) => ({
  versions: t.field({
    type: [AgentVersionRef],
    description: 'Every saved version, newest first.',
    resolve: (card, _a, ctx) => versionsOf(card, ctx),
  }),
  versionDiff: t.field({
    type: [CardChangeRef],
    description: 'What changed between two versions, field by field, with the prompt preview (`to`: the current one).',
    args: { from: t.arg.int({ required: true }), to: t.arg.int() },
    resolve: async (card, args, ctx) => {
      const versions = await versionsOf(card, ctx);
      const pick = (n: number, field: string) => {
        const v = versions.find((x) => x.version === n);
        if (!v) throw ValidationError.single(field, `${card.name} has no version ${n}`);
        return v;
      };
      const a = pick(args.from, 'from');
      const b = pick(args.to ?? card.version, 'to');
      const [before, after] = await Promise.all([promptOf(a, ctx), promptOf(b, ctx)]);
      const changes: { field: string; before: string; after: string }[] = diffCards(a.card, b.card);
      if (before !== after) changes.push({ field: 'systemPrompt', before, after });
      return changes;
    },
  }),
  handoffFrom: t.stringList({
    description: 'Cards that may hand off to this one: deleting it removes their hand-offs to it.',
    resolve: (card, _a, ctx) => ctx.services.agents.handoffFrom(card.name),
  }),
}));

builder.mutationFields((t) => ({
  rollbackAgent: t.field({
    type: AgentRef,
    authScopes: { admin: true },
    description:
      'Restores an earlier version’s fields (the name stays) as a new version. With expectedVersion, a concurrent edit fails with CONFLICT.',
    args: {
      name: t.arg.string({ required: true }),
      version: t.arg.int({ required: true }),
      expectedVersion: t.arg.int(),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.agents.rollback(args.name, args.version, editorName(ctx), args.expectedVersion ?? undefined),
  }),
}));
