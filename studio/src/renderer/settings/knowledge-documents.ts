import { graphql, type ResultOf } from '../graphql/graphql.js';

export const ArticleFields = graphql(`
  fragment ArticleFields on KnowledgeArticle {
    id
    slug
    title
    body
    tags
    updatedAt
  }
`);
export type ArticleData = ResultOf<typeof ArticleFields>;

export const KnowledgeArticlesQuery = graphql(
  `
  query KnowledgeArticles {
    knowledgeArticles {
      ...ArticleFields
    }
  }
`,
  [ArticleFields],
);

export const CreateArticleMutation = graphql(
  `
  mutation CreateKnowledgeArticle($input: KnowledgeArticleInput!) {
    createKnowledgeArticle(input: $input) {
      ...ArticleFields
    }
  }
`,
  [ArticleFields],
);

export const UpdateArticleMutation = graphql(
  `
  mutation UpdateKnowledgeArticle($id: ID!, $input: UpdateKnowledgeArticleInput!) {
    updateKnowledgeArticle(id: $id, input: $input) {
      ...ArticleFields
    }
  }
`,
  [ArticleFields],
);

export const DeleteArticleMutation = graphql(`
  mutation DeleteKnowledgeArticle($id: ID!) {
    deleteKnowledgeArticle(id: $id)
  }
`);

export const SearchKnowledgeQuery = graphql(`
  query SearchKnowledge($query: String!) {
    searchKnowledge(query: $query, limit: 3) {
      id
      title
      score
    }
  }
`);
