import { builtinCards } from '../../agents/builtin-cards.js';
import { type BuiltinDecline, builtinContentHash } from '../../agents/builtin-upgrade.js';
import { cardInput, diffCards } from '../../agents/card-versions.js';
import { knowledgeArticleSeeds } from '../../store/knowledge-articles.js';
import {
  applyKnowledgeUpdate,
  articleContentHash,
  declineKnowledgeUpdate,
  knowledgeUpdates,
} from '../../store/knowledge-upgrade.js';
import type { SeededArticle } from '../../store/schema/index.js';
import { builder } from '../builder.js';
import { editorName } from '../editor-name.js';
import { CardChangeRef } from './agent-versions.js';

const builtinKinds = ['AGENT', 'ARTICLE'] as const;
type BuiltinKind = (typeof builtinKinds)[number];
const BuiltinKindEnum = builder.enumType('BuiltinKind', { values: builtinKinds });

interface BuiltinUpdateView {
  kind: BuiltinKind;
  name: string;
  reason: 'edited' | 'new';
  changes: { field: string; before: string; after: string }[];
  declined: BuiltinDecline | null;
  offer: string;
}

const BuiltinDeclineRef = builder.objectRef<BuiltinDecline>('BuiltinDecline').implement({
  description: 'The shop keeps its own version against this built-in content ("Keep mine"): who said so, and when.',
  fields: (t) => ({
    by: t.exposeString('by', { description: 'The API key’s name, or the studio without auth.' }),
    at: t.field({ type: 'DateTime', resolve: (d) => d.at }),
  }),
});

const BuiltinUpdateRef = builder.objectRef<BuiltinUpdateView>('BuiltinUpdate').implement({
  description:
    'A new built-in content for a card or knowledge article the shop edited (or an article this release adds): offered, not written, until applied with applyBuiltinUpdate or declined with declineBuiltinUpdate.',
  fields: (t) => ({
    kind: t.field({ type: BuiltinKindEnum, resolve: (u) => u.kind }),
    name: t.exposeString('name', { description: 'The card’s name, or the article’s slug.' }),
    reason: t.exposeString('reason', {
      description: '`edited`: the shop changed it since Baton wrote it; `new`: an article this release adds.',
    }),
    changes: t.field({
      type: [CardChangeRef],
      description: 'What applying it changes, field by field: `before` is the shop’s, `after` the built-in’s.',
      resolve: (u) => u.changes,
    }),
    offer: t.exposeString('offer', {
      description:
        'Names the offered content (a short hash). Pass it to applyBuiltinUpdate or declineBuiltinUpdate: a replica of another Baton release, which offers other content during a rolling upgrade, then refuses with CONFLICT (field `offer`) instead of acting on content the designer never saw.',
    }),
    declined: t.field({
      type: BuiltinDeclineRef,
      nullable: true,
      description:
        'Set when the shop declined this content (listed only with includeDeclined); it can still be applied.',
      resolve: (u) => u.declined,
    }),
  }),
});

const articleFields = ['title', 'body', 'tags'] as const;
const articleText = (a: SeededArticle | null, field: (typeof articleFields)[number]) =>
  a === null ? '' : field === 'tags' ? a.tags.join('\n') : a[field];

builder.queryFields((t) => ({
  builtinUpdates: t.field({
    type: [BuiltinUpdateRef],
    description:
      'Built-in cards and knowledge articles the shop edited whose content a Baton upgrade changed, and articles it adds. Cards and articles the shop never edited are upgraded at start. An offer the shop declined is left out unless includeDeclined.',
    authScopes: { admin: true },
    args: {
      includeDeclined: t.arg.boolean({
        defaultValue: false,
        description: 'Also list the offers the shop declined (each with `declined` set).',
      }),
    },
    resolve: async (_r, args, ctx) => {
      const options = { includeDeclined: args.includeDeclined ?? false };
      const cards = (await ctx.services.agents.builtinUpdates(builtinCards, options)).map(
        ({ card, builtin, declined }): BuiltinUpdateView => ({
          kind: 'AGENT',
          name: card.name,
          reason: 'edited',
          changes: diffCards(cardInput(card), { ...builtin, enabled: card.enabled }),
          declined: declined ?? null,
          offer: builtinContentHash(builtin),
        }),
      );
      const articles = (await knowledgeUpdates(ctx.services.db, undefined, options)).map(
        (u): BuiltinUpdateView => ({
          kind: 'ARTICLE',
          name: u.slug,
          reason: u.reason,
          changes: articleFields
            .map((field) => ({ field, before: articleText(u.current, field), after: articleText(u.seed, field) }))
            .filter((c) => c.before !== c.after),
          declined: u.declined ?? null,
          offer: articleContentHash(u.seed),
        }),
      );
      return [...cards, ...articles];
    },
  }),
}));

builder.mutationFields((t) => ({
  applyBuiltinUpdate: t.field({
    type: 'Boolean',
    authScopes: { admin: true },
    description:
      'Replaces a card or article by its offered built-in content, declined or not (the shop’s edits to it are replaced; a card keeps them in its versions). With expectedVersion, a card edited since fails with CONFLICT.',
    args: {
      kind: t.arg({ type: BuiltinKindEnum, required: true }),
      name: t.arg.string({ required: true }),
      expectedVersion: t.arg.int(),
      offer: t.arg.string({
        description:
          'The `offer` of the builtinUpdates entry the designer reviewed; another content on offer here is a CONFLICT.',
      }),
    },
    resolve: async (_r, { kind, name, expectedVersion, offer }, ctx) => {
      if (kind === 'AGENT')
        await ctx.services.agents.applyBuiltinUpdate(
          name,
          builtinCards,
          editorName(ctx),
          expectedVersion ?? undefined,
          offer ?? undefined,
        );
      else await applyKnowledgeUpdate(ctx.services.db, name, knowledgeArticleSeeds, offer ?? undefined);
      return true;
    },
  }),
}));

builder.mutationFields((t) => ({
  declineBuiltinUpdate: t.field({
    type: BuiltinDeclineRef,
    authScopes: { admin: true },
    description:
      'Keeps the shop’s card or article instead of its offered built-in content ("Keep mine"): the offer leaves builtinUpdates (and the start log) for everyone, until a later release changes that content again; builtinUpdates(includeDeclined: true) still lists it, and applyBuiltinUpdate still applies it. NOT_FOUND for a name this release has no built-in of, VALIDATION_FAILED (field `name`) when it has no update on offer; with expectedVersion, a card saved since fails with CONFLICT.',
    args: {
      kind: t.arg({ type: BuiltinKindEnum, required: true }),
      name: t.arg.string({ required: true }),
      expectedVersion: t.arg.int({ description: 'The card’s version the designer reviewed (cards only).' }),
      offer: t.arg.string({
        description:
          'The `offer` of the builtinUpdates entry the designer reviewed; another content on offer here is a CONFLICT.',
      }),
    },
    resolve: (_r, { kind, name, expectedVersion, offer }, ctx) =>
      kind === 'AGENT'
        ? ctx.services.agents.declineBuiltinUpdate(
            name,
            builtinCards,
            editorName(ctx),
            expectedVersion ?? undefined,
            offer ?? undefined,
          )
        : declineKnowledgeUpdate(ctx.services.db, name, editorName(ctx), knowledgeArticleSeeds, offer ?? undefined),
  }),
}));
