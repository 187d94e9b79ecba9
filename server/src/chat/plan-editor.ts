import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Database } from '../db/client.js';
import { rawToRun } from '../db/raw-rows.js';
import { type Plan, planTaskSchema } from '../domain/plan.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { ConversationService, Run } from './conversation-service.js';
import type { EventLog } from './event-log.js';

export interface PlanEdit {
  taskId: string;
  agent?: string;
  instruction?: string;
}

export interface PlanEditorDeps {
  database: Pick<Database, 'query'>;
  conversations: Pick<ConversationService, 'getRun'>;
  agents: Pick<AgentRegistry, 'enabled'>;
  events: EventLog;
  maxInstructionLength: number;
}

/** Edits pending tasks of a paused run; the PLAN event records the edit and the new plan. */
export async function editPlan(deps: PlanEditorDeps, runId: string, edits: PlanEdit[]): Promise<Run> {
  const run = await deps.conversations.getRun(runId);
  if (run.status !== 'PAUSED' || !run.plan)
    throw new ConflictError(`Run ${runId} is not paused, so its plan cannot change`);
  const enabled = new Set((await deps.agents.enabled()).map((a) => a.name));
  // A task's instruction is capped by the plan schema too (planners get the same limit), whichever is lower.
  const limit = Math.min(
    deps.maxInstructionLength,
    planTaskSchema.shape.instruction.maxLength ?? Number.POSITIVE_INFINITY,
  );
  const plan: Plan = structuredClone(run.plan);
  edits.forEach((edit, i) => {
    const task = plan.tasks.find((t) => t.id === edit.taskId);
    if (!task) throw ValidationError.single(`edits.${i}.taskId`, `no task "${edit.taskId}" in this plan`);
    if (run.completedTaskIds.includes(task.id))
      throw ValidationError.single(`edits.${i}.taskId`, `task "${edit.taskId}" has already run`);
    if (edit.agent !== undefined) {
      if (!enabled.has(edit.agent))
        throw ValidationError.single(`edits.${i}.agent`, `unknown or disabled agent "${edit.agent}"`);
      task.agent = edit.agent;
    }
    if (edit.instruction !== undefined) {
      const instruction = edit.instruction.trim();
      if (!instruction) throw ValidationError.single(`edits.${i}.instruction`, 'instruction is empty');
      if (instruction.length > limit)
        throw ValidationError.single(`edits.${i}.instruction`, `instruction is longer than ${limit} characters`);
      task.instruction = instruction;
    }
  });
  const [updated] = await deps.database.query(
    `update runs set plan = $2::text::jsonb, updated_at = now() where id = $1::uuid and status = 'PAUSED' returning *`,
    [runId, JSON.stringify(plan)],
  );
  if (!updated) throw new ConflictError(`Run ${runId} is no longer paused`);
  deps.events.publish(
    await deps.events.append([
      {
        type: 'PLAN',
        conversationId: run.conversationId,
        runId,
        agentName: 'PlannerAgent',
        data: { plan, source: 'edit', attempts: 0, edit: edits },
      },
    ]),
  );
  return rawToRun(updated);
}
