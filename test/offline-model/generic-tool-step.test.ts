import { describe, expect, it } from 'vitest';
import { asCard, type HarnessResult, runTask } from './task-harness.js';

const obj = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });
const warrantyTools = [
  {
    name: 'warranty.create_claim',
    description: 'Open a warranty claim for a broken or defective product of an order.',
    inputSchema: obj(
      {
        order_id: { type: 'string' },
        description: { type: 'string', description: 'What is wrong with the product' },
        priority: { type: 'string', enum: ['low', 'normal', 'high', 'urgent'] },
      },
      ['order_id', 'description', 'priority'],
    ),
  },
  {
    name: 'warranty.claim_status',
    description: 'Status of an existing warranty claim.',
    inputSchema: obj({ claim_id: { type: 'string' } }, ['claim_id']),
  },
];
const warrantyCard = asCard({
  name: 'WarrantyClaimAgent',
  description: 'Files warranty claims for products that broke or are defective.',
  skills: ['warranty claims', 'broken or defective products'],
  instructions: '',
  tools: warrantyTools.map((t) => t.name),
  handoffs: [],
  enabled: true,
  model: {},
  maxSteps: 4,
});

describe('tools no recipe knows', () => {
  it('calls the best matching tool with arguments filled by name and type, then reports its output', async () => {
    const seen: { name: string; args: Record<string, unknown> }[] = [];
    const run = await runTask({
      card: warrantyCard,
      tools: warrantyTools,
      call: async (name, args): Promise<HarnessResult> => {
        seen.push({ name, args });
        return {
          ok: true,
          output: { claim_id: 'CL-77', status: 'open', next_step: 'We email a prepaid label within 2 days' },
        };
      },
      instruction:
        'Help the customer with this request. The customer wrote: "my blender from order #W2611340 broke, this is urgent"',
      userMessage: 'my blender from order #W2611340 broke, this is urgent',
    });
    expect(seen).toEqual([
      {
        name: 'warranty.create_claim',
        args: {
          order_id: '#W2611340',
          description: 'my blender from order #W2611340 broke, this is urgent',
          priority: 'urgent',
        },
      },
    ]);
    expect(run.reply).toContain('CL-77');
    expect(run.reply).toContain('We email a prepaid label within 2 days');
  });

  it('asks for what is missing instead of calling a tool it cannot fill', async () => {
    const run = await runTask({
      card: warrantyCard,
      tools: warrantyTools,
      call: async () => {
        throw new Error('no tool should be called');
      },
      instruction: 'Help the customer with this request. The customer wrote: "my blender broke, can I claim warranty?"',
      userMessage: 'my blender broke, can I claim warranty?',
    });
    expect(run.calls).toEqual([]);
    expect(run.reply).toMatch(/order number/);
  });
});
