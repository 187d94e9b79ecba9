import { describe, expect, it } from 'vitest';
import { abortable } from '../../../server/src/models/abortable.js';

describe('abortable', () => {
  it('rejects at once when the signal aborts, even if the call never settles', async () => {
    const controller = new AbortController();
    const never = new Promise<string>(() => {});
    const racing = abortable(never, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(racing).rejects.toThrow('cancelled');
  });

  it('rejects for a signal that was already aborted, and passes results through otherwise', async () => {
    await expect(abortable(Promise.resolve(1), AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    await expect(abortable(Promise.resolve(2), new AbortController().signal)).resolves.toBe(2);
    await expect(abortable(Promise.reject(new Error('boom')), new AbortController().signal)).rejects.toThrow('boom');
  });
});
