import { startFakeMcpHttpServer } from './mcp-fake-server.js';

// Runs the fake MCP server over Streamable HTTP until interrupted: `pnpm tsx test/fakes/mcp-fake-http.ts`.
const server = await startFakeMcpHttpServer();
console.log(`fake MCP server on ${server.url}`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
