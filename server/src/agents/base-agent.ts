import type { ChatState } from '../chat/chat-state.js';
import { fromFunctionName, toFunctionName } from '../chat/chat-state.js';
import type { RunContext } from '../chat/run-context.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { Usage } from '../domain/events.js';
import type { PlanTask } from '../domain/plan.js';
import type { ChatMessage, ModelResponse, ModelToolSpec } from '../models/model-provider.js';
import type { ToolDefinition } from '../tools/tool-registry.js';
import type { AgentHandoffManager } from './agent-handoff-manager.js';
import { renderAgentPrompt, renderTaskMessage } from './prompt-template.js';
import { executeToolCall } from './tool-executor.js';

export interface AgentRunResult {
  /** The agent's answer for its task. */
  text: string;
  /** The agent that wrote it (differs from the card's after a hand-off). */
  agentName: string;
  usage?: Usage;
}

/** Mutable per-task counters shared across hand-offs, so idempotency keys stay unique within a task. */
export interface TaskCursor {
  callIndex: number;
  depth: number;
}

export const HANDOFF_PREFIX = 'handoff_to_';

/**
 * A specialist built from its card. It renders its system prompt, offers only its card's tools
 * (plus hand-offs), and runs the tool loop for one task, bounded by the card's `maxSteps`.
 */
export class BaseAgent {
  constructor(
    readonly card: AgentCard,
    protected readonly handoffs: AgentHandoffManager,
  ) {}

  get name(): string {
    return this.card.name;
  }

  /** Role-specific prompt sections; specialists override this. */
  protected extraSections(_state: ChatState): { title: string; body: string }[] {
    return [];
  }

  systemPrompt(state: ChatState, task?: PlanTask): string {
    return renderAgentPrompt({
      card: this.card,
      context: state.context,
      userInfo: state.userInfo,
      task,
      extraSections: this.extraSections(state),
    });
  }

  /** The function specs offered to the model: the card's tools that exist, then its hand-offs. */
  toolSpecs(catalog: ReadonlyMap<string, ToolDefinition>, enabledAgents: ReadonlySet<string>): ModelToolSpec[] {
    const tools = this.card.tools.flatMap((name) => {
      const def = catalog.get(name);
      return def ? [{ name: toFunctionName(name), description: def.description, parameters: def.inputSchema }] : [];
    });
    const handoffs = this.card.handoffs
      .filter((target) => enabledAgents.has(target))
      .map((target) => ({
        name: `${HANDOFF_PREFIX}${target}`,
        description: `Hand this task to ${target}, who continues it with the same conversation.`,
        parameters: {
          type: 'object',
          properties: { reason: { type: 'string', description: 'Why the colleague should take over' } },
          required: ['reason'],
          additionalProperties: false,
        },
      }));
    return [...tools, ...handoffs];
  }

  async run(task: PlanTask, ctx: RunContext, cursor: TaskCursor = { callIndex: 0, depth: 0 }): Promise<AgentRunResult> {
    const { state } = ctx;
    const catalog = await ctx.toolCatalog();
    const enabled = new Set(state.context.agents.map((a) => a.name));
    const specs = this.toolSpecs(catalog, enabled);
    const messages: ChatMessage[] = [
      { role: 'system', content: this.systemPrompt(state, task) },
      ...state.renderHistory(this.name),
      { role: 'user', content: renderTaskMessage(task, state.userMessage) },
    ];
    const usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    // Read-only tool calls are recorded while the next model call runs. A call with side effects is on
    // record before the agent goes on. The answer does not wait for the records: emits keep their order
    // (the answer's MESSAGE is stored after them, in the same write or a later one), and after a failed
    // write every later emit of the run fails, so the answer is never stored without its tool calls.

    for (let step = 1; ; step++) {
      // The last step offers no tools, so the loop always ends with an answer.
      const lastStep = step >= this.card.maxSteps;
      const response = await this.callModel(messages, lastStep ? [] : specs, task, ctx);
      addUsage(usage, response);
      const calls = lastStep ? [] : response.toolCalls;
      if (calls.length === 0) return { text: response.content?.trim() || '', agentName: this.name, usage };

      messages.push({ role: 'assistant', content: response.content, toolCalls: calls });
      const handoff = calls.find((c) => c.name.startsWith(HANDOFF_PREFIX));
      const toolCalls = calls.filter((c) => !c.name.startsWith(HANDOFF_PREFIX));
      const executed = await Promise.all(
        toolCalls.map((call) => executeToolCall(call, this.card, task.id, cursor.callIndex++, ctx)),
      );
      if (executed.length) {
        const write = ctx.emit(executed.flatMap((e) => e.events));
        write.catch(() => {}); // a failure surfaces on the run's next emit, and the run waits for every write
        if (executed.some((e) => !catalog.get(fromFunctionName(e.call.name))?.readOnly)) await write;
      }
      for (const e of executed) messages.push({ role: 'tool', toolCallId: e.call.id, content: e.content });

      if (handoff) {
        const outcome = await this.handoffs.handoff(this.card, handoff, task, ctx, cursor);
        if (outcome.kind === 'done') return { ...outcome.result, usage: sumUsage(usage, outcome.result.usage) };
        messages.push({ role: 'tool', toolCallId: handoff.id, content: JSON.stringify({ error: outcome.error }) });
      }
    }
  }

  private callModel(
    messages: ChatMessage[],
    tools: ModelToolSpec[],
    task: PlanTask,
    ctx: RunContext,
  ): Promise<ModelResponse> {
    return ctx.models.complete({
      agentName: this.name,
      model: this.card.model.model ?? ctx.modelDefaults.model,
      temperature: this.card.model.temperature,
      // Unset: the provider's own timeout (MODEL_TIMEOUT_MS) applies.
      timeoutMs: this.card.model.timeoutMs,
      messages: [...messages],
      tools: tools.length ? tools : undefined,
      onDelta: (d) => ctx.delta(task.id, this.name, d),
      signal: ctx.signal,
    });
  }
}

function addUsage(total: Usage, response: ModelResponse) {
  if (!response.usage) return;
  total.promptTokens += response.usage.promptTokens;
  total.completionTokens += response.usage.completionTokens;
  total.totalTokens += response.usage.totalTokens;
}

function sumUsage(a: Usage, b?: Usage): Usage {
  if (!b) return a;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}
