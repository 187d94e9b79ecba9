import { z } from 'zod';
import type { AgentCard } from '../domain/agent-card.js';
import type { Usage } from '../domain/events.js';
import { type Plan, type PlanTask, planOutputSchema, planSchema } from '../domain/plan.js';
import { addModelUsage, emptyUsage } from '../domain/usage.js';
import { isModelError } from '../errors.js';
import type { ChatMessage, ModelProvider, ModelResponse } from '../models/model-provider.js';
import type { ChatState } from './chat-state.js';
import { PlanStream } from './plan-stream.js';

export const PLANNER_NAME = 'PlannerAgent';

export interface PlanOutcome {
  plan: Plan;
  source: 'planner' | 'fallback' | 'refusal';
  /** Model calls made (1, or 2 after a retry). */
  attempts: number;
  /** Why the fallback was used. */
  fallbackReason?: string;
  /** Validation errors of each rejected attempt. */
  errors: string[];
  usage?: Usage;
  /** Tasks handed over while the plan streamed, in the order they were committed. */
  streamedTaskIds?: string[];
}

export interface PlannerOptions {
  models: ModelProvider;
  model?: string;
  /** Unset: the provider's own timeout applies. */
  timeoutMs?: number;
}

const planJsonSchema = z.toJSONSchema(planOutputSchema, { target: 'draft-7' }) as Record<string, unknown>;

/**
 * Reads ChatState and the enabled cards and returns a validated Plan. An invalid plan, or one naming
 * an unknown or disabled agent, is retried once with the errors; then the default agent takes the rest.
 * Model failures (timeouts, outages) are not plan errors: they propagate and fail the run.
 */
export class PlannerAgent {
  constructor(private readonly options: PlannerOptions) {}

  systemPrompt(state: ChatState): string {
    const cards = state.context.agents
      .map((a) => `- ${a.name}: ${a.description}\n  Skills: ${a.skills.join('; ') || '(none listed)'}`)
      .join('\n');
    return [
      `You are ${PLANNER_NAME}. You read a shopper's conversation with an online store and split the latest message into tasks for specialist agents.`,
      '## Agents',
      cards,
      '## Rules',
      '- One task per distinct intent, in the order the shopper asked. Assign each to the single best agent by its skills.',
      '- `instruction` restates the part of the message the task handles, with every detail it needs (order ids, sizes, colours, emails).',
      '- `statusMessage` is shown to the shopper while the task runs, e.g. "Checking on the status of your order #W123...".',
      '- `dependsOn` lists task ids whose results this task needs; leave it empty when tasks are independent.',
      `- A greeting or small talk is one task for ${state.context.defaultAgent}.`,
      '- If the message is off-topic for an online store (unrelated questions, requests to write or compute things) or abusive, return {"refuse": true, "tasks": []}.',
      '- Use only the agent names listed above. Answer with JSON only.',
    ].join('\n');
  }

