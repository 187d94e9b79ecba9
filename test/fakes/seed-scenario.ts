import { builtinCards } from '../../server/src/agents/builtin-cards.js';
import type { AgentCard } from '../../server/src/domain/agent-card.js';
import type { ModelRequest } from '../../server/src/models/model-provider.js';
import { type ScriptedReply, toolResultsSoFar } from './scripted-model.js';

/** The seed example: two intents, two specialists, one stand-in tool each. */
export const EXAMPLE = "Where's my order #W123, and by the way, do you have any red sneakers in men's size 9?";

export const seedPlan = {
  refuse: false,
  tasks: [
    {
      id: 't1',
      agent: 'OrderManagementAgent',
      instruction: 'Check the status of order #W123',
      statusMessage: 'Checking on the status of your order #W123...',
      dependsOn: [],
    },
    {
      id: 't2',
      agent: 'ProductExpertAgent',
      instruction: "Find red sneakers in men's size 9",
      statusMessage: 'Looking for red sneakers in size 9...',
      dependsOn: [],
    },
  ],
};
const planJson = JSON.stringify(seedPlan);

/**
 * What a seed-example run stores after sendMessage's statement (MESSAGE, RUN_STARTED), in append order:
 * with an instant model, all of it in one write. Tasks start as the plan streams in, so their
 * TASK_STARTED comes before the PLAN, which is stored once the planner's output is complete.
 */
export const SEED_RUN_WRITE = [
  'TASK_STARTED',
  'TASK_STARTED',
  'PLAN',
  'TOOL_CALL',
  'TOOL_CALL',
  'MESSAGE',
  'TASK_COMPLETED',
  'MESSAGE',
  'TASK_COMPLETED',
  'MESSAGE',
  'RUN_COMPLETED',
] as const;

export const ORDER_REPLY = 'Your order #W123 was delivered. Tracking: TRACK123.';
export const PRODUCT_REPLY = 'Yes: Running Shoes in red, size 9, $99.50.';

/** What the zero-latency scripted model answers: a plan, then one tool call and an answer per agent. */
export function seedScript(req: ModelRequest): ScriptedReply {
  if (req.agentName === 'PlannerAgent') return { content: planJson };
  const done = toolResultsSoFar(req) > 0;
  if (req.agentName === 'OrderManagementAgent')
    return done
      ? { content: ORDER_REPLY }
      : { toolCalls: [{ id: 'c1', name: 'store__get_order_details', arguments: '{"order_id":"#W123"}' }] };
  if (req.agentName === 'ProductExpertAgent')
    return done
      ? { content: PRODUCT_REPLY }
      : { toolCalls: [{ id: 'c2', name: 'store__search_products', arguments: '{"query":"red sneakers size 9"}' }] };
  return { content: 'ok' };
}

/** A turn answered the seed example when its reply carries both agents' answers, in plan order. */
export function isSeedReply(reply: string): boolean {
  const order = reply.indexOf('TRACK123');
  return order >= 0 && reply.indexOf('$99.50') > order;
}

/** The stand-in tools' names (see test/fakes/stand-in-tools.ts). */
export const standInToolNames = [
  'store.get_order_details',
  'store.search_products',
  'store.cancel_pending_order',
  'store.create_ticket',
];

/** The built-in cards, limited to the stand-in tools they would have (same names, canned data). */
export function seedCardPatches(): { name: string; tools: string[] }[] {
  return builtinCards.map((c) => ({ name: c.name, tools: c.tools.filter((t) => standInToolNames.includes(t)) }));
}

/** Full AgentCards for the orchestration core without a database. */
export function seedCards(): AgentCard[] {
  const now = new Date();
  const patches = new Map(seedCardPatches().map((p) => [p.name, p.tools]));
  return builtinCards.map((c, i) => ({
    ...c,
    tools: patches.get(c.name) ?? [],
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    builtin: true,
    version: 1,
    createdAt: now,
    updatedAt: now,
  }));
}
