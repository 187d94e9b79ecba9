import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { and, asc, count, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { sameHash } from '../auth/secrets.js';
import type { Db, DbOrTx } from '../db/client.js';
import { type VerificationCodeRow, verificationCodes } from '../db/schema/identity.js';
import type { CodeRefusal, IdentityClaim } from '../domain/identity.js';
import { RateLimitedError } from '../errors.js';
import { storeUsers } from '../store/schema/index.js';
import type { EmailSender } from './email-sender.js';

/** How long a code lives, and how long a conversation's fifth wrong try (MAX_TRIES) locks its codes. */
export const CODE_TTL_MS = 10 * 60_000;
/** Wrong tries a conversation may type in CODE_TTL_MS, over all its codes, before its codes are locked. */
export const MAX_TRIES = 5;
/**
 * Wrong tries on an account's codes asked for in the past hour, from every conversation and claim together, past
 * which the account is under attack: each of its codes then verifies at its first try only, until the count falls
 * below again.
 */
export const ACCOUNT_TRIES_PER_HOUR = 10;
/** At most this many codes per conversation per CODE_TTL_MS, and per claim (email, or name and zip) per hour. */
export const CODES_PER_CONVERSATION = 3;
export const CODES_PER_CLAIM_PER_HOUR = 5;
/** At most this many codes mailed to one account per hour, whichever claims and conversations asked. */
export const CODES_PER_CUSTOMER_PER_HOUR = CODES_PER_CLAIM_PER_HOUR;
const HOUR_MS = 3_600_000;
/** The code hash of a code stored but not mailed (past the account's budget): no HMAC equals it. */
const UNSENT = '';

export type CodeCheck =
  | { kind: 'none' }
  | { kind: 'accepted'; customerId: string }
  /** `firstTryOnly`: the right code, refused because the account is under attack and this code was tried before. */
  | { kind: 'refused'; reason: CodeRefusal; triesLeft: number; firstTryOnly?: true };

/** The normalised claim: rate limits and locks hold for it whichever conversation it is typed in. */
export function claimHash(claim: IdentityClaim): string {
  const key =
    'email' in claim
      ? `email:${claim.email.trim().toLowerCase()}`
      : `name_zip:${claim.firstName.trim().toLowerCase()}|${claim.lastName.trim().toLowerCase()}|${claim.zip.trim()}`;
  return createHash('sha256').update(key).digest('hex');
}

const hashCode = (salt: string, code: string) => createHmac('sha256', salt).update(code).digest('hex');

/**
 * One-time codes: 6 digits, emailed to the account's own address, valid for 10 minutes, single use, stored
 * hashed, rate-limited per conversation, per claim and per account (however it was named). Wrong tries lock the
 * conversation that typed them (5 in 10 minutes), never the account: a stranger who knows a customer's email
 * cannot keep the customer from verifying. Across conversations, an account whose codes took many wrong tries
 * (ACCOUNT_TRIES_PER_HOUR) accepts each code at its first try only, so spreading guesses over conversations
 * gains nothing. A claim matching no customer gets a code too (never sent), so nothing a shopper sees tells
 * whether an account exists, nor whether two claims name the same one.
 */
export class VerificationCodes {
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly sender: EmailSender,
    private readonly onSendError: (err: unknown) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Issues a code for the claim and emails it to the matching account, if any. Throws RateLimitedError.
   * What the shopper is told depends on the claim and the conversation only, as for a claim matching nobody:
   * past the account's own budget (CODES_PER_CUSTOMER_PER_HOUR) the code is stored unsent and can never verify,
   * so a refusal never tells that two claims name one account.
   */
  async issue(conversationId: string, claim: IdentityClaim): Promise<void> {
    const now = this.now();
    const hash = claimHash(claim);
    const account = await this.findAccount(claim);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomBytes(16).toString('hex');
    const mailed = await this.db.transaction(async (tx) => {
      // Counted and written under the conversation's lock, then the account's (the claim's when it matches none):
      // parallel requests, from any replica, never both pass a count one of them fills, whether they share the
      // conversation or the account. Both keys are the codes' own (not the conversation's event lock), nothing else
      // takes them, and they are always taken in this order: no two requests wait on each other in a cycle.
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtextextended(${`verification-conversation:${conversationId}`}, 0))`,
      );
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtextextended(${`verification:${account?.id ?? hash}`}, 0))`,
      );
      await this.assertNotLocked(tx, conversationId, now);
      const [perConversation] = await tx
        .select({ n: count() })
        .from(verificationCodes)
        .where(
          and(
            eq(verificationCodes.conversationId, conversationId),
            gt(verificationCodes.createdAt, new Date(now.getTime() - CODE_TTL_MS)),
          ),
        );
      const [perClaim] = await tx
        .select({ n: count() })
        .from(verificationCodes)
        .where(
          and(
            eq(verificationCodes.claimHash, hash),
            gt(verificationCodes.createdAt, new Date(now.getTime() - HOUR_MS)),
          ),
        );
      if ((perConversation?.n ?? 0) >= CODES_PER_CONVERSATION || (perClaim?.n ?? 0) >= CODES_PER_CLAIM_PER_HOUR)
        throw new RateLimitedError(
          'Too many verification codes were requested: wait a few minutes, then ask for a new one.',
          Math.round(CODE_TTL_MS / 1000),
        );
      // Asked for a claim matching nobody too, so the answer takes as long either way.
      const use = await this.accountUse(tx, account?.id ?? '', now);
      const mail = account !== undefined && use.mailed < CODES_PER_CUSTOMER_PER_HOUR;
      const codeHash = hashCode(salt, code);
      // A new code replaces the conversation's earlier ones.
      await tx
        .update(verificationCodes)
        .set({ expiresAt: now })
        .where(
          and(
            eq(verificationCodes.conversationId, conversationId),
            isNull(verificationCodes.usedAt),
            gt(verificationCodes.expiresAt, now),
          ),
        );
      await tx.insert(verificationCodes).values({
        conversationId,
        customerId: account?.id ?? null,
        claimHash: hash,
        // A code nobody is told has no hash: nothing typed matches it. It still names the account, for its
        // owner's export and erasure, and wrong tries on it count towards the account's ACCOUNT_TRIES_PER_HOUR.
        codeHash: mail ? codeHash : UNSENT,
        salt,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
        createdAt: now,
      });
      return mail;
    });
    if (account && mailed) this.deliver(account.email, code);
  }

  /**
   * Checks a code the shopper typed against the conversation's codes: `none` when the conversation never had
   * one (the digits mean something else). A wrong code costs the conversation a try; its MAX_TRIES-th in
   * CODE_TTL_MS locks the conversation's codes (none accepted or sent in it) for CODE_TTL_MS. Nothing typed in
   * other conversations locks this one's code. An account whose codes took ACCOUNT_TRIES_PER_HOUR wrong tries
   * accepts a code at its first try only: a wrong try reads the same either way (tries left count this
   * conversation's only), and only the right code (the account's mailbox) learns of it.
   */
  async check(conversationId: string, code: string): Promise<CodeCheck> {
    const now = this.now();
    const rows = await this.db
      .select()
      .from(verificationCodes)
      .where(eq(verificationCodes.conversationId, conversationId))
      .orderBy(desc(verificationCodes.createdAt))
      .limit(10);
    if (!rows[0]) return { kind: 'none' };
    if (rows.some((r) => r.lockedUntil && r.lockedUntil > now))
      return { kind: 'refused', reason: 'locked', triesLeft: 0 };
    // Issuing a code retires the conversation's earlier ones: at most one is live, and only it takes tries.
    const live = rows.find((r) => isLive(r, now));
    const windowStart = now.getTime() - CODE_TTL_MS;
    const earlierTries = rows
      .filter((r) => r !== live && r.createdAt.getTime() > windowStart)
      .reduce((sum, r) => sum + r.attempts, 0);
    const matched = rows.find((r) => sameHash(r.codeHash, hashCode(r.salt, code)));
    if (matched && matched === live && live.customerId) {
      const customerId = live.customerId;
      const firstTryOnly = sql`(${verificationCodes.attempts} = 0 or not ${underAttack(customerId, now)})`;
      const [used] = await this.db
        .update(verificationCodes)
        .set({ usedAt: now })
        .where(
          and(
            eq(verificationCodes.id, live.id),
            isNull(verificationCodes.usedAt),
            gt(verificationCodes.expiresAt, now),
            sql`${verificationCodes.attempts} < ${MAX_TRIES - earlierTries}`,
            firstTryOnly,
          ),
        )
        .returning({ id: verificationCodes.id });
      if (used) return { kind: 'accepted', customerId };
      // Used, expired or locked by a parallel request since the read above; otherwise the account is under attack
      // and this code was tried before.
      const [state] = await this.db
        .select({
          usedAt: verificationCodes.usedAt,
          expiresAt: verificationCodes.expiresAt,
          attempts: verificationCodes.attempts,
        })
        .from(verificationCodes)
        .where(eq(verificationCodes.id, live.id));
      if (!state || state.usedAt) return { kind: 'refused', reason: 'used', triesLeft: 0 };
      if (state.expiresAt <= now) return { kind: 'refused', reason: 'expired', triesLeft: 0 };
      if (state.attempts + earlierTries >= MAX_TRIES) return { kind: 'refused', reason: 'locked', triesLeft: 0 };
      return { kind: 'refused', reason: 'locked', triesLeft: 0, firstTryOnly: true };
    }
    const triesLeft = live ? Math.max(0, MAX_TRIES - earlierTries - live.attempts) : 0;
    if (matched && matched !== live) return { kind: 'refused', reason: matched.usedAt ? 'used' : 'expired', triesLeft };
    if (!live) return { kind: 'refused', reason: 'expired', triesLeft: 0 };
    const [tried] = await this.db
      .update(verificationCodes)
      .set({ attempts: sql`${verificationCodes.attempts} + 1` })
      .where(eq(verificationCodes.id, live.id))
      .returning({ attempts: verificationCodes.attempts });
    const tries = (tried?.attempts ?? MAX_TRIES) + earlierTries;
    if (tries < MAX_TRIES) return { kind: 'refused', reason: 'wrong', triesLeft: MAX_TRIES - tries };
    await this.db
      .update(verificationCodes)
      .set({ lockedUntil: new Date(now.getTime() + CODE_TTL_MS) })
      .where(eq(verificationCodes.id, live.id));
    return { kind: 'refused', reason: 'locked', triesLeft: 0 };
  }

  /** Resolves once every mail handed to the sender so far was sent or failed (for shutdown and tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  private async assertNotLocked(db: DbOrTx, conversationId: string, now: Date): Promise<void> {
    const [row] = await db
      .select({ until: verificationCodes.lockedUntil })
      .from(verificationCodes)
      .where(and(eq(verificationCodes.conversationId, conversationId), gt(verificationCodes.lockedUntil, now)))
      .orderBy(desc(verificationCodes.lockedUntil))
      .limit(1);
    const until = row?.until;
    if (until)
      throw new RateLimitedError(
        `Too many wrong codes were typed in this conversation: no code can be sent or accepted in it for ${Math.ceil((until.getTime() - now.getTime()) / 60_000)} more minutes.`,
        Math.ceil((until.getTime() - now.getTime()) / 1000),
      );
  }

  /** The codes mailed to the account this past hour. */
  private async accountUse(db: DbOrTx, customerId: string, now: Date): Promise<{ mailed: number }> {
    const [row] = await db
      .select({ mailed: count() })
      .from(verificationCodes)
      .where(
        and(
          eq(verificationCodes.customerId, customerId),
          ne(verificationCodes.codeHash, UNSENT),
          gt(verificationCodes.createdAt, new Date(now.getTime() - HOUR_MS)),
        ),
      );
    return { mailed: row?.mailed ?? 0 };
  }

  private async findAccount(claim: IdentityClaim): Promise<{ id: string; email: string } | undefined> {
    const where =
      'email' in claim
        ? eq(sql`lower(${storeUsers.email})`, claim.email.trim().toLowerCase())
        : and(
            eq(sql`${storeUsers.address}->>'zip'`, claim.zip.trim()),
            eq(sql`lower(${storeUsers.firstName})`, claim.firstName.trim().toLowerCase()),
            eq(sql`lower(${storeUsers.lastName})`, claim.lastName.trim().toLowerCase()),
          );
    const [row] = await this.db
      .select({ id: storeUsers.id, email: storeUsers.email })
      .from(storeUsers)
      .where(where)
      .orderBy(asc(storeUsers.seq))
      .limit(1);
    return row;
  }

  /** Not awaited by `issue`: the answer takes as long whether or not an account (and a mail) exists. */
  private deliver(to: string, code: string): void {
    const sent = this.sender
      .send({
        to,
        subject: `Your verification code: ${code}`,
        text: `Your verification code is ${code}. Type it into the chat to confirm it's you. It expires in ${CODE_TTL_MS / 60_000} minutes and works once.\n\nIf you didn't ask for it, ignore this email: nothing changes without the code.`,
      })
      .catch((err: unknown) => this.onSendError(err))
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  }
}

/**
 * Whether the account's codes asked for in the past hour took ACCOUNT_TRIES_PER_HOUR wrong tries together, whichever
 * claims and conversations they were typed in (codes never mailed included: a guesser cannot tell them apart).
 */
const underAttack = (customerId: string, now: Date) =>
  sql`((select coalesce(sum(${verificationCodes.attempts}), 0) from ${verificationCodes}
        where ${and(eq(verificationCodes.customerId, customerId), gt(verificationCodes.createdAt, new Date(now.getTime() - HOUR_MS)))}) >= ${ACCOUNT_TRIES_PER_HOUR})`;

const isLive = (row: VerificationCodeRow, now: Date) =>
  !row.usedAt && row.expiresAt > now && row.attempts < MAX_TRIES && !row.lockedUntil;
