import type { TaskContext } from './task-context.js';
import { fillArguments } from './tool-arguments.js';
import type { ToolSpec } from './wire.js';

/** What a rule decides for this model call: call tools, or answer with this text. */
export type Decision =
  | { kind: 'call'; calls: { spec: ToolSpec; args: Record<string, unknown> }[] }
  | { kind: 'reply'; text: string }
  /** The recipe is done: write the reply from the results so far. */
  | { kind: 'answer' };

export const reply = (text: string): Decision => ({ kind: 'reply', text });
export const ANSWER: Decision = { kind: 'answer' };

/** Two argument values the same as JSON (rules build them in one key order). */
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A call to `tool` if it is offered, every required argument can be filled, and this task has not
 * already made the same call (a rule must never loop).
 */
export function callTool(ctx: TaskContext, tool: string, given: Record<string, unknown> = {}): Decision | undefined {
  const spec = ctx.offered(tool);
  if (!spec) return undefined;
  const { args, missing } = fillArguments(spec.parameters, ctx.values, given);
  if (missing.length) return undefined;
  if (ctx.called(tool).some((s) => sameJson(s.args, args))) return undefined;
  return { kind: 'call', calls: [{ spec, args }] };
}

/** Several independent calls in one step (e.g. three orders at once); undefined when none applies. */
export function callAll(decisions: Array<Decision | undefined>): Decision | undefined {
  const calls = decisions.flatMap((d) => (d?.kind === 'call' ? d.calls : []));
  return calls.length ? { kind: 'call', calls } : undefined;
}
