import type { NewEvent } from '../domain/events.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { type ChatState, KNOWLEDGE_RETRIEVER, type KnowledgeArticle } from './chat-state.js';

export const KNOWLEDGE_TOOL = 'store.search_knowledge';
/**
 * The search asks with the message's first words: enough to find articles, and a long message costs
 * the search, and the TOOL_CALL that records it, no more than a short one.
 */
const QUERY_CHARS = 500;

/**
 * Searches the knowledge base for the turn's message, in parallel with planning. It goes through
 * the same ToolRegistry as agents, and its call is recorded as a TOOL_CALL of the retriever.
 */
export class KnowledgeRetriever {
  constructor(
    private readonly tools: ToolRegistry,
    private readonly limit = 3,
  ) {}

  async retrieve(state: ChatState, signal?: AbortSignal): Promise<{ articles: KnowledgeArticle[]; event?: NewEvent }> {
    const catalog = await this.tools.list();
    if (!catalog.some((t) => t.name === KNOWLEDGE_TOOL) || !state.userMessage) return { articles: [] };
    const started = performance.now();
    const message = state.userMessage;
    const query =
      message.length > QUERY_CHARS
        ? message.slice(0, message.lastIndexOf(' ', QUERY_CHARS) + 1 || QUERY_CHARS).trim()
        : message;
    const args = { query, limit: this.limit };
    const result = await this.tools.call(KNOWLEDGE_TOOL, args, {
      conversationId: state.conversationId,
      runId: state.runId,
      taskId: 'retrieval',
      agentName: KNOWLEDGE_RETRIEVER,
      callIndex: 0,
      idempotencyKey: `${state.runId}:retrieval:0`,
      customer: { customerId: state.userInfo.customerId, verified: state.userInfo.verified },
      signal,
    });
    const articles = result.ok ? readKnowledgeArticles(result.output).slice(0, this.limit) : [];
    const event: NewEvent = {
      type: 'TOOL_CALL',
      conversationId: state.conversationId,
      runId: state.runId,
      agentName: KNOWLEDGE_RETRIEVER,
      data: {
        tool: KNOWLEDGE_TOOL,
        arguments: args,
        ...(result.ok ? { output: result.output ?? null } : { error: result.error ?? 'search failed' }),
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
    };
    return { articles, event };
  }
}

/**
 * The articles of a `search_knowledge` output: `{ results: [...] }`, `{ articles: [...] }` or a bare array of
 * `{ title, content|body|snippet }`. Also reads a stored retrieval back when a paused or crashed run resumes.
 */
export function readKnowledgeArticles(output: unknown): KnowledgeArticle[] {
  const list = Array.isArray(output)
    ? output
    : ((output as { results?: unknown[]; articles?: unknown[] } | null)?.results ??
      (output as { articles?: unknown[] } | null)?.articles ??
      []);
  return list.flatMap((a) => {
    const r = a as { title?: unknown; content?: unknown; body?: unknown; snippet?: unknown; score?: unknown };
    const content = r.content ?? r.body ?? r.snippet;
    return typeof r.title === 'string' && typeof content === 'string'
      ? [{ title: r.title, content, score: typeof r.score === 'number' ? r.score : undefined }]
      : [];
  });
}
