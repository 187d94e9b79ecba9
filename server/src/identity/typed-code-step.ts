import type { CustomerSessions } from '../auth/customer-sessions.js';
import type { UserInfo } from '../chat/chat-state.js';
import type { RunContext } from '../chat/run-context.js';
import type { NewEvent } from '../domain/events.js';
import type { CodeRefusal, IdentityPolicy } from '../domain/identity.js';
import { CODE_TTL_MS, type VerificationCodes } from './verification-codes.js';

/** How long a conversation stays verified after a code matched. */
export const CODE_SESSION_MS = 24 * 3_600_000;

/** Six digits standing alone: not part of an order id (#W1234567), a product id or a longer number. */
const TYPED_CODE = /(?<![\w#-])\d{6}(?![\w-])/;

export const typedCode = (text: string) => TYPED_CODE.exec(text)?.[0];

export interface TypedCodeDeps {
  codes: Pick<VerificationCodes, 'check'>;
  sessions: Pick<CustomerSessions, 'record'>;
}

const refusals: Record<CodeRefusal, (triesLeft: number) => string> = {
  wrong: (n) =>
    `That code doesn't match. Please check the email and type the 6-digit code again (${n} ${n === 1 ? 'try' : 'tries'} left).`,
  expired: () => 'That code has expired or was replaced by a newer one. I can send a new code: just ask.',
  used: () => 'That code was already used. I can send a new code: just ask.',
  locked: () =>
    `Too many wrong codes were typed, so codes in this conversation are locked for ${CODE_TTL_MS / 60_000} minutes. Please try again later.`,
};

/** To the right code only (the account's mailbox), refused because the account is under attack and it was tried before. */
const FIRST_TRY_ONLY =
  'Many wrong codes were typed for this account lately, so for its safety a code works only if it is the first one typed after it was sent. I can send a new code: just ask, and type it as soon as it arrives.';

/** What a typed code came to: nothing (no code outstanding), a verification, or a refusal with its fixed reply. */
export type CodeOutcome =
  | { kind: 'none' }
  | { kind: 'verified'; customerId: string; verifiedUntil: Date; event: NewEvent }
  | { kind: 'refused'; reply: string; event: NewEvent };

/**
 * Checks a 6-digit code typed in a conversation against its verification codes, in code, never by a model.
 * A match records the session (24 hours, like a storefront token's) and returns the IDENTITY event to store;
 * a refused code returns its IDENTITY event and the fixed reply. The caller is below `verified`.
 */
export async function checkCode(
  conversation: {
    conversationId: string;
    runId?: string;
    userInfo: Pick<UserInfo, 'level' | 'method'>;
    policy: IdentityPolicy;
  },
  code: string,
  deps: TypedCodeDeps,
): Promise<CodeOutcome> {
  const { conversationId, runId, policy } = conversation;
  const result = await deps.codes.check(conversationId, code);
  if (result.kind === 'none') return result;
  const base = { conversationId, ...(runId ? { runId } : {}), type: 'IDENTITY' as const };
  if (result.kind === 'accepted') {
    const verifiedUntil = new Date(Date.now() + CODE_SESSION_MS);
    await deps.sessions.record(conversationId, { customerId: result.customerId, method: 'email_code', verifiedUntil });
    const data = {
      level: 'verified' as const,
      method: 'email_code' as const,
      customerId: result.customerId,
      verifiedUntil: verifiedUntil.toISOString(),
      policy,
    };
    return { kind: 'verified', customerId: result.customerId, verifiedUntil, event: { ...base, data } };
  }
  const { level, method } = conversation.userInfo;
  const data = {
    level,
    ...(method ? { method } : {}),
    policy,
    codeRefused: { reason: result.reason, triesLeft: result.triesLeft },
  };
  const reply = result.firstTryOnly ? FIRST_TRY_ONLY : refusals[result.reason](result.triesLeft);
  return { kind: 'refused', reply, event: { ...base, data } };
}

/**
 * Before planning: a 6-digit code in the shopper's message is checked against the conversation's
 * verification codes. A match verifies the conversation (a session and an IDENTITY event) and the turn
 * goes on; a refused code gets its own fixed reply, returned here, and the turn ends with it. Digits in
 * a conversation that never had a code are left alone.
 */
export async function checkTypedCode(ctx: RunContext, deps: TypedCodeDeps): Promise<string | undefined> {
  const { state } = ctx;
  if (state.userInfo.level === 'verified') return undefined;
  // A resumed run checked its code already: a second check would find it used.
  if (state.identityRecordedThisRun) return undefined;
  const code = typedCode(state.userMessage);
  if (!code) return undefined;
  const outcome = await checkCode(
    {
      conversationId: state.conversationId,
      runId: state.runId,
      userInfo: state.userInfo,
      policy: state.identityPolicy,
    },
    code,
    deps,
  );
  if (outcome.kind === 'none') return undefined;
  if (outcome.kind === 'verified') state.verify(outcome.customerId, 'email_code', outcome.verifiedUntil);
  await ctx.append([outcome.event]);
  return outcome.kind === 'refused' ? outcome.reply : undefined;
}
