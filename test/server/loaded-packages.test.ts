import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testDatabaseKind } from '../helpers/test-database.js';

const probe = fileURLToPath(new URL('../fakes/loaded-packages-probe.ts', import.meta.url));

/**
 * A replica with the default settings loads only what they use: each package below is a few MiB of
 * heap in every replica (bench/README.md, twelfth session), and is loaded on demand where it is used.
 */
describe('packages a replica loads', () => {
  it('leaves out the clients of what the defaults do not use: NATS, SMTP, OpenAI, OTLP, outbound fetch', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', probe], { env: process.env });
    const loaded: string[] = JSON.parse(stdout.trim().split('\n').at(-1)!);
    // The probe sees what the app runs on.
    expect(loaded).toEqual(expect.arrayContaining(['graphql', 'graphql-ws', 'drizzle-orm']));
    const unused = [
      'nats',
      'nodemailer',
      'openai',
      'undici',
      '@opentelemetry/sdk-trace',
      '@opentelemetry/exporter-trace-otlp-http',
      '@opentelemetry/resources',
      '@opentelemetry/semantic-conventions',
    ];
    if (testDatabaseKind === 'postgres') {
      expect(loaded).toContain('postgres');
      unused.push('@electric-sql/pglite', 'drizzle-orm/pglite');
    } else expect(loaded).toEqual(expect.arrayContaining(['@electric-sql/pglite', 'drizzle-orm/pglite']));
    expect(loaded.filter((p) => unused.includes(p))).toEqual([]);
  }, 60_000);
});
