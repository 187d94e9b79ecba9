/**
 * The chat-completion request and response the stand-in speaks: the OpenAI Chat Completions shape
 * every Baton provider speaks. Declared here, not imported, so the stand-in depends on nothing of the
 * server; the server's `ModelProvider` accepts it structurally.
 */

export type JsonSchema = Record<string, unknown>;

export interface ToolCall {
  id: string;
  /** Function name as offered. */
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface ChatRequest {
  agentName: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Structured output: the reply must be JSON matching this schema. */
  responseFormat?: { name: string; schema: JsonSchema };
  /** Called with each text delta when set. */
  onDelta?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatResponse {
  content: string | null;
  toolCalls: ToolCall[];
  usage?: Usage;
  finishReason: 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';
  model: string;
}
