import type { ToolIdentityPolicy } from '../domain/identity.js';
import { STORE_SERVER_NAME, storeTools } from '../store/mcp/store-mcp-server.js';
import { storeToolPolicy } from '../store/mcp/store-tool.js';
import { qualifyToolName } from '../tools/tool-registry.js';
import { IdentityToolRegistry } from './identity-tools.js';

/** Every built-in tool (the store's, then Baton's identity tools) with its declared policy. */
export async function builtinToolPolicies(): Promise<{ name: string; identity: ToolIdentityPolicy }[]> {
  const store = storeTools.map((t) => ({
    name: qualifyToolName(STORE_SERVER_NAME, t.name),
    identity: storeToolPolicy(t),
  }));
  const empty = { list: async () => [], call: async () => ({ ok: false }), close: async () => {} };
  const identity = await new IdentityToolRegistry(empty, { issue: async () => {} }).list();
  return [...store, ...identity.map((t) => ({ name: t.name, identity: t.identity }))];
}
