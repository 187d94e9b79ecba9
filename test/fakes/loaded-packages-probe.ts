import { Session } from 'node:inspector/promises';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { createTestDatabase } from '../helpers/test-database.js';

/**
 * Starts the app as a replica with the default settings (on TEST_DATABASE_URL's PostgreSQL, else PGlite),
 * serves one GraphQL request, and prints the npm packages whose code the process has loaded, as JSON.
 */
const db = await createTestDatabase();
const app = await buildApp(loadConfig({ SEED_DEMO_DATA: 'false', LOG_LEVEL: 'silent', AUTH_MODE: 'off' }), {
  database: db.database,
});
const { url } = await app.start(0, '127.0.0.1');
await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: '{ __typename }' }),
});
const session = new Session();
session.connect();
const packages = new Set<string>();
// Enabling the debugger reports every script loaded so far.
session.on('Debugger.scriptParsed', ({ params }) => {
  const m = params.url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/);
  if (m) packages.add(m[1] === 'drizzle-orm' && m[2]!.includes('pglite') ? 'drizzle-orm/pglite' : m[1]!);
});
await session.post('Debugger.enable');
await session.post('Debugger.disable');
session.disconnect();
console.log(JSON.stringify([...packages].sort()));
await app.stop();
await db.dispose();
process.exit(0);
