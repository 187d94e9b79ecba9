import type { Decision } from './decision.js';
import type { TaskContext } from './task-context.js';
import type { TaskIntent } from './task-intent.js';
import type { ToolSpec } from './wire.js';

export const HANDOFF_PREFIX = 'handoff_to_';

/**
 * Name-based hand-off rules: the target is known only by its tool name. A task goes to a colleague
 * whose name fits its intent, unless this card has the tools to do it itself.
 */
const RULES: { target: RegExp; intents: TaskIntent[]; ownTools: string[]; why: string }[] = [
  {
    target: /human|person|people|staff/i,
    intents: ['human'],
    ownTools: ['transfer_to_human_agents', 'create_ticket'],
    why: 'The customer wants to talk to a person',
  },
  {
    target: /return|refund|exchange/i,
    intents: ['return', 'refund', 'exchange'],
    ownTools: ['return_delivered_order_items', 'exchange_delivered_order_items'],
    why: 'The customer wants a return, refund or exchange',
  },
];

/** A hand-off at the start of a task that clearly belongs to a colleague; undefined otherwise. */
export function handoffStep(ctx: TaskContext): Decision | undefined {
  // A colleague handed this task over knowing what it is: passing it on by its words would hand it straight back.
  if (ctx.transcript.steps.length || ctx.transcript.handedOverBy) return undefined;
  for (const spec of ctx.tools) {
    if (!spec.name.startsWith(HANDOFF_PREFIX)) continue;
    const target = spec.name.slice(HANDOFF_PREFIX.length);
    const rule = RULES.find((r) => r.target.test(target));
    if (!rule?.intents.includes(ctx.intent) || rule.ownTools.some((t) => ctx.offered(t))) continue;
    // An exchange asked of a card that changes orders not shipped yet: whether it is one is the order's status, which
    // the card reads first (and hands a delivered order on then).
    if (ctx.intent === 'exchange' && ctx.offered('modify_pending_order_items')) continue;
    return handOff(spec, `${rule.why}: "${ctx.request.trim()}"`);
  }
  return undefined;
}

/** A call of the hand-off tool `spec` (`handoff_to_<Agent>`), with the reason the colleague reads. */
export function handOff(spec: ToolSpec, reason: string): Decision {
  return { kind: 'call', calls: [{ spec, args: { reason } }] };
}
