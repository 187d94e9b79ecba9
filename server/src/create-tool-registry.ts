import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { ManagedStaticToolRegistry } from './tools/static-tool-registry.js';
import type { ManagedToolRegistry } from './tools/tool-registry.js';

/** The app's tool registry: the built-in store MCP server plus registered external servers. */
export async function createToolRegistry(_options: { db: Db; config: Config }): Promise<ManagedToolRegistry> {
  return new ManagedStaticToolRegistry();
}
