import { describe, expect, it } from 'vitest';
import { requestUserInfo } from '../../../server/src/store/user-info-form.js';

describe('request_user_info', () => {
  it('builds a form with the requested fields, required or optional', () => {
    const form = requestUserInfo({
      fields: ['email', 'order_id'],
      optional_fields: ['phone'],
      reason: 'To find your order.',
    });
    expect(form.type).toBe('form');
    expect(form.description).toBe('To find your order.');
    expect(form.fields.map((f) => [f.name, f.type, f.required])).toEqual([
      ['email', 'email', true],
      ['order_id', 'text', true],
      ['phone', 'tel', false],
    ]);
    expect(new RegExp(form.fields[1]!.pattern!).test('#W2611340')).toBe(true);
  });
});
