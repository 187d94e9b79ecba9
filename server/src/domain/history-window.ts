/**
 * How much of a conversation a model call is shown (MODEL_HISTORY_CHARS): the newest messages and tool
 * calls within this many characters, about 16k tokens by default. ChatState.renderHistory applies it;
 * the transcript reads bound what they load by it (transcriptBytes).
 */
export const DEFAULT_HISTORY_CHARS = 64_000;

/**
 * What a transcript read loads for a window of `chars`: the newest events within this many stored bytes
 * (`pg_column_size`, which is compressed for long values), which covers the window even for text of
 * four-byte characters. Loading a little more than the window is harmless; renderHistory cuts exactly.
 */
export function transcriptBytes(chars: number): number {
  return 4 * chars;
}
