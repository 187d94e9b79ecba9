import type { NewEvent } from '../domain/events.js';

/**
 * Coalesces streamed text deltas per task, so a fast token stream becomes a few publishes rather
 * than one per token. Flushed before any stored event, so order is preserved.
 */
export class DeltaBuffer {
  private pending: Extract<NewEvent, { type: 'MESSAGE_DELTA' }>[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly publish: (batch: NewEvent[]) => void,
    private readonly intervalMs = 30,
  ) {}

  push(event: Extract<NewEvent, { type: 'MESSAGE_DELTA' }>): void {
    const last = this.pending.at(-1);
    if (last && last.taskId === event.taskId && last.agentName === event.agentName)
      last.data = { delta: last.data.delta + event.data.delta };
    else this.pending.push(event);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.publish(batch);
  }
}
