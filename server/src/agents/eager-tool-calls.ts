import type { ModelToolCall } from '../models/model-provider.js';
import type { ExecutedCall } from './tool-executor.js';

/**
 * The tool calls of one streamed model turn. Each call starts the moment the model has finished its
 * arguments (`offer`, the provider's onToolCall), not when the whole turn is done; `collect` returns
 * every call's result in call order, starting any that were not offered. Calls start in call order
 * either way, so each keeps the call index, and so the idempotency key, it always had.
 */
export class EagerToolCalls {
  private readonly started = new Map<string, Promise<ExecutedCall>>();

  constructor(
    private readonly start: (call: ModelToolCall) => Promise<ExecutedCall>,
    /** Calls that only the whole turn decides (hand-offs) are never started early. */
    private readonly eager: (call: ModelToolCall) => boolean,
  ) {}

  offer = (call: ModelToolCall): void => {
    if (!this.eager(call) || this.started.has(call.id)) return;
    const run = this.start(call);
    run.catch(() => {});
    this.started.set(call.id, run);
  };

  collect(calls: readonly ModelToolCall[]): Promise<ExecutedCall[]> {
    return Promise.all(calls.map((call) => this.started.get(call.id) ?? this.start(call)));
  }

  /** After a failed turn: the results of calls that had started, so that what they did is on record. */
  async settle(): Promise<ExecutedCall[]> {
    const results = await Promise.allSettled(this.started.values());
    return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }
}
