import type { ChatRequest, Usage } from './wire.js';

/** About four characters per token for English text; close enough to exercise usage bookkeeping. */
const CHARS_PER_TOKEN = 4;

const tokens = (chars: number) => Math.ceil(chars / CHARS_PER_TOKEN);

/**
 * Token counts ESTIMATED from text length (no tokenizer runs): the prompt counts every message,
 * tool spec and schema sent; the completion counts the reply text and tool-call arguments.
 */
export function estimateUsage(
  request: ChatRequest,
  completion: { content: string | null; toolCallText: string },
): Usage {
  let promptChars = 0;
  for (const m of request.messages) promptChars += (m.content ?? '').length + 4;
  for (const m of request.messages)
    if (m.role === 'assistant') for (const c of m.toolCalls ?? []) promptChars += c.name.length + c.arguments.length;
  if (request.tools?.length) promptChars += JSON.stringify(request.tools).length;
  if (request.responseFormat) promptChars += JSON.stringify(request.responseFormat.schema).length;
  const promptTokens = tokens(promptChars);
  const completionTokens = tokens((completion.content ?? '').length + completion.toolCallText.length);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
