import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tsvector } from './tsvector.js';

/** An article's content as Baton seeds it. */
export interface SeededArticle {
  title: string;
  body: string;
  tags: string[];
}

/** The store's knowledge base, searched by search_knowledge and the KnowledgeRetriever. */
export const knowledgeArticles = pgTable(
  'knowledge_articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    tags: jsonb('tags').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** Tags joined by spaces, kept in step with `tags` by the writers. */
    tagText: text('tag_text').notNull().default(''),
    /** What Baton last wrote to this article (its seed, or an upgrade); null for the shop's own articles. */
    seeded: jsonb('seeded').$type<SeededArticle>(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, "tag_text"), 'B') || setweight(to_tsvector('english'::regconfig, "body"), 'C')`,
      ),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // search_knowledge: full-text match over title, tags and body.
    index('knowledge_articles_search_idx').using('gin', t.search),
  ],
);
export type KnowledgeArticleRow = typeof knowledgeArticles.$inferSelect;
