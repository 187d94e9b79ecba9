import type { ModelCallHints, ModelRequest, ModelToolCall } from '../model-provider.js';
export type TaskHints = Extract<ModelCallHints, { kind: 'task' }>;
export type TaskStep = { kind: 'reply'; text: string } | { kind: 'tools'; calls: ModelToolCall[] };
export function decideTaskStep(_r: ModelRequest, _h: TaskHints): TaskStep {
  return { kind: 'reply', text: 'TODO' };
}
