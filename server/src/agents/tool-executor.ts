import { fromFunctionName, type UserInfo } from '../chat/chat-state.js';
import type { RunContext } from '../chat/run-context.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { NewEvent } from '../domain/events.js';
import type { ModelToolCall } from '../models/model-provider.js';
import type { CustomerScope, ToolResult } from '../tools/tool-registry.js';

/** The scope a tool call acts in: nobody once a token-verified customer's verification has ended (mid-run too). */
function customerScope(user: UserInfo): CustomerScope {
  if (user.verifiedUntil && Date.parse(user.verifiedUntil) <= Date.now()) return { verified: false };
  return { customerId: user.customerId, verified: user.verified };
}

/** Tool calls never hang a run: a tool gets this long unless the registry answers sooner. */
const TOOL_TIMEOUT_MS = 30_000;

export interface ExecutedCall {
  call: ModelToolCall;
  /** What the model reads back as the tool message. */
  content: string;
  event: NewEvent;
}

/**
 * Runs one model tool call for an agent. Only the card's tools are allowed: anything else is refused
 * here, in code, and recorded. Identity and idempotency ride along in the call context.
 */
export async function executeToolCall(
  call: ModelToolCall,
  card: AgentCard,
  taskId: string,
  callIndex: number,
  ctx: RunContext,
): Promise<ExecutedCall> {
  const { state } = ctx;
  const tool = fromFunctionName(call.name);
  const started = performance.now();
  const base = { conversationId: state.conversationId, runId: state.runId, taskId, agentName: card.name };
  const finish = (args: unknown, result: ToolResult, refused = false): ExecutedCall => {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    if (result.identifiedCustomerId) state.identify(result.identifiedCustomerId, tool.split('.')[1] ?? tool);
    return {
      call,
      content: JSON.stringify(result.ok ? (result.output ?? null) : { error: result.error, code: result.errorCode }),
      event: {
        ...base,
        type: 'TOOL_CALL',
        data: {
          tool,
          callId: call.id,
          arguments: args,
          ...(result.ok ? { output: result.output ?? null } : { error: result.error ?? 'tool failed' }),
          ...(refused ? { refused: true } : {}),
          ...(result.identifiedCustomerId ? { identifiedCustomerId: result.identifiedCustomerId } : {}),
          durationMs,
        },
      },
    };
  };

  let args: unknown;
  try {
    args = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch {
    return finish(call.arguments, {
      ok: false,
      error: 'Tool arguments were not valid JSON',
      errorCode: 'VALIDATION_FAILED',
    });
  }
  if (!card.tools.includes(tool)) {
    return finish(
      args,
      { ok: false, error: `Tool ${tool} is not allowed for ${card.name}`, errorCode: 'FORBIDDEN' },
      true,
    );
  }
  const timeout = AbortSignal.timeout(TOOL_TIMEOUT_MS);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  let onAbort = () => {};
  const result = await Promise.race([
    ctx.tools.call(tool, args, {
      conversationId: state.conversationId,
      runId: state.runId,
      taskId,
      agentName: card.name,
      callIndex,
      idempotencyKey: `${state.runId}:${taskId}:${callIndex}`,
      customer: customerScope(state.userInfo),
      signal,
    }),
    new Promise<ToolResult>((resolve) => {
      onAbort = () =>
        resolve({
          ok: false,
          error: ctx.signal.aborted ? 'Run cancelled' : `Tool ${tool} timed out after ${TOOL_TIMEOUT_MS} ms`,
          errorCode: 'TIMEOUT',
        });
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  ])
    .catch(
      (err: unknown): ToolResult => ({
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        errorCode: 'TOOL_ERROR',
      }),
    )
    // Node keeps a composite signal with an abort listener alive until its timeout fires: the
    // listener, and through it the run's whole state, would outlive the call by TOOL_TIMEOUT_MS.
    .finally(() => signal.removeEventListener('abort', onAbort));
  return finish(args, result);
}
