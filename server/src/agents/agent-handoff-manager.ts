import type { RunContext } from '../chat/run-context.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { PlanTask } from '../domain/plan.js';
import type { ModelToolCall } from '../models/model-provider.js';
import type { AgentFactory } from './agent-factory.js';
import { type AgentRunResult, HANDOFF_PREFIX, type TaskCursor } from './base-agent.js';

/** A task may pass through at most this many hand-offs, so two agents cannot bounce it forever. */
export const MAX_HANDOFF_DEPTH = 3;

export type HandoffOutcome = { kind: 'done'; result: AgentRunResult } | { kind: 'refused'; error: string };

/** Moves a task from one agent to another: checks the card allows it, records HANDOFF, runs the target. */
export class AgentHandoffManager {
  constructor(private readonly factory: () => AgentFactory) {}

  async handoff(
    from: AgentCard,
    call: ModelToolCall,
    task: PlanTask,
    ctx: RunContext,
    cursor: TaskCursor,
  ): Promise<HandoffOutcome> {
    const to = call.name.slice(HANDOFF_PREFIX.length);
    let reason = '';
    try {
      reason = String((JSON.parse(call.arguments || '{}') as { reason?: unknown }).reason ?? '');
    } catch {
      reason = '';
    }
    const target = ctx.state.context.agents.find((a) => a.name === to);
    const refusal = !from.handoffs.includes(to)
      ? `${from.name} may not hand off to ${to}`
      : !target
        ? `${to} is not an enabled agent`
        : cursor.depth >= MAX_HANDOFF_DEPTH
          ? `Too many hand-offs for one task (${MAX_HANDOFF_DEPTH})`
          : undefined;
    const base = {
      conversationId: ctx.state.conversationId,
      runId: ctx.state.runId,
      taskId: task.id,
      agentName: from.name,
    };
    if (refusal || !target) {
      await ctx.emit([
        {
          ...base,
          type: 'TOOL_CALL',
          data: {
            tool: call.name,
            callId: call.id,
            arguments: { reason },
            error: refusal,
            refused: true,
            durationMs: 0,
          },
        },
      ]);
      return { kind: 'refused', error: refusal ?? 'hand-off refused' };
    }
    await ctx.emit([{ ...base, type: 'HANDOFF', data: { from: from.name, to, reason: reason || 'no reason given' } }]);
    const agent = this.factory().create(target);
    const result = await agent.run(task, ctx, { callIndex: cursor.callIndex, depth: cursor.depth + 1 });
    return { kind: 'done', result };
  }
}
