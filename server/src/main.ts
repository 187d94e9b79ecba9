import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { isBatonError } from './errors.js';
import { applyHeapGrowth } from './heap-growth.js';
import { startOfflineModel } from './models/create-model-provider.js';

/** Boots Baton: config → database (migrations, seed) → HTTP server. */
async function main() {
  const config = loadConfig();
  applyHeapGrowth(config.heapGrowingPercent);
  const app = await buildApp(config, {
    onAdminKeyCreated: (key) => {
      console.log('\n  Admin API key (shown once, store it now):');
      console.log(`  ${key}\n`);
    },
  });
  // The stand-in's thread loads while the server starts, not on the first shopper's turn.
  if (app.services.models.ruleBased) await startOfflineModel();
  const { url } = await app.start();
  const db = config.databaseUrl ? 'PostgreSQL' : `PGlite (${config.dataDir})`;
  console.log(
    `Baton listening on ${url}/graphql  ·  database: ${db}  ·  model provider: ${app.services.models.name}${app.services.models.ruleBased ? ' (rule-based stand-in, not an LLM)' : ''}  ·  auth: ${config.authMode}`,
  );
  if (config.authMode === 'off')
    console.log(
      'AUTH_MODE=off: anyone on this machine (by address, Host and Origin) acts as admin. Never use this in production.',
    );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await app.stop().catch((err) => app.services.logger.error({ err }, 'shutdown failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

// Before the app (and its logger) exists, a boot failure can only be printed.
main().catch((err) => {
  console.error(isBatonError(err) ? `${err.code}: ${err.message}` : err);
  process.exit(1);
});
