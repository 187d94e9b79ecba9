import { type ChatState, fromFunctionName, type UserInfo } from '../chat/chat-state.js';
import type { RunContext } from '../chat/run-context.js';
import type { AgentCard } from '../domain/agent-card.js';
import type { ChangeSummary } from '../domain/change-summary.js';
import type { NewEvent } from '../domain/events.js';
import type { IdentityLevel, IdentityPolicy } from '../domain/identity.js';
import { IDENTITY_REQUIRED, refuseByIdentity, UNKNOWN_TOOL_POLICY } from '../identity/tool-policy.js';
import type { ModelToolCall } from '../models/model-provider.js';
import { argumentProblem } from '../tools/argument-check.js';
import type { CustomerScope, ToolCallContext, ToolResult } from '../tools/tool-registry.js';
import { CONFIRMATION_REQUIRED, confirmationRequest, consentFor, LAPSED_NOTE } from './consent-gate.js';

/** The scope a tool call acts in: nobody once a verification has ended (mid-run too). */
const customerScope = (state: ChatState) => customerScopeOf(state.userInfo, state.identityPolicy);

/** The scope a call for a conversation with this identity acts in (a run's, or a colleague's on the desk). */
export function customerScopeOf(user: UserInfo, policy: IdentityPolicy): CustomerScope & { level: IdentityLevel } {
  if (user.verifiedUntil && Date.parse(user.verifiedUntil) <= Date.now())
    return { verified: false, level: 'anonymous', policy };
  if (user.level === 'verified') return { customerId: user.customerId, verified: true, level: 'verified', policy };
  return { verified: false, level: user.level, ...(user.claim ? { claim: user.claim } : {}), policy };
}

/**
 * What a successful identity tool changes: the claim it recorded (strict), or under `identityPolicy:
 * email` the customer it found. Applied to ChatState at once (the next call of this task needs it) and
 * recorded as an IDENTITY event. A verified conversation never changes this way.
 */
function identityChange(state: ChatState, result: ToolResult, tool: string): NewEvent | undefined {
  if (state.userInfo.level === 'verified') return undefined;
  const method = tool.endsWith('name_zip') ? 'name_zip' : 'email';
  const policy = state.identityPolicy;
  let data: Extract<NewEvent, { type: 'IDENTITY' }>['data'] | undefined;
  if (result.identityClaim) data = { level: 'claimed', method, claim: result.identityClaim, policy };
  else if (result.identifiedCustomerId && policy === 'email')
    data = { level: 'verified', method, customerId: result.identifiedCustomerId, policy };
  if (!data) return undefined;
  state.foldIdentity(data);
  return { conversationId: state.conversationId, runId: state.runId, type: 'IDENTITY', data };
}

/** Tool calls never hang a run: a tool gets this long unless the registry answers sooner. */
const TOOL_TIMEOUT_MS = 30_000;

export interface ExecutedCall {
  call: ModelToolCall;
  /** What the model reads back as the tool message. */
  content: string;
  /** The TOOL_CALL, then the IDENTITY change it made, if any. */
  events: NewEvent[];
}

