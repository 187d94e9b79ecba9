import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { and, asc, count, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { sameHash } from '../auth/secrets.js';
import type { Db, DbOrTx } from '../db/client.js';
import { type VerificationCodeRow, verificationCodes } from '../db/schema/identity.js';
import type { CodeRefusal, IdentityClaim } from '../domain/identity.js';
import { RateLimitedError } from '../errors.js';
import { storeUsers } from '../store/schema/index.js';
import type { EmailSender } from './email-sender.js';

/** How long a code lives, and how long five wrong tries lock a claim's (and its account's) codes. */
export const CODE_TTL_MS = 10 * 60_000;
export const MAX_TRIES = 5;
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
  | { kind: 'refused'; reason: CodeRefusal; triesLeft: number };

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
 * One-time codes: 6 digits, emailed to the account's own address, valid for 10 minutes, 5 tries,
 * single use, stored hashed, rate-limited per conversation, per claim and per account (however it was
 * named). A claim matching no customer gets a code too (never sent), so nothing a shopper sees tells
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
   * past the account's own budget (CODES_PER_CUSTOMER_PER_HOUR, or locked after five wrong tries through any
   * claim) the code is stored unsent and can never verify, so a refusal never tells that two claims name one account.
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
      await this.assertNotLocked(tx, hash, now);
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
      const mail = account !== undefined && use.mailed < CODES_PER_CUSTOMER_PER_HOUR && !use.locked;
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
        // owner's export and erasure, and wrong tries on it count towards the account's lock.
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
   * Checks a code the shopper typed against the conversation's codes: `none` when the conversation
   * never had one (the digits mean something else). A wrong code costs a try of the live code; the
   * fifth on one code locks the claim's codes for CODE_TTL_MS. Five on one code, or on the account's live
   * codes together, lock the account's codes too, whatever claim named it: a wrong try reads the same
   * either way, and only the right code (the account's mailbox) learns of the account's lock.
   */
  async check(conversationId: string, code: string): Promise<CodeCheck> {
    const now = this.now();
    const rows = await this.db
      .select()
      .from(verificationCodes)
      .where(eq(verificationCodes.conversationId, conversationId))
      .orderBy(desc(verificationCodes.createdAt))
      .limit(10);
    const latest = rows[0];
    if (!latest) return { kind: 'none' };
    if (await this.lockedUntil(this.db, latest.claimHash, now))
      return { kind: 'refused', reason: 'locked', triesLeft: 0 };
    // Issuing a code retires the conversation's earlier ones: at most one is live.
    const live = rows.find((r) => isLive(r, now));
    const matched = rows.find((r) => sameHash(r.codeHash, hashCode(r.salt, code)));
    if (matched && matched === live && live.customerId) {
      const customerId = live.customerId;
      const locked = accountLocked(customerId, now);
      const [used] = await this.db
        .update(verificationCodes)
        .set({ usedAt: now })
        .where(
          and(
            eq(verificationCodes.id, live.id),
            isNull(verificationCodes.usedAt),
            gt(verificationCodes.expiresAt, now),
            sql`${verificationCodes.attempts} < ${MAX_TRIES}`,
            sql`not ${locked}`,
          ),
        )
        .returning({ id: verificationCodes.id });
      if (used) return { kind: 'accepted', customerId };
      // Only the account's mailbox (the right code) learns that tries through another claim or conversation locked it.
      const [state] = await this.db
        .select({ locked: sql<boolean>`${locked}` })
        .from(verificationCodes)
        .where(eq(verificationCodes.id, live.id));
      return { kind: 'refused', reason: state?.locked ? 'locked' : 'used', triesLeft: 0 };
    }
    const triesLeft = live ? MAX_TRIES - live.attempts : 0;
    if (matched && matched !== live) return { kind: 'refused', reason: matched.usedAt ? 'used' : 'expired', triesLeft };
    if (!live) return { kind: 'refused', reason: 'expired', triesLeft: 0 };
    const [tried] = await this.db
      .update(verificationCodes)
      .set({ attempts: sql`${verificationCodes.attempts} + 1` })
      .where(eq(verificationCodes.id, live.id))
      .returning({ attempts: verificationCodes.attempts });
    const attempts = tried?.attempts ?? MAX_TRIES;
    if (attempts < MAX_TRIES) return { kind: 'refused', reason: 'wrong', triesLeft: MAX_TRIES - attempts };
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

  private async assertNotLocked(db: DbOrTx, hash: string, now: Date): Promise<void> {
    const until = await this.lockedUntil(db, hash, now);
    if (until)
      throw new RateLimitedError(
        `Too many wrong codes were typed: no code can be sent or accepted for ${Math.ceil((until.getTime() - now.getTime()) / 60_000)} more minutes.`,
        Math.ceil((until.getTime() - now.getTime()) / 1000),
      );
  }

  private async lockedUntil(db: DbOrTx, hash: string, now: Date): Promise<Date | undefined> {
    const [row] = await db
      .select({ until: verificationCodes.lockedUntil })
      .from(verificationCodes)
      .where(and(eq(verificationCodes.claimHash, hash), gt(verificationCodes.lockedUntil, now)))
      .orderBy(desc(verificationCodes.lockedUntil))
      .limit(1);
    return row?.until ?? undefined;
  }

  /** The codes mailed to the account this past hour, and whether five wrong tries on one of its codes locked it. */
  private async accountUse(db: DbOrTx, customerId: string, now: Date): Promise<{ mailed: number; locked: boolean }> {
    const mailedSince = and(
      ne(verificationCodes.codeHash, UNSENT),
      gt(verificationCodes.createdAt, new Date(now.getTime() - HOUR_MS)),
    );
    const [row] = await db
      .select({
        mailed: sql<number>`count(*) filter (where ${mailedSince})`.mapWith(Number),
        locked: sql<number>`count(*) filter (where ${gt(verificationCodes.lockedUntil, now)})`.mapWith(Number),
      })
      .from(verificationCodes)
      .where(eq(verificationCodes.customerId, customerId));
    return { mailed: row?.mailed ?? 0, locked: (row?.locked ?? 0) > 0 };
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
 * Whether five wrong tries locked the account's codes, whichever claims and conversations they were typed in:
 * five on one code (stored, for CODE_TTL_MS), or five on its live codes together.
 */
const accountLocked = (customerId: string, now: Date) =>
  sql`(exists (select 1 from ${verificationCodes} where ${and(eq(verificationCodes.customerId, customerId), gt(verificationCodes.lockedUntil, now))})
    or (select coalesce(sum(${verificationCodes.attempts}), 0) from ${verificationCodes}
        where ${and(eq(verificationCodes.customerId, customerId), isNull(verificationCodes.usedAt), gt(verificationCodes.expiresAt, now))}) >= ${MAX_TRIES})`;

const isLive = (row: VerificationCodeRow, now: Date) =>
  !row.usedAt && row.expiresAt > now && row.attempts < MAX_TRIES && !row.lockedUntil;
