import { EmptyState } from '../ui/empty-state.js';

export function KnowledgeSettings() {
  return <EmptyState title="Knowledge base">Pending the server's knowledge API.</EmptyState>;
}
