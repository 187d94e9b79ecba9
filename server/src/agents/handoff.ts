import type { RunContext } from '../chat/run-context.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { NewEvent } from '../domain/events.js';
import type { ModelToolCall } from '../models/model-provider.js';
import type { HandoffStep } from './next-step.js';

/** Function-name prefix of hand-off tools: `handoff_to_<Agent>`. */
export const HANDOFF_PREFIX = 'handoff_to_';

/** Who handed a task to the agent taking it, and why. */
export interface Handover {
  from: string;
  reason: string;
}

/** The note the receiving agent reads before the task: "[System Note] ReturnsAgent handed this task to you: …". */
export function handoverNote(handover: Handover): string {
  return `[System Note] ${handover.from} handed this task to you: ${handover.reason}`;
}

export type HandoffDecision = { ok: true; step: HandoffStep } | { ok: false; error: string; reason: string };

/**
 * Checks a model's hand-off call in code: the handing agent's card must list the target, and the
 * target must be an enabled agent. The model only ever proposes a hand-off.
 */
export function resolveHandoff(
  from: AgentCard,
  call: ModelToolCall,
  enabledAgents: readonly AgentCard[],
): HandoffDecision {
  const to = call.name.slice(HANDOFF_PREFIX.length);
  const reason = handoffReason(call.arguments);
  if (!from.handoffs.includes(to)) return { ok: false, error: `${from.name} may not hand off to ${to}`, reason };
  const target = enabledAgents.find((a) => a.name === to);
  if (!target) return { ok: false, error: `${to} is not an enabled agent`, reason };
  return { ok: true, step: { type: 'next_step_handoff', to: target, reason: reason || 'no reason given' } };
}

/** The TOOL_CALL that records a refused hand-off (the model reads the error and goes on). */
export function refusedHandoffEvent(
  ctx: RunContext,
  taskId: string,
  from: AgentCard,
  call: ModelToolCall,
  refusal: { error: string; reason: string },
): NewEvent {
  return {
    conversationId: ctx.state.conversationId,
    runId: ctx.state.runId,
    taskId,
    agentName: from.name,
    type: 'TOOL_CALL',
    data: {
      tool: call.name,
      callId: call.id,
      arguments: { reason: refusal.reason },
      error: refusal.error,
      refused: true,
      durationMs: 0,
    },
  };
}

/** HANDOFF: the task moves from one agent to the next. */
export function handoffEvent(ctx: RunContext, taskId: string, from: string, step: HandoffStep): NewEvent {
  return {
    conversationId: ctx.state.conversationId,
    runId: ctx.state.runId,
    taskId,
    agentName: from,
    type: 'HANDOFF',
    data: { from, to: step.to.name, reason: step.reason },
  };
}

function handoffReason(args: string): string {
  try {
    return String((JSON.parse(args || '{}') as { reason?: unknown }).reason ?? '');
  } catch {
    return '';
  }
}
