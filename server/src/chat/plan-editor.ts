import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Database } from '../db/client.js';
import { rawToRun } from '../db/raw-rows.js';
import { type Plan, type PlanTask, planSchema, planTaskSchema } from '../domain/plan.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { ConversationService, Run } from './conversation-service.js';
import type { EventLog } from './event-log.js';

/** Changes to one pending task; `remove` drops it (nothing may depend on it afterwards). */
export interface PlanEdit {
  taskId: string;
  agent?: string;
  instruction?: string;
  statusMessage?: string;
  dependsOn?: string[];
  remove?: boolean;
}

/** A task added to a paused run's plan; its id is the next free `tN` unless given. */
export interface PlanTaskAddition {
  id?: string;
  agent: string;
  instruction: string;
  statusMessage: string;
  dependsOn?: string[];
}

/** One revision of a paused run's plan: what changed, who changed it and why. */
export interface PlanRevision {
  edits?: PlanEdit[];
  add?: PlanTaskAddition[];
  by: string;
  reason?: string;
}

export interface PlanEditorDeps {
  database: Pick<Database, 'query'>;
  conversations: Pick<ConversationService, 'getRun'>;
  agents: Pick<AgentRegistry, 'enabled'>;
  events: EventLog;
  maxInstructionLength: number;
}

/**
 * Revises the pending part of a paused run's plan: change a task's agent, instruction, status line or
 * dependencies, remove a pending task, add tasks. Tasks that ran stay as they are; the result must be a
 * valid DAG. The PLAN event (`source: edit`) records the new plan, the edit, who made it and why: it is
 * a new plan version (Run.planVersions).
 */
export async function editPlan(deps: PlanEditorDeps, runId: string, revision: PlanRevision): Promise<Run> {
  const run = await deps.conversations.getRun(runId);
  if (run.status !== 'PAUSED' || !run.plan)
    throw new ConflictError(`This run is not paused (${run.status.toLowerCase()}), so its plan cannot change`, {
      details: { field: 'runId', status: run.status },
    });
  const edits = revision.edits ?? [];
  const add = revision.add ?? [];
  if (!edits.length && !add.length) throw ValidationError.single('edits', 'nothing to change');
  const enabled = new Set((await deps.agents.enabled()).map((a) => a.name));
  // A task's instruction is capped by the plan schema too (planners get the same limit), whichever is lower.
  const limit = Math.min(
    deps.maxInstructionLength,
    planTaskSchema.shape.instruction.maxLength ?? Number.POSITIVE_INFINITY,
  );
  const done = new Set(run.completedTaskIds);
  const check = new FieldChecks(enabled, limit);
  let tasks: PlanTask[] = structuredClone(run.plan.tasks);
  const removed = new Map<string, string>();

  edits.forEach((edit, i) => {
    const at = `edits.${i}`;
    const task = tasks.find((t) => t.id === edit.taskId);
    if (!task) throw ValidationError.single(`${at}.taskId`, `no task "${edit.taskId}" in this plan`);
    if (done.has(task.id)) throw ValidationError.single(`${at}.taskId`, `task "${edit.taskId}" has already run`);
    if (edit.remove) {
      tasks = tasks.filter((t) => t !== task);
      removed.set(task.id, `${at}.remove`);
      return;
    }
    if (edit.agent !== undefined) task.agent = check.agent(`${at}.agent`, edit.agent);
    if (edit.instruction !== undefined) task.instruction = check.instruction(`${at}.instruction`, edit.instruction);
    if (edit.statusMessage !== undefined)
      task.statusMessage = check.statusMessage(`${at}.statusMessage`, edit.statusMessage);
    if (edit.dependsOn !== undefined) task.dependsOn = check.dependsOn(`${at}.dependsOn`, edit.dependsOn, task.id);
  });

  const taken = new Set([...tasks.map((t) => t.id), ...removed.keys()]);
  add.forEach((addition, i) => {
    const at = `add.${i}`;
    const id = addition.id?.trim() || nextTaskId(taken);
    if (taken.has(id)) throw ValidationError.single(`${at}.id`, `a task "${id}" exists already`);
    if (!planTaskSchema.shape.id.safeParse(id).success)
      throw ValidationError.single(`${at}.id`, 'task ids use letters, digits, - and _');
    taken.add(id);
    tasks.push({
      id,
      agent: check.agent(`${at}.agent`, addition.agent),
      instruction: check.instruction(`${at}.instruction`, addition.instruction),
      statusMessage: check.statusMessage(`${at}.statusMessage`, addition.statusMessage),
      dependsOn: check.dependsOn(`${at}.dependsOn`, addition.dependsOn ?? [], id),
    });
  });

  for (const task of tasks)
    for (const dep of task.dependsOn) {
      const field = removed.get(dep);
      if (field) throw ValidationError.single(field, `task "${task.id}" depends on "${dep}"; re-wire it first`);
    }
  const parsed = planSchema.safeParse({ refuse: false, tasks });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const task = typeof issue.path[1] === 'number' ? tasks[issue.path[1]] : undefined;
    throw ValidationError.single(task ? `tasks.${task.id}.${String(issue.path[2] ?? '')}` : 'tasks', issue.message);
  }
  const plan: Plan = parsed.data;
  const [updated] = await deps.database.query(
    `update runs set plan = $2::text::jsonb, updated_at = now() where id = $1::uuid and status = 'PAUSED' returning *`,
    [runId, JSON.stringify(plan)],
  );
  if (!updated) throw new ConflictError('This run is no longer paused', { details: { field: 'runId' } });
  const reason = revision.reason?.trim();
  deps.events.publish(
    await deps.events.append([
      {
        type: 'PLAN',
        conversationId: run.conversationId,
        runId,
        agentName: 'PlannerAgent',
        data: {
          plan,
          source: 'edit',
          attempts: 0,
          edit: { edits, add },
          editedBy: revision.by,
          ...(reason ? { editReason: reason } : {}),
        },
      },
    ]),
  );
  return rawToRun(updated);
}

/** Field checks shared by edits and additions, each failing with the field's path. */
class FieldChecks {
  constructor(
    private readonly enabled: ReadonlySet<string>,
    private readonly limit: number,
  ) {}

  agent(field: string, agent: string): string {
    if (!this.enabled.has(agent)) throw ValidationError.single(field, `unknown or disabled agent "${agent}"`);
    return agent;
  }

  instruction(field: string, text: string): string {
    const instruction = text.trim();
    if (!instruction) throw ValidationError.single(field, 'instruction is empty');
    if (instruction.length > this.limit)
      throw ValidationError.single(field, `instruction is longer than ${this.limit} characters`);
    return instruction;
  }

  statusMessage(field: string, text: string): string {
    const message = text.trim();
    const max = planTaskSchema.shape.statusMessage.maxLength ?? 300;
    if (!message) throw ValidationError.single(field, 'status line is empty');
    if (message.length > max) throw ValidationError.single(field, `status line is longer than ${max} characters`);
    return message;
  }

  dependsOn(field: string, deps: string[], self: string): string[] {
    const unique = [...new Set(deps.map((d) => d.trim()).filter(Boolean))];
    if (unique.includes(self)) throw ValidationError.single(field, 'a task cannot depend on itself');
    return unique;
  }
}

function nextTaskId(taken: ReadonlySet<string>): string {
  for (let n = taken.size + 1; ; n++) if (!taken.has(`t${n}`)) return `t${n}`;
}
