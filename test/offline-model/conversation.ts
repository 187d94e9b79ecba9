import { OfflineProvider } from '../../offline-model/src/offline-provider.js';
import type { ChatMessage } from '../../server/src/models/model-provider.js';
import { builtins, planRequest, type Turn } from './requests.js';
import { runTask } from './task-harness.js';

type TaskOptions = Parameters<typeof runTask>[0];
/** What a test adds to every task run of a conversation. */
export type TaskExtra = Partial<TaskOptions>;

/** A card of the seed, by name. */
export const card = (name: string) => builtins.find((c) => c.name === name)!;

/** The plan the core asks for after these turns (a string is one message). */
export const planFor = async (turns: string | Turn[]) =>
  (
    JSON.parse((await new OfflineProvider().complete(planRequest(turns))).content ?? '{}') as {
      tasks: { agent: string; instruction: string }[];
    }
  ).tasks;

/** The run's call of `tool` (held for the yes or made), if any. */
export const callOf = (r: { calls: { name: string; args: Record<string, unknown> }[] }, tool: string) =>
  r.calls.find((c) => c.name === `store.${tool}`);

/**
 * A conversation as the core runs it: each message planned after the turns before it, and its first task run by the
 * card planned (or by `to`, when a test is of that card's answer whoever the planner picks), with the instruction and
 * the history. `toolTurns`: the history carries each run's tool calls and results as the core renders them (a card
 * that reads the options it offered last turn needs them).
 */
export function conversationWith(
  store: Pick<TaskOptions, 'tools' | 'call'>,
  options: { customerId?: string; extra?: TaskExtra; toolTurns?: boolean } = {},
) {
  const turns: Turn[] = [];
  const history: ChatMessage[] = [];
  return async (text: string, to?: string) => {
    turns.push({ role: 'user', text });
    history.push({ role: 'user', content: text });
    const plan = await planFor(turns);
    const agent = to ?? plan[0]!.agent;
    const r = await runTask({
      card: card(agent),
      tools: store.tools,
      call: store.call,
      instruction: plan[0]!.instruction,
      userMessage: text,
      customerId: options.customerId,
      history: [...history],
      ...options.extra,
    });
    if (options.toolTurns) {
      r.calls.forEach((c, i) => {
        const id = `${turns.length}_${i}`;
        history.push({
          role: 'assistant',
          content: null,
          toolCalls: [{ id, name: c.name.replace('.', '__'), arguments: JSON.stringify(c.args) }],
        });
        history.push({ role: 'tool', toolCallId: id, content: JSON.stringify(c.result?.output ?? null) });
      });
      if (r.calls.length)
        history.push({ role: 'system', content: `[System Note] The tool calls above were made by ${agent}.` });
    }
    turns.push({ role: 'assistant', text: r.reply, agentName: agent });
    history.push({ role: 'assistant', content: r.reply });
    return { plan, agent, ...r };
  };
}
