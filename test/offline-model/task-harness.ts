import { planFromBrief } from '../../offline-model/src/offline-planner.js';
import { OfflineProvider } from '../../offline-model/src/offline-provider.js';
import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import type { AgentCard, AgentCardInput } from '../../server/src/domain/agent-card.js';
import type { ChatMessage, ModelResponse, ModelToolSpec } from '../../server/src/models/model-provider.js';
import { taskMessages } from './requests.js';

/** A card as the core sees it, from its input fields. */
export function asCard(input: AgentCardInput): AgentCard {
  const at = new Date(0);
  return { ...input, id: `card-${input.name}`, builtin: false, version: 1, createdAt: at, updatedAt: at };
}

/** A card a designer adds for one topic, as a row: a name, a description and skills; no tools, no hand-offs. */
export const topicCard = (name: string, description: string, skills: string[]): AgentCard =>
  asCard({
    name,
    description,
    skills,
    instructions: '',
    tools: [],
    handoffs: [],
    enabled: true,
    model: {},
    maxSteps: 4,
  });

/** The agents the stand-in plans for a first message, over the built-in cards and any added ones. */
export const plannedAgents = (message: string, ...added: AgentCard[]): string[] =>
  planFromBrief({
    message,
    history: [],
    cards: [...builtinCards.map(asCard), ...added],
    defaultAgent: 'GeneralSupportAgent',
  }).tasks.map((t) => t.agent);

export interface HarnessTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** What a tool returns to the loop: output, or an error with its code, and maybe an identified customer. */
export type HarnessResult = {
  ok: boolean;
  output?: unknown;
  error?: string;
  errorCode?: string;
  errorReason?: string;
  errorDetails?: Record<string, unknown>;
  identifiedCustomerId?: string;
};

export interface TaskRun {
  reply: string;
  calls: { name: string; args: Record<string, unknown>; result?: HarnessResult }[];
  handoff?: { to: string; reason: string };
  responses: ModelResponse[];
  deltas: string[];
}

/**
 * Drives the offline provider through one task the way BaseAgent does: the real system prompt and
 * task message, the card's tools as
 * `server__tool` functions plus its hand-offs, the tool loop with `tool` messages holding JSON
 * output or `{error, code, reason, details}`, the last step without tools, and identity set once a tool finds it.
 */
export async function runTask(options: {
  card: AgentCard;
  tools: HarnessTool[];
  call: (name: string, args: Record<string, unknown>, customerId?: string) => Promise<HarnessResult>;
  instruction: string;
  userMessage: string;
  history?: ChatMessage[];
  customerId?: string;
  knowledge?: { title: string; content: string }[];
  brandVoice?: string;
  businessHoursOpen?: boolean;
  stream?: boolean;
}): Promise<TaskRun> {
  const provider = new OfflineProvider();
  const { card } = options;
  const specs: ModelToolSpec[] = [
    ...options.tools
      .filter((t) => card.tools.includes(t.name))
      .map((t) => ({ name: t.name.replace('.', '__'), description: t.description, parameters: t.inputSchema })),
    ...card.handoffs.map((target) => ({
      name: `handoff_to_${target}`,
      description: `Hand this task to ${target}.`,
      parameters: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] },
    })),
  ];
  let customerId = options.customerId;
  const messages: ChatMessage[] = taskMessages(options);
  const run: TaskRun = { reply: '', calls: [], responses: [], deltas: [] };
  for (let step = 1; ; step++) {
    const last = step >= card.maxSteps;
    const response = await provider.complete({
      agentName: card.name,
      messages: [...messages],
      tools: last ? undefined : specs,
      onDelta: options.stream ? (d) => run.deltas.push(d) : undefined,
    });
    run.responses.push(response);
    if (response.toolCalls.length === 0) {
      run.reply = response.content ?? '';
      return run;
    }
    messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
    for (const c of response.toolCalls) {
      const args = JSON.parse(c.arguments) as Record<string, unknown>;
      if (c.name.startsWith('handoff_to_')) {
        run.handoff = { to: c.name.slice('handoff_to_'.length), reason: String(args.reason ?? '') };
        run.calls.push({ name: c.name, args });
        return run;
      }
      const name = c.name.replace('__', '.');
      const result = await options.call(name, args, customerId);
      if (result.identifiedCustomerId) customerId = result.identifiedCustomerId;
      run.calls.push({ name, args, result });
      messages.push({
        role: 'tool',
        toolCallId: c.id,
        // As the tool executor writes it: a store refusal carries its reason and facts.
        content: JSON.stringify(
          result.ok
            ? (result.output ?? null)
            : { error: result.error, code: result.errorCode, reason: result.errorReason, details: result.errorDetails },
        ),
      });
    }
  }
}
