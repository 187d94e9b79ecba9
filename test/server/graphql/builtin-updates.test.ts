import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cardVersions } from '../../../server/src/agents/card-versions.js';
import { knowledgeArticleSeeds } from '../../../server/src/store/knowledge-articles.js';
import { knowledgeArticles } from '../../../server/src/store/schema/index.js';
import { currentCard as current, earlierCards, registry } from '../../fakes/earlier-release.js';
import { createTestApp, errorCode } from '../../helpers/test-app.js';
import { createTestDatabase } from '../../helpers/test-database.js';

interface Update {
  kind: string;
  name: string;
  reason: string;
  changes: { field: string; before: string; after: string }[];
}
const LIST = '{ builtinUpdates { kind name reason changes { field before after } } }';

describe('the offered built-in update, through GraphQL', () => {
  it('lists the edited card with what applying it changes, and applies it as a version that names who did', async () => {
    const db = await createTestDatabase();
    try {
      const agents = registry(db.database);
      await agents.ensure(earlierCards);
      await agents.update('ReturnsAgent', { instructions: 'Our own returns rules.' }, 1, { author: 'ops' });
      const t = await createTestApp({ db });
      try {
        const list = await t.gql<{ builtinUpdates: Update[] }>(LIST);
        expect(list.errors).toBeUndefined();
        expect(list.data!.builtinUpdates.map((u) => [u.kind, u.name, u.reason])).toEqual([
          ['AGENT', 'ReturnsAgent', 'edited'],
        ]);
        expect(list.data!.builtinUpdates[0]!.changes.map((c) => c.field)).toEqual(['instructions', 'handoffs']);

        const stale = await t.gql(
          'mutation { applyBuiltinUpdate(kind: AGENT, name: "ReturnsAgent", expectedVersion: 1) }',
        );
        expect(errorCode(stale)).toBe('CONFLICT');
        const applied = await t.gql(
          'mutation { applyBuiltinUpdate(kind: AGENT, name: "ReturnsAgent", expectedVersion: 2) }',
        );
        expect(applied.errors).toBeUndefined();
        const returns = await t.app.services.agents.require('ReturnsAgent');
        expect([returns.handoffs, returns.instructions]).toEqual([
          current('ReturnsAgent').handoffs,
          current('ReturnsAgent').instructions,
        ]);
        const [latest] = await cardVersions.list(db.database.db, returns.id);
        expect(latest).toMatchObject({
          author: 'upgrade',
          note: 'Baton built-in update: handoffs (applied by studio (no auth))',
        });
        const after = await t.gql<{ builtinUpdates: unknown[] }>('{ builtinUpdates { name } }');
        expect(after.data!.builtinUpdates).toEqual([]);
        const none = await t.gql('mutation { applyBuiltinUpdate(kind: AGENT, name: "UpsellAgent") }');
        expect(none.errors![0]!.extensions!.field).toBe('name');
      } finally {
        await t.close();
      }
    } finally {
      await db.dispose();
    }
  });

  it("lists an article the shop edited and applies this release's content to it", async () => {
    const db = await createTestDatabase({ seeded: true });
    try {
      const older = { title: 'Our warranty', body: 'An earlier release said less.', tags: ['warranty'] };
      await db.database.db
        .update(knowledgeArticles)
        .set({ ...older, body: 'Our own warranty terms.', seeded: older })
        .where(eq(knowledgeArticles.slug, 'warranty'));
      const t = await createTestApp({ db, env: { SEED_DEMO_DATA: 'true' } });
      try {
        const list = await t.gql<{ builtinUpdates: Update[] }>(LIST);
        expect(list.errors).toBeUndefined();
        const seed = knowledgeArticleSeeds.find((a) => a.slug === 'warranty')!;
        expect(list.data!.builtinUpdates).toEqual([
          {
            kind: 'ARTICLE',
            name: 'warranty',
            reason: 'edited',
            changes: [
              { field: 'title', before: 'Our warranty', after: seed.title },
              { field: 'body', before: 'Our own warranty terms.', after: seed.body },
              { field: 'tags', before: 'warranty', after: seed.tags.join('\n') },
            ],
          },
        ]);
        const applied = await t.gql('mutation { applyBuiltinUpdate(kind: ARTICLE, name: "warranty") }');
        expect(applied.errors).toBeUndefined();
        const [row] = await db.database.db
          .select({ body: knowledgeArticles.body })
          .from(knowledgeArticles)
          .where(eq(knowledgeArticles.slug, 'warranty'));
        expect(row!.body).toBe(seed.body);
        expect((await t.gql<{ builtinUpdates: Update[] }>(LIST)).data!.builtinUpdates).toEqual([]);
      } finally {
        await t.close();
      }
    } finally {
      await db.dispose();
    }
  });
});
