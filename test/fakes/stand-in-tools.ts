import { ManagedStaticToolRegistry } from '../../server/src/tools/static-tool-registry.js';
import type { ToolCallContext } from '../../server/src/tools/tool-registry.js';

const obj = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });

/** Stand-in store tools for orchestration tests: same names and shapes as the store's, canned data. */
export function standInTools() {
  const calls: { name: string; args: unknown; context: ToolCallContext }[] = [];
  const registry = new ManagedStaticToolRegistry([
    {
      name: 'store.get_order_details',
      description: 'Get the status and details of an order',
      inputSchema: obj({ order_id: { type: 'string' } }, ['order_id']),
      readOnly: true,
      handler: (args, context) => {
        calls.push({ name: 'store.get_order_details', args, context });
        return {
          ok: true,
          output: {
            order_id: (args as { order_id: string }).order_id,
            status: 'delivered',
            fulfillments: [{ tracking_id: ['TRACK123'] }],
          },
        };
      },
    },
    {
      name: 'store.search_products',
      description: 'Search the catalogue',
      inputSchema: obj({ query: { type: 'string' } }, ['query']),
      readOnly: true,
      handler: (args, context) => {
        calls.push({ name: 'store.search_products', args, context });
        return {
          ok: true,
          output: {
            results: [
              {
                item_id: '111',
                name: 'Running Shoes',
                options: { color: 'red', size: '9' },
                price: 99.5,
                available: true,
              },
            ],
          },
        };
      },
    },
    {
      name: 'store.cancel_pending_order',
      description: 'Cancel a pending order',
      inputSchema: obj({ order_id: { type: 'string' }, reason: { type: 'string' } }, ['order_id', 'reason']),
      readOnly: false,
      handler: (args, context) => {
        calls.push({ name: 'store.cancel_pending_order', args, context });
        return { ok: true, output: { status: 'cancelled' } };
      },
    },
    {
      name: 'store.create_ticket',
      description: 'Create a support ticket for a human colleague',
      inputSchema: obj({ summary: { type: 'string' }, priority: { type: 'string' } }, ['summary']),
      readOnly: false,
      handler: (args, context) => {
        calls.push({ name: 'store.create_ticket', args, context });
        return { ok: true, output: { ticket_id: 'T-1', status: 'open' } };
      },
    },
  ]);
  return { registry, calls };
}
