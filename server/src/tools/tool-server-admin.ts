import type { McpServerRow } from '../db/schema/mcp-servers.js';
import type { McpServerInput } from './mcp-server-config.js';
import type { McpServerStatus } from './mcp-tool-registry.js';
import type { ToolDefinition, ToolRegistry } from './tool-registry.js';

/** What the GraphQL layer needs to manage MCP servers; McpToolRegistry has it, test registries may not. */
export interface ToolServerAdmin {
  servers(): Promise<McpServerStatus[]>;
  registerServer(input: McpServerInput): Promise<{ server: McpServerRow; tools: ToolDefinition[] }>;
  removeServer(name: string): Promise<McpServerRow>;
}

export function asToolServerAdmin(registry: ToolRegistry): ToolServerAdmin | undefined {
  const r = registry as Partial<ToolServerAdmin>;
  return typeof r.servers === 'function' &&
    typeof r.registerServer === 'function' &&
    typeof r.removeServer === 'function'
    ? (registry as unknown as ToolServerAdmin)
    : undefined;
}

/** The servers behind any registry: real statuses when it manages servers, else its tools grouped by server. */
export async function describeToolServers(registry: ToolRegistry): Promise<McpServerStatus[]> {
  const admin = asToolServerAdmin(registry);
  if (admin) return admin.servers();
  const byServer = new Map<string, ToolDefinition[]>();
  for (const tool of await registry.list()) byServer.set(tool.server, [...(byServer.get(tool.server) ?? []), tool]);
  return [...byServer].map(([name, tools]) => ({
    name,
    transport: 'in-process',
    builtIn: true,
    enabled: true,
    status: 'connected',
    tools,
  }));
}
