import type { PlanOutcome } from '../chat/planner-agent.js';
import type { RunContext } from '../chat/run-context.js';
import type { PlanTask } from '../domain/plan.js';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
} from './semconv.js';
import type { Telemetry } from './telemetry.js';

/**
 * The orchestrator's spans: a run (`invoke_workflow`), its plan and each task (`invoke_agent`).
 * Model and tool spans started inside them become their children.
 */
export const runSpans = {
  run<T extends { kind: string }>(
    telemetry: Telemetry | undefined,
    ctx: RunContext,
    mode: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    if (!telemetry) return fn();
    return telemetry.span(
      `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW} baton.turn`,
      {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
        [ATTR_GEN_AI_WORKFLOW_NAME]: 'baton.turn',
        ...ids(ctx),
        'baton.run.mode': mode,
      },
      async (span) => {
        const outcome = await fn();
        span?.setAttribute('baton.run.outcome', outcome.kind);
        return outcome;
      },
    );
  },

  plan(telemetry: Telemetry | undefined, ctx: RunContext, fn: () => Promise<PlanOutcome>): Promise<PlanOutcome> {
    if (!telemetry) return fn();
    return telemetry.span(
      `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} PlannerAgent`,
      {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
        [ATTR_GEN_AI_AGENT_NAME]: 'PlannerAgent',
        ...ids(ctx),
      },
      async (span) => {
        const outcome = await fn();
        span?.setAttributes({
          'baton.plan.source': outcome.source,
          'baton.plan.attempts': outcome.attempts,
          'baton.plan.tasks': outcome.plan.tasks.length,
        });
        return outcome;
      },
    );
  },

  task<T>(telemetry: Telemetry | undefined, ctx: RunContext, task: PlanTask, fn: () => Promise<T>): Promise<T> {
    if (!telemetry) return fn();
    return telemetry.span(
      `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} ${task.agent}`,
      {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
        [ATTR_GEN_AI_AGENT_NAME]: task.agent,
        ...ids(ctx),
        'baton.task.id': task.id,
      },
      () => fn(),
    );
  },
};

const ids = (ctx: RunContext) => ({
  [ATTR_GEN_AI_CONVERSATION_ID]: ctx.state.conversationId,
  'baton.run.id': ctx.state.runId,
});
