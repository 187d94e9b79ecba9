import { createOfflineModelProvider } from '../../server/src/models/create-model-provider.js';
import type { ModelProvider, ModelRequest, ModelResponse } from '../../server/src/models/model-provider.js';

/**
 * The offline provider with its streamed text paced like a remote model's (one word every `msPerDelta`), so
 * clients see a reply stream and tests can drop a connection mid-answer. The text and tool calls are the
 * offline provider's own.
 */
export class PacedModel implements ModelProvider {
  readonly name = 'paced-offline';
  readonly ruleBased = true;
  private readonly inner = createOfflineModelProvider();

  /** `plannerDelayMs`: the planner thinks this long first, so a test can act while a run is planning. */
  constructor(
    private readonly msPerDelta = 20,
    private readonly options: { plannerDelayMs?: number } = {},
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    if (request.agentName === 'PlannerAgent' && this.options.plannerDelayMs)
      await new Promise((r) => setTimeout(r, this.options.plannerDelayMs));
    const deltas: string[] = [];
    const response = await this.inner.complete({ ...request, onDelta: (d: string) => deltas.push(d) });
    for (const delta of deltas) {
      if (request.signal?.aborted) break;
      await new Promise((r) => setTimeout(r, this.msPerDelta));
      request.onDelta?.(delta);
    }
    return response;
  }
}
