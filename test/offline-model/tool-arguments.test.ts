import { describe, expect, it } from 'vitest';
import { rawWords, stem } from '../../offline-model/src/text-features.js';
import { type ArgumentValues, fillArguments } from '../../offline-model/src/tool-arguments.js';

const values = (text: string, extra: Partial<ArgumentValues> = {}): ArgumentValues => ({
  text,
  query: '',
  itemIds: [],
  numbers: [],
  urgent: false,
  upset: false,
  stems: new Set(rawWords(text).map(stem)),
  ...extra,
});
const schema = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });

describe('fillArguments', () => {
  it('fills properties by name: ids, email, text fields, and nested filter objects', () => {
    const s = schema(
      {
        order_id: { type: 'string' },
        customer_email: { type: 'string' },
        description: { type: 'string' },
        filters: { type: 'object', properties: { color: { type: 'string' }, max_price: { type: 'number' } } },
        limit: { type: 'integer' },
      },
      ['order_id', 'description'],
    );
    const v = values('my kettle leaks', { orderId: '#W1', email: 'a@b.co', color: 'red', maxPrice: 50 });
    expect(fillArguments(s, v)).toEqual({
      args: {
        order_id: '#W1',
        customer_email: 'a@b.co',
        description: 'my kettle leaks',
        filters: { color: 'red', max_price: 50 },
      },
      missing: [],
    });
  });

  it('reports required properties it cannot fill', () => {
    const s = schema({ claim_id: { type: 'string' }, note: { type: 'string' } }, ['claim_id']);
    expect(fillArguments(s, values('where is my claim')).missing).toEqual(['claim_id']);
  });

  it('picks enum values the shopper named, a priority that fits the tone, else the first allowed', () => {
    const s = schema(
      {
        reason: { type: 'string', enum: ['no longer needed', 'ordered by mistake'] },
        priority: { type: 'string', enum: ['low', 'normal', 'high', 'urgent'] },
      },
      ['reason', 'priority'],
    );
    expect(fillArguments(s, values('I ordered it by mistake')).args).toEqual({
      reason: 'ordered by mistake',
      priority: 'normal',
    });
    expect(fillArguments(s, values('cancel it', { urgent: true })).args).toEqual({
      reason: 'no longer needed',
      priority: 'urgent',
    });
    expect(fillArguments(s, values('cancel it', { upset: true })).args.priority).toBe('high');
  });

  it('lets a recipe give exact values and coerces to the schema type', () => {
    const s = schema({ quantity: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } }, [
      'quantity',
      'tags',
    ]);
    expect(fillArguments(s, values('two please', { numbers: [2] }), { tags: 'gift' }).args).toEqual({
      quantity: 2,
      tags: ['gift'],
    });
  });
});
