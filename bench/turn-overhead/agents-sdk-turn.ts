import {
  Agent,
  type AgentInputItem,
  type AgentOutputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
  Runner,
  setTracingDisabled,
  tool,
  Usage,
} from '@openai/agents';
import { z } from 'zod';
import { EXAMPLE, isSeedReply, ORDER_REPLY, PRODUCT_REPLY } from '../../test/fakes/seed-scenario.js';

/** A Model that answers instantly from a function of the request: the SDK's side of a zero-latency model. */
class InstantModel implements Model {
  constructor(private readonly reply: (request: ModelRequest) => AgentOutputItem[]) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    return { usage: new Usage(), output: this.reply(request) };
  }

  // biome-ignore lint/correctness/useYield: the benchmark runs non-streamed; a streamed call is a scripting error.
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('the turn-overhead benchmark does not stream');
  }
}

const call = (name: string, args: unknown, callId: string): AgentOutputItem => ({
  type: 'function_call',
  name,
  callId,
  id: callId,
  status: 'completed',
  arguments: JSON.stringify(args),
});
const say = (text: string): AgentOutputItem => ({
  type: 'message',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text }],
});
/** Whether the conversation so far holds a result of `toolName`. */
const hasResult = (input: string | AgentInputItem[], toolName: string) =>
  Array.isArray(input) && input.some((i) => i.type === 'function_call_result' && i.name === toolName);
const handoffTool = (request: ModelRequest) => {
  const name = request.handoffs[0]?.toolName;
  if (!name) throw new Error('expected a hand-off to be offered');
  return name;
};

/**
 * (b) The same two-specialist scenario in @openai/agents: a triage agent hands off to an order agent,
 * which calls get_order_details and hands off to a product agent, which calls search_products and
 * answers. Five instant model calls, two tool calls, two hand-offs. Tracing is disabled.
 */
export function agentsSdkTurn(): { turn: () => Promise<void>; tracing: string } {
  setTracingDisabled(true);
  let toolCalls = 0;
  const getOrderDetails = tool({
    name: 'get_order_details',
    description: 'Get the status and details of an order',
    parameters: z.object({ order_id: z.string() }),
    execute: async ({ order_id }) => {
      toolCalls++;
      return { order_id, status: 'delivered', fulfillments: [{ tracking_id: ['TRACK123'] }] };
    },
  });
  const searchProducts = tool({
    name: 'search_products',
    description: 'Search the catalogue',
    parameters: z.object({ query: z.string() }),
    execute: async () => {
      toolCalls++;
      return {
        results: [
          { item_id: '111', name: 'Running Shoes', options: { color: 'red', size: '9' }, price: 99.5, available: true },
        ],
      };
    },
  });

  const productAgent = new Agent({
    name: 'ProductExpertAgent',
    instructions: 'Answer product questions: search the catalogue before you answer.',
    tools: [searchProducts],
    model: new InstantModel((req) =>
      hasResult(req.input, 'search_products')
        ? [say(`${ORDER_REPLY}\n\n${PRODUCT_REPLY}`)]
        : [call('search_products', { query: 'red sneakers size 9' }, 'c2')],
    ),
  });
  const orderAgent = new Agent({
    name: 'OrderManagementAgent',
    instructions: 'Track orders; hand product questions to ProductExpertAgent.',
    tools: [getOrderDetails],
    handoffs: [productAgent],
    model: new InstantModel((req) =>
      hasResult(req.input, 'get_order_details')
        ? [call(handoffTool(req), {}, 'h2')]
        : [call('get_order_details', { order_id: '#W123' }, 'c1')],
    ),
  });
  const triageAgent = new Agent({
    name: 'TriageAgent',
    instructions: 'Route the shopper to the right specialist.',
    handoffs: [orderAgent],
    model: new InstantModel((req) => [call(handoffTool(req), {}, 'h1')]),
  });
  const runner = new Runner({ tracingDisabled: true });

  const turn = async () => {
    toolCalls = 0;
    const result = await runner.run(triageAgent, EXAMPLE);
    const reply = String(result.finalOutput ?? '');
    if (!isSeedReply(reply) || result.lastAgent?.name !== 'ProductExpertAgent' || toolCalls !== 2)
      throw new Error(`agents-sdk turn did not answer the seed example: ${reply}`);
  };
  return { turn, tracing: 'tracing disabled (setTracingDisabled(true) and Runner({ tracingDisabled: true }))' };
}