  /**
   * Plans the turn. With `onTask`, the plan is streamed and each task is handed over the moment it
   * is committed (see PlanStream): it will run, whatever the rest of the plan turns out to be. A
   * retry after an invalid plan then covers only what is not committed yet, and the final plan
   * keeps the committed tasks first.
   */
  async plan(
    state: ChatState,
    signal?: AbortSignal,
    onTask?: (task: PlanTask) => void,
    /** Tasks that started before (a run resumed while its plan streamed): they stand, and lead the plan. */
    before: readonly PlanTask[] = [],
  ): Promise<PlanOutcome> {
    const messages: ChatMessage[] = [
      { role: 'system', content: this.systemPrompt(state) },
      ...state.renderHistory(PLANNER_NAME),
    ];
    const agents = state.context.agents;
    const enabled = new Set(agents.map((a) => a.name));
    const committed = new Map<string, PlanTask>(before.map((t) => [t.id, t]));
    const errors: string[] = [];
    const usage = emptyUsage();
    const done = (plan: Plan, attempt: number, extra: Partial<PlanOutcome> = {}): PlanOutcome => ({
      plan,
      source: plan.refuse ? 'refusal' : 'planner',
      attempts: attempt,
      errors,
      usage,
      ...(committed.size ? { streamedTaskIds: [...committed.keys()] } : {}),
      ...extra,
    });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const prior = [...committed.values()];
      const stream = onTask ? new PlanStream({ agents: enabled, committed, onCommit: onTask }) : undefined;
      let streamed = false;
      let response: ModelResponse;
      try {
        response = await this.options.models.complete({
          agentName: PLANNER_NAME,
          model: this.options.model,
          timeoutMs: this.options.timeoutMs,
          temperature: 0,
          messages: [...messages],
          responseFormat: { name: 'plan', schema: planJsonSchema },
          onDelta: stream
            ? (delta) => {
                streamed = true;
                stream.write(delta);
              }
            : undefined,
          signal,
        });
      } catch (err) {
        // A stream that broke after some text (which the provider does not retry, as text was out) is
        // asked for once more: tasks committed from it stand, as after an invalid plan.
        if (attempt < 2 && isModelError(err) && err.details.partialOutput === true && !signal?.aborted) {
          errors.push(`the planner's stream broke: ${err.message}`);
          continue;
        }
        throw err;
      }
      if (stream) {
        // A provider that does not stream hands the whole text over at the end.
        if (!streamed && response.content) stream.writeWhole(response.content);
        stream.end();
      }
      if (response.usage) addModelUsage(usage, response.model, response.usage);
      const result = validatePlan(response.content, agents, prior);
      if (result.ok) {
        stream?.commitRest(result.plan.tasks);
        return done(result.plan, attempt);
      }
      errors.push(result.error);
      const started = [...committed.keys()];
      messages.push(
        { role: 'assistant', content: response.content ?? '' },
        {
          role: 'user',
          content: started.length
            ? `That plan is invalid: ${result.error}. Tasks ${started.join(', ')} have already started and will not run again. Answer again with the corrected plan as JSON only; you may keep those tasks in it, unchanged, and depend on them.`
            : `That plan is invalid: ${result.error}. Answer again with a corrected plan as JSON only.`,
        },
      );
    }
    const started = [...committed.values()];
    const plan = fallbackPlan(state, started);
    const added = plan.tasks.filter((t) => !committed.has(t.id));
    for (const task of added) onTask?.(task);
    return done(plan, 2, {
      source: 'fallback',
      fallbackReason: started.length
        ? `The planner's output was invalid twice (${errors.at(-1)}); tasks ${started.map((t) => t.id).join(', ')} had already started, and ${state.context.defaultAgent} takes the rest of the message.`
        : `The planner's output was invalid twice (${errors.at(-1)}); ${state.context.defaultAgent} takes the whole message.`,
    });
  }
}

/**
 * Parses and checks a plan: JSON, the zod schema, agent names against the enabled cards, and the
 * refusal shape (a refusal has no tasks). `prior`: tasks that already started; they lead the plan,
 * and a task of the reply with the same id is theirs.
 */
export function validatePlan(
  content: string | null,
  agents: AgentCard[],
  prior: readonly PlanTask[] = [],
): { ok: true; plan: Plan } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(stripFences(content ?? ''));
  } catch {
    return { ok: false, error: 'the reply is not valid JSON' };
  }
  if (prior.length && json && typeof json === 'object' && Array.isArray((json as { tasks?: unknown }).tasks)) {
    const ids = new Set(prior.map((t) => t.id));
    const tasks = (json as { tasks: unknown[] }).tasks.filter((t) => !ids.has((t as { id?: string } | null)?.id ?? ''));
    json = { ...json, tasks: [...prior, ...tasks] };
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      error: parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; '),
    };
  if (parsed.data.refuse && parsed.data.tasks.length)
    return {
      ok: false,
      error: prior.length
        ? `a refusal after tasks ${prior.map((t) => t.id).join(', ')} started`
        : 'a refusal has no tasks ("tasks": [])',
    };
  const names = new Set(agents.map((a) => a.name));
  const unknown = parsed.data.tasks.filter((t) => !names.has(t.agent)).map((t) => t.agent);
  if (unknown.length) return { ok: false, error: `unknown or disabled agent ${[...new Set(unknown)].join(', ')}` };
  return { ok: true, plan: parsed.data };
}

/** Models sometimes wrap JSON in a Markdown fence; that is not worth a retry. */
function stripFences(text: string): string {
  const m = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return m ? m[1]! : text;
}

/**
 * The default agent takes the whole message; or, when some tasks already started, the rest of it
 * (it is told which parts those tasks handle, so that it does not answer them again).
 */
export function fallbackPlan(state: ChatState, started: readonly PlanTask[] = []): Plan {
  if (!started.length)
    return {
      refuse: false,
      tasks: [
        {
          id: 't1',
          agent: state.context.defaultAgent,
          instruction: state.userMessage,
          statusMessage: 'Looking into your question...',
          dependsOn: [],
        },
      ],
    };
  const handled = started.map((t) => t.instruction).join('; ');
  let id = 'rest';
  while (started.some((t) => t.id === id)) id = `${id}_`;
  return {
    refuse: false,
    tasks: [
      ...started,
      {
        id,
        agent: state.context.defaultAgent,
        instruction:
          `Answer whatever part of the shopper's message the other tasks do not handle (they handle: ${handled}). The message: ${state.userMessage}`.slice(
            0,
            4_000,
          ),
        statusMessage: 'Looking into the rest of your question...',
        dependsOn: [],
      },
    ],
  };
}
