import type { AgentRegistry } from '../agents/agent-registry.js';
import type { RunPatch } from '../db/run-repository.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';
import type { ModelProvider } from '../models/model-provider.js';
import type { ToolDefinition, ToolRegistry } from '../tools/tool-registry.js';
import type { ChatState } from './chat-state.js';

/** What every step of a run gets: the shared state, the way to record events, and its collaborators. */
export interface RunContext {
  state: ChatState;
  /** Persists, then publishes, then folds the events into ChatState. One batch is one write. */
  emit(events: NewEvent[], run?: Omit<RunPatch, 'id'>): Promise<BatonEvent[]>;
  /** Streams a text delta (published, not stored). */
  delta(taskId: string, agentName: string, text: string): void;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  models: ModelProvider;
  tools: ToolRegistry;
  /** The tool catalogue by qualified name, fetched once per run. */
  toolCatalog(): Promise<ReadonlyMap<string, ToolDefinition>>;
  agents: AgentRegistry;
  /** Default model settings (per-card settings override). */
  modelDefaults: { timeoutMs: number; model?: string; plannerModel?: string };
}
