import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/src/db/client.js';
import { MemoryEventBus } from '../../../server/src/db/memory-event-bus.js';
import { createTestApp } from '../../helpers/test-app.js';
import { createTestDatabase } from '../../helpers/test-database.js';

/**
 * Two replicas on one database: a card created through A is planned by B on B's next message, and a
 * settings change through A reaches B, within a second. On PostgreSQL the replicas have their own pools
 * and the LISTEN/NOTIFY bus between them; on PGlite they share the process's database and a memory bus.
 */
describe('caches follow changes on every replica', () => {
  it('a card created on replica A is planned by replica B on its next message', async () => {
    const shared = await createTestDatabase({ seeded: true });
    const second = shared.url ? await openDatabase({ databaseUrl: shared.url, maxConnections: 4 }) : shared.database;
    const bus = shared.url ? undefined : new MemoryEventBus();
    const a = await createTestApp({ db: shared, eventBus: bus });
    const b = await createTestApp({
      db: { database: second, url: shared.url, dispose: async () => {} },
      eventBus: bus,
    });
    try {
      // B has read (and cached) the cards and settings before A changes them.
      expect((await b.app.services.agents.enabled()).some((c) => c.name === 'WarrantyClaimAgent')).toBe(false);
      await b.app.services.settings.get();
      const created = await a.gql(
        `mutation { createAgent(input: {
          name: "WarrantyClaimAgent", description: "Handles warranty claims for broken or defective products",
          skills: ["warranty claim", "broken or defective product under warranty", "repair or replacement under warranty"],
          tools: ["store.create_ticket"] }) { name } }`,
      );
      expect(created.errors).toBeUndefined();
      await a.gql('mutation { updateSettings(input: { brandVoice: "Terse and kind." }) { brandVoice } }');
      const deadline = Date.now() + 1_000;
      while (Date.now() < deadline) {
        const cards = await b.app.services.agents.enabled();
        const settings = await b.app.services.settings.get();
        if (cards.some((c) => c.name === 'WarrantyClaimAgent') && settings.brandVoice === 'Terse and kind.') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await b.app.services.settings.get()).brandVoice).toBe('Terse and kind.');
      const { conversation } = await b.app.services.conversations.start({});
      const run = await b.app.services.runs.submit(
        conversation.id,
        'My blender is broken and still under warranty, I want a repair under warranty',
        'AUTO',
      );
      await b.app.services.runs.idle();
      const [plan] = await b.app.services.eventStore.list({ runId: run.id, types: ['PLAN'] });
      expect(plan?.type === 'PLAN' && plan.data.plan.tasks.map((t) => t.agent)).toContain('WarrantyClaimAgent');
    } finally {
      await b.close();
      await a.close();
      if (second !== shared.database) await second.close();
      await bus?.close();
      await shared.dispose();
    }
  }, 120_000);
});
