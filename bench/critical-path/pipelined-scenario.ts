import type { RecordedRequest, ScriptedReply } from '../../test/fakes/scripted-openai-server.js';

/**
 * The pipelined scenario: the planner streams a three-task plan whose task objects close at 200, 400
 * and 600 ms; the tasks take 700, 300 and 100 ms (a tool call, then an answer, half each). Started as
 * each task arrives, the turn takes max(200 + 700, 400 + 300, 600 + 100) = 900 ms; planned first and
 * run after, 600 + 700 = 1,300 ms.
 */
export const PIPELINED_EXAMPLE =
  "Where's my order #W123, do you have red sneakers in men's size 9, and what goes well with them?";
export const TASK_CLOSES_MS = [200, 400, 600] as const;
export const TASK_MS = [700, 300, 100] as const;
export const PIPELINED_IDEAL_MS = Math.max(...TASK_CLOSES_MS.map((at, i) => at + TASK_MS[i]!));
export const PLAN_THEN_RUN_MS = TASK_CLOSES_MS.at(-1)! + Math.max(...TASK_MS);

const tasks = [
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
  {
    id: 't3',
    agent: 'UpsellAgent',
    instruction: 'Suggest something that goes well with red sneakers',
    statusMessage: 'Finding something to go with them...',
    dependsOn: [],
  },
];

const ANSWERS = [
  'Your order #W123 was delivered. Tracking: TRACK123.',
  'Yes: Running Shoes in red, size 9, $99.50.',
  'White sport socks go well with them: $8.',
];
const TOOL_CALLS = [
  { name: 'store__get_order_details', arguments: { order_id: '#W123' } },
  { name: 'store__search_products', arguments: { query: 'red sneakers size 9' } },
  { name: 'store__search_products', arguments: { query: 'socks for sneakers' } },
];

/** The plan as the planner streams it: each task object in two pieces, the second closing it on time. */
export function streamedPlan(): ScriptedReply {
  const pieces: { atMs: number; text: string }[] = [{ atMs: 0, text: '{"refuse":false,"tasks":[' }];
  tasks.forEach((task, i) => {
    const json = JSON.stringify(task);
    const half = Math.floor(json.length / 2);
    const closes = TASK_CLOSES_MS[i]!;
    pieces.push({ atMs: closes - 50, text: json.slice(0, half) });
    pieces.push({ atMs: closes, text: json.slice(half) + (i < tasks.length - 1 ? ',' : ']}') });
  });
  return { contentAt: pieces };
}

/** Whether a request belongs to the pipelined scenario (its conversation holds the scenario's message). */
export function isPipelined(request: RecordedRequest): boolean {
  return request.rawBody.includes('what goes well with them');
}

/** A specialist's reply in the pipelined scenario: its tool call, then its answer, each half the task's time. */
export function pipelinedTaskReply(request: RecordedRequest, toolResults: number): ScriptedReply {
  const i = tasks.findIndex((t) => t.agent === request.agentName);
  if (i < 0) return { status: 500, message: `unexpected agent ${request.agentName}` };
  const delayMs = TASK_MS[i]! / 2;
  return toolResults > 0 ? { content: ANSWERS[i], delayMs } : { toolCalls: [TOOL_CALLS[i]!], delayMs };
}

/** The reply has the three answers, in plan order. */
export function isPipelinedReply(reply: string): boolean {
  const at = ['TRACK123', '$99.50', '$8'].map((s) => reply.indexOf(s));
  return at.every((n, i) => n >= 0 && (i === 0 || n > at[i - 1]!));
}
