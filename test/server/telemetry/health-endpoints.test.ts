import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { testDatabaseKind } from '../../helpers/test-database.js';

describe('/healthz and /readyz', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    url = (await t.app.start(0, '127.0.0.1')).url;
  });
  afterAll(() => t.close().catch(() => {}));

  it('/healthz answers while the process is up; /readyz checks the database', async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: testDatabaseKind });
  });

  it('/readyz answers 503 once the database is gone, while /healthz stays 200', async () => {
    await t.app.services.runs.stop();
    await t.db.database.close();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
