import type { ModelProvider, ModelRequest, ModelResponse } from '../../server/src/models/model-provider.js';

export type ScriptedReply = Partial<ModelResponse> & {
  toolCalls?: ModelResponse['toolCalls'];
  /** Streams the content in these pieces (to a request with onDelta), each after its own wait. */
  stream?: { text: string; delayMs?: number }[];
};

/**
 * An in-process ModelProvider driven by a function of the request: for orchestration tests and the
 * turn-overhead benchmark, where the model itself must cost nothing.
 */
export class ScriptedModel implements ModelProvider {
  readonly name = 'scripted';
  readonly ruleBased = true;
  readonly requests: ModelRequest[] = [];

  constructor(
    private readonly reply: (request: ModelRequest, index: number) => ScriptedReply | Promise<ScriptedReply>,
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    const r = await this.reply(request, this.requests.length - 1);
    const toolCalls = r.toolCalls ?? [];
    for (const piece of r.stream ?? []) {
      if (piece.delayMs) await new Promise((done) => setTimeout(done, piece.delayMs));
      if (request.signal?.aborted) throw request.signal.reason;
      request.onDelta?.(piece.text);
    }
    return {
      content: r.stream ? r.stream.map((p) => p.text).join('') : (r.content ?? null),
      toolCalls,
      finishReason: toolCalls.length ? 'tool_calls' : 'stop',
      model: 'scripted',
      usage: r.usage,
    };
  }
}

/** Number of tool results already in the request after the task's framing message. */
export function toolResultsSoFar(request: ModelRequest): number {
  let lastUser = -1;
  request.messages.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  return request.messages.slice(lastUser + 1).filter((m) => m.role === 'tool').length;
}
