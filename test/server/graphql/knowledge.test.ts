import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore } from '../../../server/src/store/store-seed.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

describe('knowledge base over GraphQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedStore(t.app.services.db);
  });
  afterAll(() => t.close());

  it('lists the seeded articles and searches them as the agents do', async () => {
    const list = await t.gql<{ knowledgeArticles: { slug: string; title: string }[] }>(
      '{ knowledgeArticles { slug title } }',
    );
    expect(list.data?.knowledgeArticles.length).toBeGreaterThanOrEqual(12);
    const search = await t.gql<{ searchKnowledge: { slug: string; score: number }[] }>(
      '{ searchKnowledge(query: "how long does delivery take", limit: 2) { slug score } }',
    );
    expect(search.data?.searchKnowledge[0]?.slug).toBe('shipping-times');
  });

  it('creates, updates and deletes an article', async () => {
    const created = await t.gql<{ createKnowledgeArticle: { id: string; slug: string; tags: string[] } }>(
      `mutation { createKnowledgeArticle(input: { slug: "student-discount", title: "Student discount",
        body: "Students get 10% off with a valid student email.", tags: ["discount", "students"] }) { id slug tags } }`,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createKnowledgeArticle.id;
    const updated = await t.gql<{ updateKnowledgeArticle: { title: string; body: string } }>(
      'mutation($id: ID!) { updateKnowledgeArticle(id: $id, input: { title: "Student and teacher discount" }) { title body } }',
      { id },
    );
    expect(updated.data?.updateKnowledgeArticle).toEqual({
      title: 'Student and teacher discount',
      body: 'Students get 10% off with a valid student email.',
    });
    const search = await t.gql<{ searchKnowledge: { id: string }[] }>(
      '{ searchKnowledge(query: "teacher discount") { id } }',
    );
    expect(search.data?.searchKnowledge[0]?.id).toBe(id);
    const deleted = await t.gql<{ deleteKnowledgeArticle: boolean }>(
      'mutation($id: ID!) { deleteKnowledgeArticle(id: $id) }',
      {
        id,
      },
    );
    expect(deleted.data?.deleteKnowledgeArticle).toBe(true);
    expect(errorCode(await t.gql('mutation($id: ID!) { deleteKnowledgeArticle(id: $id) }', { id }))).toBe('NOT_FOUND');
  });

  it('refuses a duplicate slug and an invalid one, naming the field', async () => {
    const dup = await t.gql(
      'mutation { createKnowledgeArticle(input: { slug: "warranty", title: "x", body: "y" }) { id } }',
    );
    expect(errorCode(dup)).toBe('CONFLICT');
    const bad = await t.gql(
      'mutation { createKnowledgeArticle(input: { slug: "No Spaces", title: "x", body: "y" }) { id } }',
    );
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions?.field).toBe('input.slug');
  });
});
