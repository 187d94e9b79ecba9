import type { CustomerSessions } from '../auth/customer-sessions.js';
import type { RunContext } from '../chat/run-context.js';
import type { CodeRefusal } from '../domain/identity.js';
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
    `Too many wrong codes were typed, so codes for this account are locked for ${CODE_TTL_MS / 60_000} minutes. Please try again later.`,
};

/**
 * Before planning: a 6-digit code in the shopper's message is checked against the conversation's
 * verification codes, in code, never by a model. A match verifies the conversation (a session, like a
 * storefront token's, and an IDENTITY event) and the turn goes on; a refused code gets its own fixed
 * reply, returned here, and the turn ends with it. Digits in a conversation that never had a code are
 * left alone.
 */
export async function checkTypedCode(ctx: RunContext, deps: TypedCodeDeps): Promise<string | undefined> {
  const { state } = ctx;
  if (state.userInfo.level === 'verified') return undefined;
  // A resumed run checked its code already: a second check would find it used.
  if (state.identityRecordedThisRun) return undefined;
  const code = typedCode(state.userMessage);
  if (!code) return undefined;
  const result = await deps.codes.check(state.conversationId, code);
  if (result.kind === 'none') return undefined;
  const base = { conversationId: state.conversationId, runId: state.runId, type: 'IDENTITY' as const };
  const policy = state.identityPolicy;
  if (result.kind === 'accepted') {
    const verifiedUntil = new Date(Date.now() + CODE_SESSION_MS);
    await deps.sessions.record(state.conversationId, {
      customerId: result.customerId,
      method: 'email_code',
      verifiedUntil,
    });
    state.verify(result.customerId, 'email_code', verifiedUntil);
    await ctx.append([
      {
        ...base,
        data: {
          level: 'verified',
          method: 'email_code',
          customerId: result.customerId,
          verifiedUntil: verifiedUntil.toISOString(),
          policy,
        },
      },
    ]);
    return undefined;
  }
  const { level, method } = state.userInfo;
  await ctx.append([
    {
      ...base,
      data: {
        level,
        ...(method ? { method } : {}),
        policy,
        codeRefused: { reason: result.reason, triesLeft: result.triesLeft },
      },
    },
  ]);
  return refusals[result.reason](result.triesLeft);
}
