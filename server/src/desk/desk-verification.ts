import type { UserInfo } from '../chat/chat-state.js';
import type { EventLog } from '../chat/event-log.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';
import type { IdentityClaim } from '../domain/identity.js';
import type { WorkspaceSettings } from '../domain/workspace-settings.js';
import { ConflictError } from '../errors.js';
import { checkCode, type TypedCodeDeps, typedCode } from '../identity/typed-code-step.js';
import type { VerificationCodes } from '../identity/verification-codes.js';
import type { DeskActor } from './desk-actor.js';
import { DESK_AGENT, type DeskService } from './desk-service.js';

interface IdentityDeps {
  settings: { get(): Promise<WorkspaceSettings> };
  /** The conversation's identity now, as its next run would see it. */
  identity: (conversationId: string) => Promise<UserInfo>;
}

/** The words the shopper reads: the same whether or not the claim belongs to an account. */
const codeSentText = (claim: IdentityClaim) =>
  `If ${'email' in claim ? `${claim.email.trim()} is the email address of an account` : 'that name and zip code belong to an account'} here, I've just emailed a 6-digit code to the address on it. It expires in 10 minutes: please type it here.`;

export const CODE_MATCHED_TEXT = 'Thank you, that code matches: you are verified.';

/**
 * A code the shopper types while the conversation waits for a person or a person owns it: no run reads it then, so
 * the desk checks it as a run would (in code, before anyone sees the message), and answers with the same fixed words.
 */
export class HeldCodes {
  constructor(private readonly deps: IdentityDeps & { codes: TypedCodeDeps }) {}

  /** The IDENTITY event and the shopper's answer for a typed code; undefined when the message holds none to check. */
  async check(conversationId: string, text: string): Promise<NewEvent[] | undefined> {
    const code = typedCode(text);
    if (!code) return undefined;
    const userInfo = await this.deps.identity(conversationId);
    if (userInfo.level === 'verified') return undefined;
    const { identityPolicy: policy } = await this.deps.settings.get();
    const outcome = await checkCode({ conversationId, userInfo, policy }, code, this.deps.codes);
    if (outcome.kind === 'none') return undefined;
    const reply = outcome.kind === 'verified' ? CODE_MATCHED_TEXT : outcome.reply;
    return [
      outcome.event,
      { type: 'MESSAGE', conversationId, agentName: DESK_AGENT, data: { role: 'assistant', text: reply } },
    ];
  }
}

/**
 * The colleague who owns a conversation verifies the shopper the way the chat does: the shopper's email (or name
 * and zip) is recorded as their claim, and a one-time code goes to the address on that account, never to one typed
 * anywhere. Only the shopper can type it back: the colleague never sees the code, and nothing tells them (or the
 * shopper) whether the claim matched an account until a code does.
 */
export class DeskVerification {
  constructor(
    private readonly deps: IdentityDeps & {
      desk: Pick<DeskService, 'assertOwner'>;
      events: Pick<EventLog, 'append' | 'publish'>;
      codes: Pick<VerificationCodes, 'issue'>;
    },
  ) {}

  /** Records the claim and emails a code; returns the colleague's message to the shopper. */
  async sendCode(conversationId: string, claim: IdentityClaim, actor: DeskActor): Promise<BatonEvent> {
    await this.deps.desk.assertOwner(conversationId, actor, 'verifying the shopper');
    const now = await this.deps.identity(conversationId);
    if (now.level === 'verified')
      throw new ConflictError('The shopper is verified already', { details: { field: 'conversationId' } });
    // Rate limits and locks (RATE_LIMITED) are the chat's: a claim gets no more codes through the desk.
    await this.deps.codes.issue(conversationId, claim);
    const { identityPolicy: policy } = await this.deps.settings.get();
    const method = 'email' in claim ? ('email' as const) : ('name_zip' as const);
    const stored = await this.deps.events.append([
      { type: 'IDENTITY', conversationId, agentName: actor.name, data: { level: 'claimed', method, claim, policy } },
      {
        type: 'MESSAGE',
        conversationId,
        data: { role: 'human', text: codeSentText(claim), author: actor.name },
      },
    ]);
    this.deps.events.publish(stored);
    return stored.at(-1)!;
  }
}
