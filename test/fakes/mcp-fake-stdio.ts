import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFakeMcpServer } from './mcp-fake-server.js';

// Entry point of the fake MCP server over stdio; `crash` exits the process mid-call.
const server = createFakeMcpServer({ onCrash: () => process.exit(3) });
await server.connect(new StdioServerTransport());
