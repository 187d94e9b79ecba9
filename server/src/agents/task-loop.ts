import type { RunContext } from '../chat/run-context.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { Usage } from '../domain/events.js';
import type { PlanTask } from '../domain/plan.js';
import { emptyUsage, mergeUsage } from '../domain/usage.js';
import { HandoffLimitError } from '../errors.js';
import type { AgentFactory } from './agent-factory.js';
import type { TaskCursor } from './base-agent.js';
import { type Handover, handoffEvent } from './handoff.js';

/** A task may pass through at most this many hand-offs, so agents cannot bounce it forever. */
export const MAX_HANDOFFS_PER_TASK = 3;

/** A task's answer and the agent that wrote it (the last one, after any hand-offs). */
export interface TaskAnswer {
  text: string;
  agentName: string;
  usage: Usage;
}

export interface TaskLoopOptions {
  factory: Pick<AgentFactory, 'create'>;
  /** The agent the plan gave the task to. */
  card: AgentCard;
  task: PlanTask;
  ctx: RunContext;
  maxHandoffs?: number;
}

/**
 * Runs one task to its answer. The planned agent takes a turn; a hand-off step records HANDOFF and
 * gives the task to the target, which takes the next turn with the same ChatState. More than
 * `maxHandoffs` hand-offs fail the task with HandoffLimitError. The task's cursor (its tool-call
 * count, which numbers idempotency keys) belongs to this loop alone, so concurrent tasks share nothing.
 */
export async function runTaskLoop(options: TaskLoopOptions): Promise<TaskAnswer> {
  const { factory, task, ctx, maxHandoffs = MAX_HANDOFFS_PER_TASK } = options;
  const cursor: TaskCursor = { callIndex: 0 };
  const usage = emptyUsage();
  const agents = [options.card.name];
  let card = options.card;
  let handover: Handover | undefined;
  for (;;) {
    const turn = await factory.create(card).run(task, ctx, cursor, handover);
    mergeUsage(usage, turn.usage);
    const next = turn.nextStep;
    if (next.type === 'next_step_final_output') return { text: next.output, agentName: turn.agentName, usage };
    agents.push(next.to.name);
    if (agents.length - 1 > maxHandoffs) throw new HandoffLimitError(task.id, maxHandoffs, agents);
    // Stored before the target's turn, with the tool calls before it: the target's history shows them.
    await ctx.append([handoffEvent(ctx, task.id, turn.agentName, next)]);
    handover = { from: turn.agentName, reason: next.reason };
    card = next.to;
  }
}
