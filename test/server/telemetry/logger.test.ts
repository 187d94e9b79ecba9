import { locatedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, yogaLogger } from '../../../server/src/logger.js';
import type { ModelProvider } from '../../../server/src/models/model-provider.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

/** A pino logger writing JSON lines into an array. */
function capture(level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    { logLevel: level, env: 'test' },
    { write: (line: string) => void lines.push(JSON.parse(line)) },
  );
  return { logger, lines };
}

describe('structured logs', () => {
  let t: TestApp;
  const { logger, lines } = capture();
  let failing = false;
  beforeAll(async () => {
    // The real offline provider, except when a test makes it fail with an unexpected (non-Baton) error.
    const { createModelProvider } = await import('../../../server/src/models/create-model-provider.js');
    const { loadConfig } = await import('../../../server/src/config.js');
    const real = createModelProvider(loadConfig({}));
    const models: ModelProvider = {
      name: real.name,
      ruleBased: real.ruleBased,
      complete: (request) => {
        if (failing) throw new TypeError('provider exploded');
        return real.complete(request);
      },
    };
    t = await createTestApp({ logger, models });
  });
  afterAll(() => t.close());

  it('a run logs as JSON through a child carrying its run and conversation ids', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    const run = await t.app.services.runs.submit(conversation.id, 'What are your opening hours?', 'AUTO');
    await waitForRun(t.app, run.id);
    const mine = lines.filter((l) => l.runId === run.id);
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['run started', 'run finished']));
    for (const line of mine) expect(line).toMatchObject({ conversationId: conversation.id, service: 'baton' });
    expect(mine.find((l) => l.msg === 'run finished')).toMatchObject({ outcome: 'completed', level: 30 });
  });

  it('an unexpected failure is logged with its stack, not printed with console.error', async () => {
    const consoleError = vi.spyOn(console, 'error');
    failing = true;
    try {
      const { conversation } = await t.app.services.conversations.start({});
      const run = await t.app.services.runs.submit(conversation.id, 'Where is my order #W2611340?', 'AUTO');
      expect((await waitForRun(t.app, run.id)).status).toBe('FAILED');
      const failed = lines.find((l) => l.runId === run.id && l.msg === 'run failed');
      expect(failed?.level).toBeGreaterThanOrEqual(40);
      expect(JSON.stringify(failed)).toMatch(/provider exploded/);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      failing = false;
      consoleError.mockRestore();
    }
  });

  it('never writes credentials', () => {
    const { logger: log, lines: out } = capture('info');
    log.info({ authorization: 'Bearer bk_adm_secret', headers: { authorization: 'Bearer ct_x' } }, 'request');
    expect(JSON.stringify(out)).not.toMatch(/bk_adm_secret|ct_x/);
    expect(out[0]).toMatchObject({ authorization: '[redacted]' });
  });

  it('LOG_LEVEL=silent writes nothing', () => {
    const { logger: log, lines: out } = capture('silent');
    log.error('nobody hears this');
    expect(out).toEqual([]);
  });
});

describe('error logs carry codes and ids, not parameters (production)', () => {
  let t: TestApp;
  const { logger, lines } = capture();
  beforeAll(async () => {
    t = await createTestApp({ logger, env: { NODE_ENV: 'production', AUTH_MODE: 'keys', LOG_LEVEL: 'debug' } });
  });
  afterAll(() => t.close());

  it('a failed statement is logged with its SQLSTATE and statement, never its parameters or the values it quotes', async () => {
    const { sql } = await import('drizzle-orm');
    const secret = 'ct_hash_0f9e8d7c6b5a-shopper-text';
    const err = await t.app.services.db.execute(sql`select ${secret}::int`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeDefined();
    t.app.services.logger.error({ err }, 'statement failed');
    const line = lines.find((l) => l.msg === 'statement failed')!;
    expect(JSON.stringify(line)).not.toContain(secret);
    expect(line.err).toMatchObject({ code: '22P02', query: expect.stringContaining('$1') });
  });

  const PRIVATE = ['Jane Privateperson', 'customer SSN', '123-45-6789'];

  it("a caller's malformed id leaves no statement, no parameters, no error line and no stack", async () => {
    lines.length = 0;
    const admin = (await t.app.services.apiKeys.create('desk', 'admin')).key;
    const r = await t.gql(
      'mutation { updateTicket(id: "not-a-uuid", input: { assignee: "Jane Privateperson", internalNote: "customer SSN 123-45-6789" }) { id } }',
      {},
      admin,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const logged = JSON.stringify(lines);
    for (const value of PRIVATE) expect(logged).not.toContain(value);
    expect(logged).not.toMatch(/Failed query|params:/);
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(logged).not.toContain('"stack"');
  });

  it('a failed statement that reaches the GraphQL layer is logged without its parameters, by yoga too', async () => {
    const { sql } = await import('drizzle-orm');
    const err = await t.app.services.db
      .execute(sql`select ${'Jane Privateperson'}::uuid, ${'customer SSN 123-45-6789'}::text`)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(String((err as Error).message)).toContain('Jane Privateperson');
    lines.length = 0;
    // What yoga hands its logger: the error graphql-js located at the field, before Baton's maskError.
    const located = locatedError(err, [], ['updateTicket']);
    yogaLogger(t.app.services.logger).error(located);
    yogaLogger(t.app.services.logger).error(err);
    t.app.services.logger.error({ err: located }, 'unexpected error');
    expect(lines.length).toBe(3);
    const logged = JSON.stringify(lines);
    for (const value of PRIVATE) expect(logged).not.toContain(value);
    expect(logged).not.toContain('params');
    expect(lines[0]).toMatchObject({ component: 'yoga', err: { cause: { query: expect.stringContaining('$1') } } });
  });

  it('authentication and authorisation refusals leave no error line and no stack', async () => {
    lines.length = 0;
    await t.gql('{ __typename }', {}, 'bk_int_not-a-key');
    await t.gql('{ conversations(first: 1) { edges { node { id } } } }');
    await t.gql('query($s: [RunStatus!]) { runs(status: $s) { id } }', { s: ['NOPE'] });
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('"stack"');
  });
});
