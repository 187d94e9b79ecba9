import type { ArgumentMatcher, ScenarioTurn } from '../domain/dataset.js';

/** What one turn of a scenario did: the agents that ran tasks, the tool calls, and the final reply. */
export interface ObservedTurn {
  agents: string[];
  toolCalls: { tool: string; arguments: unknown }[];
  reply: string;
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();

function matches(matcher: ArgumentMatcher, value: unknown): boolean {
  if ('equals' in matcher) return JSON.stringify(matcher.equals) === JSON.stringify(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  if ('contains' in matcher) return text.toLowerCase().includes(matcher.contains.toLowerCase());
  return new RegExp(matcher.matches, 'i').test(text);
}

/** The checks of one turn that failed, one line each (empty: the turn passed). */
export function checkTurn(expected: ScenarioTurn, observed: ObservedTurn, turn: number): string[] {
  const failures: string[] = [];
  const at = `turn ${turn}`;
  if (expected.expectAgents) {
    const want = sorted(expected.expectAgents);
    const got = sorted(observed.agents);
    if (want.join() !== got.join())
      failures.push(`${at}: expected agents ${want.join(' + ') || '(refuse)'}, got ${got.join(' + ') || '(refuse)'}`);
  }
  for (const call of expected.expectTools ?? []) {
    const candidates = observed.toolCalls.filter((c) => c.tool === call.tool);
    if (!candidates.length) {
      failures.push(`${at}: expected a call to ${call.tool}, none was made`);
      continue;
    }
    const ok = candidates.some((c) =>
      Object.entries(call.args ?? {}).every(([key, m]) => matches(m, (c.arguments as Record<string, unknown>)?.[key])),
    );
    if (!ok) failures.push(`${at}: ${call.tool} was called, but not with the expected arguments`);
  }
  const reply = observed.reply.toLowerCase();
  for (const text of expected.replyMustContain ?? [])
    if (!reply.includes(text.toLowerCase())) failures.push(`${at}: the reply does not contain "${text}"`);
  for (const text of expected.replyMustNotContain ?? [])
    if (reply.includes(text.toLowerCase())) failures.push(`${at}: the reply contains "${text}"`);
  return failures;
}
