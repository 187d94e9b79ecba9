import { ModelError } from '../errors.js';
import type { ModelProvider, ModelRequest, ModelResponse, ModelToolCall } from './model-provider.js';
import { composeReply } from './offline/compose-reply.js';
import { planFromHints } from './offline/offline-planner.js';
import { decideTaskStep } from './offline/specialist-rules.js';
import { estimateUsage } from './offline/usage-estimate.js';
import { wordDeltas } from './offline/word-stream.js';

/** Model name reported on every response, so logs never mistake the rules for a language model. */
export const OFFLINE_MODEL = 'offline-rules';

/**
 * The `offline` provider: a deterministic, rule-based stand-in, NOT a language model. It reads the
 * structured `request.hints` (not the prose): plans by scoring agent cards against the message,
 * runs specialists by picking tools whose arguments it can fill from the text, and writes replies
 * from tool output. Same input, same output. Token usage is estimated from text length.
 */
export class OfflineProvider implements ModelProvider {
  readonly name = 'offline';
  readonly ruleBased = true;

  async complete(request: ModelRequest): Promise<ModelResponse> {
    if (request.signal?.aborted) throw new ModelError('The request was cancelled', { cause: request.signal.reason });
    const hints = request.hints;
    let content: string | null;
    let toolCalls: ModelToolCall[] = [];
    switch (hints?.kind) {
      case 'plan':
        content = JSON.stringify(planFromHints(hints));
        break;
      case 'task': {
        const step = decideTaskStep(request, hints);
        content = step.kind === 'reply' ? step.text : null;
        toolCalls = step.kind === 'tools' ? step.calls : [];
        break;
      }
      case 'compose':
        content = composeReply(hints);
        break;
      default:
        if (request.responseFormat)
          throw new ModelError(
            `The offline provider needs structured hints to produce "${request.responseFormat.name}"`,
          );
        content = lastUserText(request)
          ? 'I am the offline rule-based assistant and can only help through the shop agents.'
          : 'Hello! How can I help?';
    }
    if (content !== null && request.onDelta) for (const delta of wordDeltas(content)) request.onDelta(delta);
    const toolCallText = toolCalls.map((c) => c.name + c.arguments).join('');
    return {
      content,
      toolCalls,
      usage: estimateUsage(request, { content, toolCallText }),
      finishReason: toolCalls.length ? 'tool_calls' : 'stop',
      model: OFFLINE_MODEL,
    };
  }
}

function lastUserText(request: ModelRequest): string | undefined {
  return [...request.messages].reverse().find((m) => m.role === 'user')?.content;
}
