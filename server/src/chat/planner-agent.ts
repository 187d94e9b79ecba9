import { z } from 'zod';
import type { AgentCard } from '../domain/agent-card.js';
import type { Usage } from '../domain/events.js';
import { type Plan, planOutputSchema, planSchema } from '../domain/plan.js';
import type { ChatMessage, ModelProvider } from '../models/model-provider.js';
import type { ChatState } from './chat-state.js';

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
 * an unknown or disabled agent, is retried once with the errors; then the default agent takes it all.
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

  async plan(state: ChatState, signal?: AbortSignal): Promise<PlanOutcome> {
    const messages: ChatMessage[] = [
      { role: 'system', content: this.systemPrompt(state) },
      ...state.renderHistory(PLANNER_NAME),
    ];
    const errors: string[] = [];
    const usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    for (let attempt = 1; attempt <= 2; attempt++) {
      const response = await this.options.models.complete({
        agentName: PLANNER_NAME,
        model: this.options.model,
        timeoutMs: this.options.timeoutMs,
        temperature: 0,
        messages: [...messages],
        responseFormat: { name: 'plan', schema: planJsonSchema },
        signal,
      });
      if (response.usage) {
        usage.promptTokens += response.usage.promptTokens;
        usage.completionTokens += response.usage.completionTokens;
        usage.totalTokens += response.usage.totalTokens;
      }
      const result = validatePlan(response.content, state.context.agents);
      if (result.ok)
        return {
          plan: result.plan,
          source: result.plan.refuse ? 'refusal' : 'planner',
          attempts: attempt,
          errors,
          usage,
        };
      errors.push(result.error);
      messages.push(
        { role: 'assistant', content: response.content ?? '' },
        {
          role: 'user',
          content: `That plan is invalid: ${result.error}. Answer again with a corrected plan as JSON only.`,
        },
      );
    }
    return {
      plan: fallbackPlan(state),
      source: 'fallback',
      attempts: 2,
      fallbackReason: `The planner's output was invalid twice (${errors.at(-1)}); ${state.context.defaultAgent} takes the whole message.`,
      errors,
      usage,
    };
  }
}

/** Parses and checks a plan: JSON, the zod schema, and agent names against the enabled cards. */
export function validatePlan(
  content: string | null,
  agents: AgentCard[],
): { ok: true; plan: Plan } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(stripFences(content ?? ''));
  } catch {
    return { ok: false, error: 'the reply is not valid JSON' };
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      error: parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; '),
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

export function fallbackPlan(state: ChatState): Plan {
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
}
