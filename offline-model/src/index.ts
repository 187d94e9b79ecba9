/** Baton's offline rule-based stand-in for a language model, behind the chat-completion request shape. */
export { OFFLINE_MODEL, OfflineModelError, OfflineProvider } from './offline-provider.js';
export type { ChatMessage, ChatRequest, ChatResponse, JsonSchema, ToolCall, ToolSpec, Usage } from './wire.js';
