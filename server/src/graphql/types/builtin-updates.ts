import { builtinCards } from '../../agents/builtin-cards.js';
import { cardInput, diffCards } from '../../agents/card-versions.js';
import { applyKnowledgeUpdate, knowledgeUpdates } from '../../store/knowledge-upgrade.js';
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
}

const BuiltinUpdateRef = builder.objectRef<BuiltinUpdateView>('BuiltinUpdate').implement({
  description:
    'A new built-in content for a card or knowledge article the shop edited (or an article this release adds): offered, not written, until applied with applyBuiltinUpdate.',
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
  }),
});

const articleFields = ['title', 'body', 'tags'] as const;
const articleText = (a: SeededArticle | null, field: (typeof articleFields)[number]) =>
  a === null ? '' : field === 'tags' ? a.tags.join('\n') : a[field];

builder.queryFields((t) => ({
  builtinUpdates: t.field({
    type: [BuiltinUpdateRef],
    description:
      'Built-in cards and knowledge articles the shop edited whose content a Baton upgrade changed, and articles it adds. Cards and articles the shop never edited are upgraded at start.',
    authScopes: { admin: true },
    resolve: async (_r, _a, ctx) => {
      const cards = (await ctx.services.agents.builtinUpdates(builtinCards)).map(
        ({ card, builtin }): BuiltinUpdateView => ({
          kind: 'AGENT',
          name: card.name,
          reason: 'edited',
          changes: diffCards(cardInput(card), { ...builtin, enabled: card.enabled }),
        }),
      );
      const articles = (await knowledgeUpdates(ctx.services.db)).map(
        (u): BuiltinUpdateView => ({
          kind: 'ARTICLE',
          name: u.slug,
          reason: u.reason,
          changes: articleFields
            .map((field) => ({ field, before: articleText(u.current, field), after: articleText(u.seed, field) }))
            .filter((c) => c.before !== c.after),
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
      'Replaces a card or article by its offered built-in content (the shop’s edits to it are replaced; a card keeps them in its versions). With expectedVersion, a card edited since fails with CONFLICT.',
    args: {
      kind: t.arg({ type: BuiltinKindEnum, required: true }),
      name: t.arg.string({ required: true }),
      expectedVersion: t.arg.int(),
    },
    resolve: async (_r, { kind, name, expectedVersion }, ctx) => {
      if (kind === 'AGENT')
        await ctx.services.agents.applyBuiltinUpdate(name, builtinCards, editorName(ctx), expectedVersion ?? undefined);
      else await applyKnowledgeUpdate(ctx.services.db, name);
      return true;
    },
  }),
}));
