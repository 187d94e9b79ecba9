import {
  createKnowledgeArticle,
  deleteKnowledgeArticle,
  type KnowledgeArticle,
  type KnowledgeHit,
  listKnowledgeArticles,
  searchKnowledge,
  updateKnowledgeArticle,
} from '../../store/knowledge.js';
import { rowId } from '../arg-validators.js';
import { builder } from '../builder.js';
import { PAGE_MAX, pageArg, pageSize } from '../page-size.js';

const KnowledgeArticleRef = builder.objectRef<KnowledgeArticle>('KnowledgeArticle').implement({
  description: 'A knowledge base article: what search_knowledge and the KnowledgeRetriever answer from.',
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    title: t.exposeString('title'),
    body: t.exposeString('body'),
    tags: t.exposeStringList('tags'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const KnowledgeHitRef = builder.objectRef<KnowledgeHit>('KnowledgeHit').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    title: t.exposeString('title'),
    body: t.exposeString('body'),
    tags: t.exposeStringList('tags'),
    score: t.exposeFloat('score', { description: 'Full-text rank; higher is better.' }),
  }),
});

const KnowledgeArticleInput = builder.inputType('KnowledgeArticleInput', {
  fields: (t) => ({
    slug: t.string({ required: true, description: 'lower-case-words-with-hyphens, unique.' }),
    title: t.string({ required: true }),
    body: t.string({ required: true }),
    tags: t.stringList(),
  }),
});
const UpdateKnowledgeArticleInput = builder.inputType('UpdateKnowledgeArticleInput', {
  fields: (t) => ({ slug: t.string(), title: t.string(), body: t.string(), tags: t.stringList() }),
});

const defined = <T extends object>(input: T) =>
  Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));

builder.queryFields((t) => ({
  knowledgeArticles: t.field({
    type: [KnowledgeArticleRef],
    description: 'Every knowledge base article, by title.',
    authScopes: { admin: true },
    resolve: (_r, _a, ctx) => listKnowledgeArticles(ctx.services.db),
  }),
  searchKnowledge: t.field({
    type: [KnowledgeHitRef],
    description: 'What search_knowledge would answer for a question, best first.',
    authScopes: { admin: true },
    args: { query: t.arg.string({ required: true }), limit: t.arg.int({ validate: pageArg(PAGE_MAX.knowledge) }) },
    resolve: (_r, { query, limit }, ctx) =>
      searchKnowledge(ctx.services.db, query, pageSize(limit, 3, PAGE_MAX.knowledge)),
  }),
}));

builder.mutationFields((t) => ({
  createKnowledgeArticle: t.field({
    type: KnowledgeArticleRef,
    authScopes: { admin: true },
    args: { input: t.arg({ type: KnowledgeArticleInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      createKnowledgeArticle(ctx.services.db, { ...input, tags: input.tags ?? undefined }),
  }),
  updateKnowledgeArticle: t.field({
    type: KnowledgeArticleRef,
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, validate: rowId('knowledge article') }),
      input: t.arg({ type: UpdateKnowledgeArticleInput, required: true }),
    },
    resolve: (_r, { id, input }, ctx) => updateKnowledgeArticle(ctx.services.db, String(id), defined(input)),
  }),
  deleteKnowledgeArticle: t.field({
    type: 'Boolean',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true, validate: rowId('knowledge article') }) },
    resolve: (_r, { id }, ctx) => deleteKnowledgeArticle(ctx.services.db, String(id)),
  }),
}));
