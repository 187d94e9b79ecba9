import { EmptyState } from '../ui/empty-state.js';

export function McpServerSettings() {
  return <EmptyState title="MCP servers">Pending the server's MCP API.</EmptyState>;
}
