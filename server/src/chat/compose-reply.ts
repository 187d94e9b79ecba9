/** One task's output, in plan order. */
export interface TaskOutput {
  taskId: string;
  agentName: string;
  text: string;
  durationMs?: number;
  usage?: import('../domain/events.js').Usage;
}

/**
 * The unified final reply: each task's answer in plan order, as one message. Deterministic on
 * purpose: a further model call here would add its latency to every turn's critical path.
 */
export function composeReply(outputs: readonly TaskOutput[], fallback: string): string {
  const parts = outputs.map((o) => o.text.trim()).filter(Boolean);
  const unique = parts.filter((p, i) => parts.indexOf(p) === i);
  return unique.length ? unique.join('\n\n') : fallback;
}
