import { buildCardIndex, type CardIndex } from './card-scorer.js';
import { planFromBrief } from './offline-planner.js';
import { type CardSummary, isPlanRequest, readPlanBrief } from './plan-brief.js';
import { decideTaskStep } from './specialist-rules.js';
import { readTaskBrief } from './task-brief.js';
import { estimateUsage } from './usage-estimate.js';
import type { ChatRequest, ChatResponse, ToolCall } from './wire.js';
import { wordDeltas } from './word-stream.js';

const CARD_INDEXES_KEPT = 16;

/** Model name reported on every response, so logs never mistake the rules for a language model. */
export const OFFLINE_MODEL = 'offline-rules';

/** The stand-in cannot do what was asked (a cancelled call, a structured output it does not know). */
export class OfflineModelError extends Error {
  override readonly name = 'OfflineModelError';
  constructor(
    message: string,
    readonly reason: 'cancelled' | 'unsupported',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The `offline` provider: a deterministic, rule-based stand-in, NOT a language model. It reads the
 * request as a model would: a plan request's agent list and conversation, or a specialist's system
 * prompt, task message, offered tools and tool results. It plans by scoring the listed agents against
 * the message, runs specialists by picking tools whose arguments it can fill from the text, and writes
 * replies from tool output. Same input, same output. Token usage is estimated from text length.
 */
export class OfflineProvider {
  readonly name = 'offline';
  readonly ruleBased = true;
  /** Card indexes by the cards they index: the same cards come with every plan request. */
  private readonly cardIndexes = new Map<string, CardIndex>();

  async complete(request: ChatRequest): Promise<ChatResponse> {
    if (request.signal?.aborted)
      throw new OfflineModelError('The request was cancelled', 'cancelled', { cause: request.signal.reason });
    let content: string | null;
    let toolCalls: ToolCall[] = [];
    if (isPlanRequest(request)) {
      // Serialised whole, so a caller that streams it receives plain JSON text in deltas.
      const brief = readPlanBrief(request);
      content = JSON.stringify(planFromBrief(brief, this.cardIndex(brief.cards)));
    } else if (request.responseFormat) {
      throw new OfflineModelError(
        `The offline stand-in cannot produce structured output "${request.responseFormat.name}"`,
        'unsupported',
      );
    } else {
      const step = decideTaskStep(request, readTaskBrief(request));
      content = step.kind === 'reply' ? step.text : null;
      toolCalls = step.kind === 'tools' ? step.calls : [];
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

  /** Built once per set of cards (a card edited or added makes a new key); a few sets are kept. */
  private cardIndex(cards: readonly CardSummary[]): CardIndex {
    const key = JSON.stringify(cards);
    let index = this.cardIndexes.get(key);
    if (!index) {
      if (this.cardIndexes.size >= CARD_INDEXES_KEPT) this.cardIndexes.clear();
      index = buildCardIndex(cards);
      this.cardIndexes.set(key, index);
    }
    return index;
  }
}
