import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { builtinCards } from '../../../server/src/agents/builtin-cards.js';
import { cardVersions } from '../../../server/src/agents/card-versions.js';
import type { Db } from '../../../server/src/db/client.js';
import { declinedBuiltinUpdates } from '../../../server/src/db/schema/index.js';
import { knowledgeArticleSeeds } from '../../../server/src/store/knowledge-articles.js';
import {
  applyKnowledgeUpdate,
  declineKnowledgeUpdate,
  knowledgeUpdates,
} from '../../../server/src/store/knowledge-upgrade.js';
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

/**
 * The warranty article as an earlier release seeded it (`seeded`), then edited by the shop: this release's content
 * is on offer for it.
 */
async function editWarranty(db: Db): Promise<void> {
  const older = { title: 'Our warranty', body: 'An earlier release said less.', tags: ['warranty'] };
  await db
    .update(knowledgeArticles)
    .set({ ...older, body: 'Our own warranty terms.', seeded: older })
    .where(eq(knowledgeArticles.slug, 'warranty'));
}

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
      await editWarranty(db.database.db);
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

  it('"Keep mine" declines the edited card\'s update for everyone until a release changes it again; it can be applied after all', async () => {
    const db = await createTestDatabase();
    try {
      const agents = registry(db.database);
      await agents.ensure(earlierCards);
      await agents.update('ReturnsAgent', { instructions: 'Our own returns rules.' }, 1, { author: 'ops' });
      const t = await createTestApp({ db, env: { AUTH_MODE: 'keys' } });
      try {
        const admin = (await t.app.services.apiKeys.create('designer', 'admin')).key;
        const integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
        const decline = (args: string, token = admin) =>
          t.gql<{ declineBuiltinUpdate: { by: string; at: string } }>(
            `mutation { declineBuiltinUpdate(${args}) { by at } }`,
            {},
            token,
          );
        // Only who may apply it (and edit cards) may decline it.
        expect(errorCode(await decline('kind: AGENT, name: "ReturnsAgent"', integrator))).toBe('FORBIDDEN');
        // The card was saved (version 2) since the designer reviewed version 1.
        const stale = await decline('kind: AGENT, name: "ReturnsAgent", expectedVersion: 1');
        expect([errorCode(stale), stale.errors![0]!.extensions!.field]).toEqual(['CONFLICT', 'expectedVersion']);
        const unknown = await decline('kind: AGENT, name: "NoSuchAgent"');
        expect([errorCode(unknown), unknown.errors![0]!.extensions!.field]).toEqual(['NOT_FOUND', 'name']);
        const nothing = await decline('kind: AGENT, name: "UpsellAgent"');
        expect([errorCode(nothing), nothing.errors![0]!.extensions!.field]).toEqual(['VALIDATION_FAILED', 'name']);
        expect(await db.database.db.select().from(declinedBuiltinUpdates)).toEqual([]);

        const declined = await decline('kind: AGENT, name: "ReturnsAgent", expectedVersion: 2');
        expect(declined.errors).toBeUndefined();
        expect(declined.data!.declineBuiltinUpdate.by).toBe('designer');
        const list = (includeDeclined: boolean) =>
          t.gql<{ builtinUpdates: (Update & { declined: { by: string } | null })[] }>(
            `{ builtinUpdates(includeDeclined: ${includeDeclined}) { kind name reason changes { field before after } declined { by at } } }`,
            {},
            admin,
          );
        expect((await list(false)).data!.builtinUpdates).toEqual([]);
        // Nor on another replica (its own registry on the same database).
        expect(await registry(db.database).builtinUpdates(builtinCards)).toEqual([]);
        const found = (await list(true)).data!.builtinUpdates;
        expect(found.map((u) => [u.name, u.declined?.by])).toEqual([['ReturnsAgent', 'designer']]);
        expect(found[0]!.changes.map((c) => c.field)).toEqual(['instructions', 'handoffs']);
        // The card is the shop's, untouched.
        expect((await t.app.services.agents.require('ReturnsAgent')).version).toBe(2);

        // A later release that changes ReturnsAgent again offers its new content.
        const later = builtinCards.map((c) =>
          c.name === 'ReturnsAgent' ? { ...c, skills: [...c.skills, 'exchange for another size'] } : c,
        );
        const offered = await registry(db.database).builtinUpdates(later);
        expect(offered.map((u) => [u.card.name, u.declined])).toEqual([['ReturnsAgent', undefined]]);

        // Applying the declined offer after all works, and forgets the decline.
        const applied = await t.gql(
          'mutation { applyBuiltinUpdate(kind: AGENT, name: "ReturnsAgent", expectedVersion: 2) }',
          {},
          admin,
        );
        expect(applied.errors).toBeUndefined();
        expect((await t.app.services.agents.require('ReturnsAgent')).handoffs).toEqual(
          current('ReturnsAgent').handoffs,
        );
        expect((await list(true)).data!.builtinUpdates).toEqual([]);
        expect(await db.database.db.select().from(declinedBuiltinUpdates)).toEqual([]);
      } finally {
        await t.close();
      }
    } finally {
      await db.dispose();
    }
  });

  it('applies or declines only the offer the designer reviewed: a replica of another release refuses (rolling upgrade)', async () => {
    const db = await createTestDatabase();
    try {
      const agents = registry(db.database);
      await agents.ensure(earlierCards);
      await agents.update('ReturnsAgent', { instructions: 'Our own returns rules.' }, 1, { author: 'ops' });
      const t = await createTestApp({ db, env: { SEED_DEMO_DATA: 'true' } });
      try {
        await editWarranty(db.database.db);
        const listed = await t.gql<{ builtinUpdates: { kind: string; name: string; offer: string }[] }>(
          '{ builtinUpdates { kind name offer } }',
        );
        const offerOf = (name: string) => listed.data!.builtinUpdates.find((u) => u.name === name)!.offer;
        expect(offerOf('ReturnsAgent')).toMatch(/^[0-9a-f]{16}$/);

        // The designer reviewed this release's offers; a replica of a later release offers other content.
        const later = builtinCards.map((c) =>
          c.name === 'ReturnsAgent' ? { ...c, skills: [...c.skills, 'exchange for another size'] } : c,
        );
        const laterSeeds = knowledgeArticleSeeds.map((a) =>
          a.slug === 'warranty' ? { ...a, body: `${a.body} Extended warranties are sold separately.` } : a,
        );
        const refusals = [
          () => agents.applyBuiltinUpdate('ReturnsAgent', later, 'designer', 2, offerOf('ReturnsAgent')),
          () => agents.declineBuiltinUpdate('ReturnsAgent', later, 'designer', 2, offerOf('ReturnsAgent')),
          () => applyKnowledgeUpdate(db.database.db, 'warranty', laterSeeds, offerOf('warranty')),
          () => declineKnowledgeUpdate(db.database.db, 'warranty', 'designer', laterSeeds, offerOf('warranty')),
        ];
        for (const refused of refusals)
          await expect(refused()).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'offer' } });
        // Nothing was applied nor declined.
        expect((await t.app.services.agents.require('ReturnsAgent')).version).toBe(2);
        expect(await db.database.db.select().from(declinedBuiltinUpdates)).toEqual([]);

        // Through GraphQL: an offer that is not the one here is a CONFLICT naming the field; the one listed applies.
        const other = await t.gql(
          'mutation { applyBuiltinUpdate(kind: AGENT, name: "ReturnsAgent", expectedVersion: 2, offer: "0123456789abcdef") }',
        );
        expect([errorCode(other), other.errors![0]!.extensions!.field]).toEqual(['CONFLICT', 'offer']);
        const applied = await t.gql(
          'mutation($offer: String!) { applyBuiltinUpdate(kind: AGENT, name: "ReturnsAgent", expectedVersion: 2, offer: $offer) }',
          { offer: offerOf('ReturnsAgent') },
        );
        expect(applied.errors).toBeUndefined();
        const kept = await t.gql(
          'mutation($offer: String!) { declineBuiltinUpdate(kind: ARTICLE, name: "warranty", offer: $offer) { by } }',
          { offer: offerOf('warranty') },
        );
        expect(kept.errors).toBeUndefined();
      } finally {
        await t.close();
      }
    } finally {
      await db.dispose();
    }
  });

  it('"Keep mine" declines an edited article\'s update and a new article, until a release changes them again', async () => {
    const db = await createTestDatabase({ seeded: true });
    try {
      await editWarranty(db.database.db);
      await db.database.db.delete(knowledgeArticles).where(eq(knowledgeArticles.slug, 'privacy'));
      const t = await createTestApp({ db, env: { SEED_DEMO_DATA: 'true' } });
      try {
        const names = async (includeDeclined: boolean) =>
          (
            await t.gql<{ builtinUpdates: { name: string; declined: { by: string } | null }[] }>(
              `{ builtinUpdates(includeDeclined: ${includeDeclined}) { name declined { by } } }`,
            )
          ).data!.builtinUpdates.map((u) => [u.name, u.declined?.by ?? null]);
        expect(await names(false)).toEqual([
          ['warranty', null],
          ['privacy', null],
        ]);
        const unknown = await t.gql('mutation { declineBuiltinUpdate(kind: ARTICLE, name: "no-such-article") { by } }');
        expect([errorCode(unknown), unknown.errors![0]!.extensions!.field]).toEqual(['NOT_FOUND', 'name']);
        const nothing = await t.gql('mutation { declineBuiltinUpdate(kind: ARTICLE, name: "shipping-times") { by } }');
        expect([errorCode(nothing), nothing.errors![0]!.extensions!.field]).toEqual(['VALIDATION_FAILED', 'name']);

        for (const slug of ['warranty', 'privacy']) {
          const r = await t.gql(`mutation { declineBuiltinUpdate(kind: ARTICLE, name: "${slug}") { by } }`);
          expect(r.errors).toBeUndefined();
        }
        expect(await names(false)).toEqual([]);
        expect(await names(true)).toEqual([
          ['warranty', 'studio (no auth)'],
          ['privacy', 'studio (no auth)'],
        ]);
        const [row] = await db.database.db
          .select({ body: knowledgeArticles.body })
          .from(knowledgeArticles)
          .where(eq(knowledgeArticles.slug, 'warranty'));
        expect(row!.body).toBe('Our own warranty terms.');

        // A later release that changes the warranty article offers it again; privacy, unchanged, stays declined.
        const later = knowledgeArticleSeeds.map((a) =>
          a.slug === 'warranty' ? { ...a, body: `${a.body}\n\nExtended warranty is sold separately.` } : a,
        );
        expect((await knowledgeUpdates(db.database.db, later)).map((u) => [u.slug, u.declined])).toEqual([
          ['warranty', undefined],
        ]);

        // The declined new article can still be added.
        const added = await t.gql('mutation { applyBuiltinUpdate(kind: ARTICLE, name: "privacy") }');
        expect(added.errors).toBeUndefined();
        expect(await names(true)).toEqual([['warranty', 'studio (no auth)']]);
      } finally {
        await t.close();
      }
    } finally {
      await db.dispose();
    }
  });
});
