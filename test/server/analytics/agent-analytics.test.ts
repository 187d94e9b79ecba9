import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentAnalytics } from '../../../server/src/analytics/agent-analytics.js';
import type { NewEvent } from '../../../server/src/domain/events.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

describe('agentAnalytics: per-agent figures over the event log', () => {
  let db: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp({ db });
  });
  afterAll(async () => {
    await t.close();
    await db.dispose();
  });

  it('counts runs, tasks, containment, hand-offs, latency percentiles, tokens, tool errors and fallbacks', async () => {
    const { conversations, events } = t.app.services;
    const add = async (conversationId: string, runId: string, batch: Omit<NewEvent, 'conversationId' | 'runId'>[]) =>
      events.append(batch.map((e) => ({ ...e, conversationId, runId }) as NewEvent));
    const durations = [100, 200, 300, 400];
    for (const [i, durationMs] of durations.entries()) {
      const { conversation } = await conversations.start({});
      const runId = crypto.randomUUID();
      await t.app.services.database.query(
        `insert into runs (id, conversation_id, status, mode) values ($1::uuid, $2::uuid, 'COMPLETED', 'AUTO')`,
        [runId, conversation.id],
      );
      await add(conversation.id, runId, [
        {
          type: 'PLAN',
          agentName: 'PlannerAgent',
          data: { plan: { refuse: false, tasks: [] }, source: i === 0 ? 'fallback' : 'planner', attempts: 1 },
        },
        {
          type: 'TASK_STARTED',
          agentName: 'ReturnsAgent',
          taskId: 't1',
          data: { statusMessage: 's', instruction: 'i' },
        },
        {
          type: 'TOOL_CALL',
          agentName: 'ReturnsAgent',
          taskId: 't1',
          data: { tool: 'store.x', arguments: {}, durationMs: 5, ...(i < 1 ? { error: 'boom' } : { output: 'ok' }) },
        },
        ...(i === 3
          ? [
              {
                type: 'HANDOFF' as const,
                agentName: 'ReturnsAgent',
                taskId: 't1',
                data: { from: 'ReturnsAgent', to: 'HumanTransferAgent', reason: 'r' },
              },
            ]
          : []),
        { type: 'TASK_COMPLETED', agentName: 'ReturnsAgent', taskId: 't1', data: { output: 'o', durationMs } },
        {
          type: 'MESSAGE',
          agentName: 'ReturnsAgent',
          taskId: 't1',
          data: {
            role: 'assistant',
            text: 'a',
            // Three runs on a priced model, one on a model with no price.
            usage: {
              promptTokens: 6,
              completionTokens: 4,
              totalTokens: 10,
              byModel: { [i < 3 ? 'gpt-4o-mini' : 'local-llm']: { promptTokens: 6, completionTokens: 4 } },
            },
          },
        },
        ...(i === 3
          ? [{ type: 'HUMAN_REQUESTED' as const, data: { by: 'ReturnsAgent', reason: 'r', ticketId: null } }]
          : []),
      ]);
    }
    const now = Date.now();
    const prices = [{ model: 'gpt-4o-mini', inputPerMillion: 1_000, outputPerMillion: 2_000, currency: 'EUR' }];
    const { agents, days, currency } = await agentAnalytics(
      { database: t.app.services.database, prices },
      new Date(now - 3_600_000),
      new Date(now + 60_000),
    );
    expect(currency).toBe('EUR');
    const returns = agents.find((a) => a.agent === 'ReturnsAgent')!;
    expect(returns).toMatchObject({
      runs: 4,
      tasks: 4,
      conversations: 4,
      contained: 3,
      handoffs: 1,
      tokens: 40,
      toolCalls: 4,
      toolErrors: 1,
      // Nearest rank: the 2nd and 4th of four tasks.
      latencyP50Ms: 200,
      latencyP95Ms: 400,
      // 3 × (6 × 1000 + 4 × 2000) / 1e6; local-llm has no price.
      cost: expect.closeTo(0.042, 9),
      unpricedTokens: 10,
    });
    expect(agents.find((a) => a.agent === 'PlannerAgent')).toMatchObject({ plans: 4, planFallbacks: 1 });
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({
      runs: 4,
      tasks: 4,
      handoffs: 1,
      toolErrors: 1,
      planFallbacks: 1,
      humanRequests: 1,
      cost: expect.closeTo(0.042, 9),
      unpricedTokens: 10,
    });
    const unpriced = await agentAnalytics(
      { database: t.app.services.database, prices: [] },
      new Date(now - 3_600_000),
      new Date(now + 60_000),
    );
    expect(unpriced.currency).toBeNull();
    expect(unpriced.agents.find((a) => a.agent === 'ReturnsAgent')).toMatchObject({ cost: null, unpricedTokens: 40 });

    const outside = await agentAnalytics(
      { database: t.app.services.database, prices },
      new Date(now - 7_200_000),
      new Date(now - 3_600_000),
    );
    expect(outside.agents).toEqual([]);
    const bad = await t.gql('query($s: DateTime!) { analytics(since: $s, until: $s) { days { day } } }', {
      s: new Date().toISOString(),
    });
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
  });
  it('takes model prices from the settings (validated) and shows cost through Query.analytics', async () => {
    const set = (prices: string) =>
      t.gql(`mutation { updateSettings(input: { modelPrices: ${prices} }) { modelPrices { model currency } } }`);
    const mixed = await set(
      '[{ model: "gpt-4o-mini", inputPerMillion: 1000, outputPerMillion: 2000, currency: "EUR" }, { model: "local-llm", inputPerMillion: 1, outputPerMillion: 1, currency: "USD" }]',
    );
    expect(errorCode(mixed)).toBe('VALIDATION_FAILED');
    expect(mixed.errors?.[0]?.extensions?.field).toBe('input.modelPrices.1.currency');
    const negative = await set('[{ model: "gpt-4o-mini", inputPerMillion: -1, outputPerMillion: 2, currency: "EUR" }]');
    expect(negative.errors?.[0]?.extensions?.field).toBe('input.modelPrices.0.inputPerMillion');
    const ok = await set('[{ model: "gpt-4o-mini", inputPerMillion: 1000, outputPerMillion: 2000, currency: "EUR" }]');
    expect(ok.errors).toBeUndefined();
    const r = await t.gql<{ analytics: { currency: string; agents: { agent: string; cost: number | null }[] } }>(
      'query($s: DateTime!, $u: DateTime!) { analytics(since: $s, until: $u) { currency agents { agent cost unpricedTokens } } }',
      { s: new Date(Date.now() - 3_600_000).toISOString(), u: new Date(Date.now() + 60_000).toISOString() },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.analytics.currency).toBe('EUR');
    expect(r.data?.analytics.agents.find((a) => a.agent === 'ReturnsAgent')?.cost).toBeCloseTo(0.042, 9);
  });
});
