import type { RunPatch } from '../db/run-repository.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';
import type { ModelProvider } from '../models/model-provider.js';
import type { ToolDefinition, ToolRegistry } from '../tools/tool-registry.js';
import type { ChatState } from './chat-state.js';

/**
 * What every step of a run gets: the shared state, the run's two event verbs and its collaborators.
 * Per-task state (which task, its tool-call count) is not here: each task loop holds its own.
 */
export interface RunContext {
  state: ChatState;
  /**
   * Durable: stores the events (one batch is one write, applying the run patch), then publishes them
   * and folds them into ChatState. Resolves once they are stored and published.
   */
  append(events: NewEvent[], run?: Omit<RunPatch, 'id'>): Promise<BatonEvent[]>;
  /** Delivered only: publishes a streamed text delta, never stored. */
  publishDelta(taskId: string, agentName: string, text: string): void;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  models: ModelProvider;
  tools: ToolRegistry;
  /** The tool catalogue by qualified name, fetched once per run. */
  toolCatalog(): Promise<ReadonlyMap<string, ToolDefinition>>;
  /** Default model settings (per-card settings override). */
  modelDefaults: { timeoutMs: number; model?: string; plannerModel?: string };
}