/**
 * Runs one model tool call for an agent. Only the card's tools are allowed, only at the identity
 * level each tool declares, and a change to the shopper's order, money or account only once they said
 * yes to it: anything else is refused or held here, in code, whatever the prompt says, and recorded.
 * Identity and idempotency ride along in the call context.
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
  const finish = (
    args: unknown,
    result: ToolResult,
    extra: { refused?: boolean; consented?: boolean; preview?: unknown; change?: ChangeSummary } = {},
  ): ExecutedCall => {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const identity = result.ok ? identityChange(state, result, tool) : undefined;
    const event: NewEvent = {
      ...base,
      type: 'TOOL_CALL',
      data: {
        tool,
        callId: call.id,
        arguments: args,
        ...(result.ok ? { output: result.output ?? null } : { error: result.error ?? 'tool failed' }),
        ...(!result.ok && result.errorCode ? { code: result.errorCode } : {}),
        ...(!result.ok && result.errorReason ? { reason: result.errorReason } : {}),
        ...(!result.ok && result.errorDetails ? { details: result.errorDetails } : {}),
        ...(extra.refused ? { refused: true } : {}),
        ...(extra.consented ? { consented: true } : {}),
        ...(extra.preview !== undefined ? { preview: extra.preview } : {}),
        ...(extra.change ? { change: extra.change } : {}),
        ...(result.identifiedCustomerId ? { identifiedCustomerId: result.identifiedCustomerId } : {}),
        durationMs,
      },
    };
    return {
      call,
      content: JSON.stringify(
        result.ok
          ? (result.output ?? null)
          : {
              error: result.error,
              code: result.errorCode,
              reason: result.errorReason,
              details: result.errorDetails,
              change: extra.change,
              preview: extra.preview,
            },
      ),
      events: identity ? [event, identity] : [event],
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
      { refused: true },
    );
  }
  const definition = (await ctx.toolCatalog()).get(tool);
  const policy = definition?.identity ?? UNKNOWN_TOOL_POLICY;
  const customer = customerScope(state);
  const refusal = refuseByIdentity(policy, customer.level);
  if (refusal) return finish(args, { ok: false, error: refusal, errorCode: IDENTITY_REQUIRED }, { refused: true });
  const run = (preview: boolean) => callWithin(ctx, tool, args, { ...base, callIndex, customer, preview });
  // Held, not run, until the shopper's next message agrees to this exact call: the held call is the proposal. A store
  // write is rehearsed first, so that what cannot be done is said now, and what would be done is known exactly.
  const consent = policy.needsConsent ? consentFor(state, tool, args) : 'none';
  const consented = consent === 'given';
  if (policy.needsConsent && !consented) {
    // A call no rehearsal checks is checked against the tool's schema: nobody is asked to agree to arguments the tool
    // would refuse.
    const invalid = definition && !definition.previewable ? argumentProblem(definition, args) : undefined;
    if (invalid) return finish(args, { ok: false, error: invalid, errorCode: 'VALIDATION_FAILED' });
    const preview = definition?.previewable ? await run(true) : undefined;
    if (preview && !preview.ok && !UNANSWERED.has(preview.errorCode ?? '')) return finish(args, preview);
    const would = preview?.ok ? preview : undefined;
    return finish(
      args,
      {
        ok: false,
        error: (consent === 'late' ? LAPSED_NOTE : '') + confirmationRequest(call.name, would),
        errorCode: CONFIRMATION_REQUIRED,
      },
      { preview: would?.output, change: would?.change },
    );
  }
  return finish(args, await run(false), { consented });
}

/** Codes of a rehearsal that says nothing of the call itself: the change is held without a preview. */
const UNANSWERED: ReadonlySet<string> = new Set(['TOOL_ERROR', 'TIMEOUT', 'PREVIEW_UNSUPPORTED']);

/** One call of a tool through the registry, ended by the run's cancellation or the tool timeout, whichever is first. */
async function callWithin(
  ctx: RunContext,
  tool: string,
  args: unknown,
  call: Pick<
    ToolCallContext,
    'conversationId' | 'runId' | 'taskId' | 'agentName' | 'callIndex' | 'customer' | 'preview'
  >,
): Promise<ToolResult> {
  const timeout = AbortSignal.timeout(TOOL_TIMEOUT_MS);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  let onAbort = () => {};
  return (
    Promise.race([
      ctx.tools.call(tool, args, {
        ...call,
        // A rehearsal stores nothing under the key; the call it rehearses keeps the key it always had.
        idempotencyKey: `${call.runId}:${call.taskId}:${call.callIndex}`,
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
      .finally(() => signal.removeEventListener('abort', onAbort))
  );
}
