import type { ChatState } from '../chat/chat-state.js';
import { fromFunctionName, toFunctionName } from '../chat/chat-state.js';
import type { RunContext } from '../chat/run-context.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { Usage } from '../domain/events.js';
import type { PlanTask } from '../domain/plan.js';
import { addModelUsage, emptyUsage } from '../domain/usage.js';
import type { ChatMessage, ModelResponse, ModelToolCall, ModelToolSpec } from '../models/model-provider.js';
import type { ToolDefinition } from '../tools/tool-registry.js';
import { CONSENT_NOTE } from './consent-gate.js';
import { EagerToolCalls } from './eager-tool-calls.js';
import { HANDOFF_PREFIX, type Handover, handoverNote, refusedHandoffEvent, resolveHandoff } from './handoff.js';
import type { AgentTurn } from './next-step.js';
import { renderAgentPrompt, renderTaskMessage } from './prompt-template.js';
import { executeToolCall } from './tool-executor.js';

/** A task's own counter, shared by the agents it passes through, so idempotency keys stay unique within the task. */
export interface TaskCursor {
  callIndex: number;
}

/**
 * A specialist built from its card. It renders its system prompt, offers only its card's tools
 * (plus hand-offs), and runs the tool loop for one task, bounded by the card's `maxSteps`.
 */
export class BaseAgent {
  constructor(readonly card: AgentCard) {}

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
      if (!def) return [];
      const description = def.identity.needsConsent ? def.description + CONSENT_NOTE : def.description;
      return [{ name: toFunctionName(name), description, parameters: def.inputSchema }];
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

  /**
   * One turn on the task: ends with an answer, or with a hand-off for the task loop to act on. A task handed over
   * from a colleague says so, with the colleague's reason, before the task itself.
   */
  async run(
    task: PlanTask,
    ctx: RunContext,
    cursor: TaskCursor = { callIndex: 0 },
    handover?: Handover,
  ): Promise<AgentTurn> {
    const { state } = ctx;
    const catalog = await ctx.toolCatalog();
    const enabled = new Set(state.context.agents.map((a) => a.name));
    const specs = this.toolSpecs(catalog, enabled);
    const messages: ChatMessage[] = [
      { role: 'system', content: this.systemPrompt(state, task) },
      ...state.renderHistory(this.name),
      ...(handover ? [{ role: 'system' as const, content: handoverNote(handover) }] : []),
      { role: 'user', content: renderTaskMessage(task, state.userMessage) },
    ];
    const usage = emptyUsage();
    // Read-only tool calls are recorded while the next model call runs. A call with side effects is on
    // record before the agent goes on. The answer does not wait for the records: appends keep their order
    // (the answer's MESSAGE is stored after them, in the same write or a later one), and after a failed
    // write every later append of the run fails, so the answer is never stored without its tool calls.

    for (let step = 1; ; step++) {
      // The last step offers no tools, so the loop always ends with an answer.
      const lastStep = step >= this.card.maxSteps;
      const eager = new EagerToolCalls(
        (call) => executeToolCall(call, this.card, task.id, cursor.callIndex++, ctx),
        (call) => !call.name.startsWith(HANDOFF_PREFIX),
      );
      let response: ModelResponse;
      try {
        response = await this.callModel(messages, lastStep ? [] : specs, task, ctx, eager.offer);
      } catch (err) {
        // Tools that started before the turn failed did their work: it goes on record all the same.
        const done = await eager.settle();
        if (done.length) await ctx.append(done.flatMap((e) => e.events)).catch(() => {});
        throw err;
      }
      addUsage(usage, response);
      const calls = lastStep ? [] : response.toolCalls;
      if (calls.length === 0)
        return {
          agentName: this.name,
          nextStep: { type: 'next_step_final_output', output: response.content?.trim() || '' },
          usage,
        };

      messages.push({ role: 'assistant', content: response.content, toolCalls: calls });
      const handoff = calls.find((c) => c.name.startsWith(HANDOFF_PREFIX));
      const executed = await eager.collect(calls.filter((c) => !c.name.startsWith(HANDOFF_PREFIX)));
      if (executed.length) {
        const write = ctx.append(executed.flatMap((e) => e.events));
        write.catch(() => {}); // a failure surfaces on the run's next append, and the run waits for every write
        if (executed.some((e) => !catalog.get(fromFunctionName(e.call.name))?.readOnly)) await write;
      }
      for (const e of executed) messages.push({ role: 'tool', toolCallId: e.call.id, content: e.content });

      if (handoff) {
        const decision = resolveHandoff(this.card, handoff, state.context.agents);
        if (decision.ok) return { agentName: this.name, nextStep: decision.step, usage };
        await ctx.append([refusedHandoffEvent(ctx, task.id, this.card, handoff, decision)]);
        messages.push({ role: 'tool', toolCallId: handoff.id, content: JSON.stringify({ error: decision.error }) });
      }
    }
  }

  private callModel(
    messages: ChatMessage[],
    tools: ModelToolSpec[],
    task: PlanTask,
    ctx: RunContext,
    onToolCall: (call: ModelToolCall) => void,
  ): Promise<ModelResponse> {
    return ctx.models.complete({
      agentName: this.name,
      model: this.card.model.model ?? ctx.modelDefaults.model,
      temperature: this.card.model.temperature,
      // Unset: the provider's own timeout (MODEL_TIMEOUT_MS) applies.
      timeoutMs: this.card.model.timeoutMs,
      messages: [...messages],
      tools: tools.length ? tools : undefined,
      onDelta: (d) => ctx.publishDelta(task.id, this.name, d),
      onToolCall: tools.length ? onToolCall : undefined,
      signal: ctx.signal,
    });
  }
}

function addUsage(total: Usage, response: ModelResponse) {
  if (response.usage) addModelUsage(total, response.model, response.usage);
}
