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

  it('leaves no unhandled rejection when the call it gave up on, for an aborted signal, fails later', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail!: (e: Error) => void;
      const call = new Promise<string>((_, reject) => {
        fail = reject;
      });
      await expect(abortable(call, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
      // As a run cancelled between two steps: the model call it had started fails once it sees the signal.
      fail(new Error('The request was cancelled'));
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
