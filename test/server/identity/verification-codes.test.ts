import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../server/src/db/client.js';
import { conversations, verificationCodes } from '../../../server/src/db/schema/index.js';
import type { IdentityClaim } from '../../../server/src/domain/identity.js';
import { RateLimitedError } from '../../../server/src/errors.js';
import { type EmailSender, OutboxEmailSender, SmtpEmailSender } from '../../../server/src/identity/email-sender.js';
import {
  ACCOUNT_TRIES_PER_HOUR,
  CODE_TTL_MS,
  CODES_PER_CONVERSATION,
  CODES_PER_CUSTOMER_PER_HOUR,
  MAX_TRIES,
  VerificationCodes,
} from '../../../server/src/identity/verification-codes.js';
import { SmtpReceiver } from '../../fakes/smtp-receiver.js';
import { createSeededStore, type SeededStore } from '../store/store-test-kit.js';

const emma = { id: 'emma_brown_8847', email: 'emma.brown5032@example.com' };
/** Emma again, named by name and zip code instead of her email. */
const emmaByNameZip = { firstName: 'emma', lastName: 'BROWN', zip: '32165' };
const noah = { id: 'noah_brown_6181', email: 'noah.brown7922@example.com' };

describe('VerificationCodes', () => {
  let s: SeededStore;
  let outbox: OutboxEmailSender;
  let now: Date;
  let codes: VerificationCodes;
  beforeAll(async () => {
    s = await createSeededStore();
    outbox = new OutboxEmailSender(s.db);
  });
  afterAll(() => s.dispose());
  const codesFail = (err: unknown) => {
    throw err;
  };
  beforeEach(async () => {
    now = new Date();
    codes = new VerificationCodes(s.db, outbox, codesFail, () => now);
    await s.db.execute('delete from verification_codes' as never);
    await s.db.execute('delete from email_outbox' as never);
  });

  const conversation = async () => {
    const id = crypto.randomUUID();
    await s.db.insert(conversations).values({ id, tokenHash: id });
    return id;
  };
  /** Issues a code for emma's email and reads it from the development outbox. */
  const issued = async (conversationId: string) => {
    await codes.issue(conversationId, { email: emma.email.toUpperCase() });
    await codes.settled();
    const [mail] = await outbox.list(1);
    expect(mail?.to).toBe(emma.email);
    return /\b(\d{6})\b/.exec(mail!.text)![1]!;
  };
  /** Asks for a code for the claim; the code mailed for it, or undefined when no mail went out. */
  const mailedFor = async (conversationId: string, claim: IdentityClaim) => {
    const before = (await outbox.list(100)).length;
    await codes.issue(conversationId, claim);
    await codes.settled();
    const mails = await outbox.list(100);
    if (mails.length === before) return undefined;
    return /\b(\d{6})\b/.exec(mails[0]!.text)![1]!;
  };
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  /**
   * Runs the requests at once, each on one of two replicas of `codes` (on PGlite, whose one connection never
   * overlaps transactions, both are `codes`). On PostgreSQL the second replica has its own connections, as another
   * process would, and writes to the codes are held back until every request waits inside its transaction, so each
   * has counted what it could by then. Resolves once every mail handed to a sender went out.
   */
  const allAtOnce = async (
    first: VerificationCodes,
    requests: ((replica: VerificationCodes) => Promise<void>)[],
    sender: EmailSender = outbox,
  ) => {
    if (!s.t.url) {
      await Promise.allSettled(requests.map((request) => request(first)));
      await first.settled();
      return;
    }
    const other = await openDatabase({ databaseUrl: s.t.url, maxConnections: 5 });
    const holder = await openDatabase({ databaseUrl: s.t.url, maxConnections: 2 });
    const replicas = [first, new VerificationCodes(other.db, sender, codesFail, () => now)];
    try {
      let issued: Promise<unknown> = Promise.resolve();
      await holder.db.transaction(async (tx) => {
        await tx.execute(sql`lock table verification_codes in share mode`);
        issued = Promise.allSettled(requests.map((request, i) => request(replicas[i % 2]!)));
        await vi.waitFor(
          async () => {
            const [waiting] = await holder.query<{ n: number }>(
              "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
            );
            expect(waiting?.n).toBe(requests.length);
          },
          { timeout: 10_000 },
        );
      });
      await issued;
      await Promise.all(replicas.map((r) => r.settled()));
    } finally {
      await Promise.all([other.close(), holder.close()]);
    }
  };

  it('accepts the emailed code once, stored hashed only', async () => {
    const c = await conversation();
    const code = await issued(c);
    const rows = await s.t.database.query('select * from verification_codes where conversation_id = $1', [c]);
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(await codes.check(c, code)).toEqual({ kind: 'accepted', customerId: emma.id });
    expect(await codes.check(c, code)).toEqual({ kind: 'refused', reason: 'used', triesLeft: 0 });
  });

  it('refuses a code after its 10 minutes', async () => {
    const c = await conversation();
    const code = await issued(c);
    now = new Date(now.getTime() + CODE_TTL_MS + 1_000);
    expect(await codes.check(c, code)).toEqual({ kind: 'refused', reason: 'expired', triesLeft: 0 });
  });

  it("locks the conversation's codes for the window after five wrong tries, and no other conversation's", async () => {
    const c = await conversation();
    const code = await issued(c);
    for (let i = 1; i < MAX_TRIES; i++)
      expect(await codes.check(c, wrong(code))).toEqual({ kind: 'refused', reason: 'wrong', triesLeft: MAX_TRIES - i });
    expect(await codes.check(c, wrong(code))).toEqual({ kind: 'refused', reason: 'locked', triesLeft: 0 });
    // In that conversation the right code no longer works, and no new code is sent.
    expect(await codes.check(c, code)).toEqual({ kind: 'refused', reason: 'locked', triesLeft: 0 });
    await expect(codes.issue(c, { email: emma.email })).rejects.toBeInstanceOf(RateLimitedError);
    // Another conversation asking for the same email gets a code, and it verifies.
    const other = await conversation();
    expect(await codes.check(other, await issued(other))).toEqual({ kind: 'accepted', customerId: emma.id });
    now = new Date(now.getTime() + CODE_TTL_MS + 1_000);
    expect(await codes.check(c, await issued(c))).toEqual({ kind: 'accepted', customerId: emma.id });
  });

  it("counts wrong tries over all of the conversation's codes in the window: a new code brings no new tries", async () => {
    const c = await conversation();
    const first = await issued(c);
    for (let i = 0; i < 3; i++) await codes.check(c, wrong(first));
    const second = await issued(c);
    expect(await codes.check(c, wrong(second))).toEqual({ kind: 'refused', reason: 'wrong', triesLeft: 1 });
    // For another customer too: the conversation's tries, whoever the codes are for.
    const third = (await mailedFor(c, { email: noah.email }))!;
    expect(await codes.check(c, wrong(third))).toEqual({ kind: 'refused', reason: 'locked', triesLeft: 0 });
    expect(await codes.check(c, third)).toEqual({ kind: 'refused', reason: 'locked', triesLeft: 0 });
  });

  it('rate-limits codes per conversation and per email', async () => {
    const c = await conversation();
    for (let i = 0; i < 3; i++) await codes.issue(c, { email: emma.email });
    await expect(codes.issue(c, { email: emma.email })).rejects.toBeInstanceOf(RateLimitedError);
    for (let i = 0; i < 2; i++) await codes.issue(await conversation(), { email: emma.email });
    await expect(codes.issue(await conversation(), { email: emma.email })).rejects.toBeInstanceOf(RateLimitedError);
    // Another email is not affected.
    await codes.issue(await conversation(), { email: 'noah.brown7922@example.com' });
  });

  it('a newer code replaces the older one', async () => {
    const c = await conversation();
    const first = await issued(c);
    const second = await issued(c);
    if (first !== second) expect(await codes.check(c, first)).toMatchObject({ kind: 'refused', reason: 'expired' });
    expect(await codes.check(c, second)).toMatchObject({ kind: 'accepted' });
  });

  it('for a claim no account matches: no mail, and typed codes are refused and locked the same way', async () => {
    const c = await conversation();
    await codes.issue(c, { firstName: 'No', lastName: 'Body', zip: '00000' });
    await codes.settled();
    expect(await outbox.list(10)).toEqual([]);
    for (let i = 1; i < MAX_TRIES; i++)
      expect(await codes.check(c, '000000')).toEqual({ kind: 'refused', reason: 'wrong', triesLeft: MAX_TRIES - i });
    expect(await codes.check(c, '000000')).toEqual({ kind: 'refused', reason: 'locked', triesLeft: 0 });
  });

  it('leaves digits alone in a conversation that never had a code', async () => {
    expect(await codes.check(await conversation(), '123456')).toEqual({ kind: 'none' });
  });

  describe('one budget per account, however the shopper names it', () => {
    it('mails an account at most five codes an hour: a sixth asked by name and zip is answered as for a claim matching nobody, and mailed nowhere', async () => {
      for (let i = 0; i < CODES_PER_CUSTOMER_PER_HOUR; i++)
        expect(await mailedFor(await conversation(), { email: emma.email })).toBeDefined();
      await expect(codes.issue(await conversation(), { email: emma.email })).rejects.toBeInstanceOf(RateLimitedError);
      // The other way of naming her, from a fresh conversation: the same answer as a stranger's claim (no error)...
      const c = await conversation();
      await expect(codes.issue(c, emmaByNameZip)).resolves.toBeUndefined();
      await expect(
        codes.issue(await conversation(), { firstName: 'No', lastName: 'Body', zip: '00000' }),
      ).resolves.toBeUndefined();
      await codes.settled();
      // ...and no sixth mail, and no code that could verify her.
      expect(await outbox.list(100)).toHaveLength(CODES_PER_CUSTOMER_PER_HOUR);
      const stored = await s.db
        .select({ customerId: verificationCodes.customerId, codeHash: verificationCodes.codeHash })
        .from(verificationCodes)
        .where(eq(verificationCodes.conversationId, c));
      // It names her (her export and erasure find it) but has no hash: nothing typed can match it.
      expect(stored).toEqual([{ customerId: emma.id, codeHash: '' }]);
      // Another customer is unaffected, and an hour later Emma gets codes again whichever way she is named.
      expect(await mailedFor(await conversation(), { email: noah.email })).toBeDefined();
      now = new Date(now.getTime() + 3_600_000 + 1_000);
      const later = await conversation();
      expect(await codes.check(later, (await mailedFor(later, emmaByNameZip))!)).toEqual({
        kind: 'accepted',
        customerId: emma.id,
      });
    });

    it("a stranger typing wrong codes for a customer's email keeps her from nothing: her conversation gets codes and verifies, by email or by name and zip", async () => {
      // Her own conversation asked for a code first; it is in her inbox.
      const hers = await conversation();
      const inInbox = (await mailedFor(hers, { email: emma.email }))!;
      // The stranger asks for codes for her email and guesses until their conversation is locked.
      const stranger = await conversation();
      const guessedAt = (await mailedFor(stranger, { email: emma.email }))!;
      for (let i = 0; i < MAX_TRIES; i++) await codes.check(stranger, wrong(guessedAt));
      await expect(codes.issue(stranger, { email: emma.email })).rejects.toBeInstanceOf(RateLimitedError);
      // The code in her inbox still verifies her conversation.
      expect(await codes.check(hers, inInbox)).toEqual({ kind: 'accepted', customerId: emma.id });
      // And a conversation of hers started now gets a code mailed, by email or by name and zip, and it verifies.
      for (const claim of [{ email: emma.email }, emmaByNameZip]) {
        const fresh = await conversation();
        const mailed = await mailedFor(fresh, claim);
        expect(mailed, JSON.stringify(claim)).toBeDefined();
        expect(await codes.check(fresh, wrong(mailed!))).toEqual({
          kind: 'refused',
          reason: 'wrong',
          triesLeft: MAX_TRIES - 1,
        });
        expect(await codes.check(fresh, mailed!)).toEqual({ kind: 'accepted', customerId: emma.id });
      }
    });

    it('wrong tries spread over conversations and claims share one bound per account: past it, each of its codes verifies at its first try only', async () => {
      const theirs = await conversation();
      const noahCode = (await mailedFor(theirs, { email: noah.email }))!;
      // Her own conversation asked for a code before the attack.
      const hersBefore = await conversation();
      const inInbox = (await mailedFor(hersBefore, { email: emma.email }))!;
      // A guesser spreads wrong tries over conversations and both ways of naming her, never locking one.
      const spread: { c: string; code: string }[] = [];
      for (const claim of [{ email: emma.email }, emmaByNameZip, { email: emma.email }]) {
        const c = await conversation();
        spread.push({ c, code: (await mailedFor(c, claim))! });
      }
      const perConversation = MAX_TRIES - 1;
      let typed = 0;
      for (const { c, code } of spread)
        for (let i = 0; i < perConversation && typed < ACCOUNT_TRIES_PER_HOUR; i++, typed++)
          await codes.check(c, wrong(code));
      expect(typed).toBe(ACCOUNT_TRIES_PER_HOUR);
      // A wrong try still reads as the conversation's own count, as it would for a claim matching nobody...
      const last = spread.at(-1)!;
      const triedInLast = ACCOUNT_TRIES_PER_HOUR - perConversation * (spread.length - 1);
      const nobody = await conversation();
      await codes.issue(nobody, { firstName: 'No', lastName: 'Body', zip: '00000' });
      for (let i = 0; i < triedInLast; i++) await codes.check(nobody, '000000');
      expect(await codes.check(last.c, wrong(last.code))).toEqual(await codes.check(nobody, '000000'));
      // ...but a guess that hits comes too late: a code tried before no longer verifies, in any of them.
      for (const { c, code } of spread)
        expect(await codes.check(c, code)).toEqual({
          kind: 'refused',
          reason: 'locked',
          triesLeft: 0,
          firstTryOnly: true,
        });
      // The code in her inbox, never tried, verifies at its first try; and a fresh code is still mailed, and does too.
      expect(await codes.check(hersBefore, inInbox)).toEqual({ kind: 'accepted', customerId: emma.id });
      const hers = await conversation();
      expect(await codes.check(hers, (await mailedFor(hers, emmaByNameZip))!)).toEqual({
        kind: 'accepted',
        customerId: emma.id,
      });
      // Another customer is unaffected.
      await codes.check(theirs, wrong(noahCode));
      expect(await codes.check(theirs, noahCode)).toEqual({ kind: 'accepted', customerId: noah.id });
      // An hour later the tries are forgotten.
      now = new Date(now.getTime() + 3_600_000 + 1_000);
      const later = await conversation();
      const code = (await mailedFor(later, { email: emma.email }))!;
      await codes.check(later, wrong(code));
      expect(await codes.check(later, code)).toEqual({ kind: 'accepted', customerId: emma.id });
    });

    it('parallel requests from fresh conversations, through two replicas, get no more codes mailed than the budget', async () => {
      const claims: IdentityClaim[] = Array.from({ length: 10 }, (_, i) =>
        i % 2 ? { email: emma.email } : emmaByNameZip,
      );
      const started = await Promise.all(claims.map(() => conversation()));
      await allAtOnce(
        codes,
        claims.map((claim, i) => (replica) => replica.issue(started[i]!, claim)),
      );
      expect((await outbox.list(100)).filter((m) => m.to === emma.email)).toHaveLength(CODES_PER_CUSTOMER_PER_HOUR);
    });
  });

  describe('one conversation, many customers', () => {
    let smtp: SmtpReceiver;
    let sender: SmtpEmailSender;
    beforeAll(async () => {
      smtp = new SmtpReceiver();
      sender = new SmtpEmailSender(await smtp.listen(), 'Shop <shop@example.com>');
    });
    afterAll(async () => {
      sender.close();
      await smtp.close();
    });

    it('parallel requests in one conversation for different customers, through two replicas, mail no more codes than the conversation may ask for', async () => {
      const emails = Object.values(s.data.users)
        .slice(0, 8)
        .map((u) => u.email);
      const c = await conversation();
      const mails = smtp.mails.length;
      const smtpCodes = new VerificationCodes(s.db, sender, codesFail, () => now);
      await allAtOnce(
        smtpCodes,
        emails.map((email) => (replica) => replica.issue(c, { email })),
        sender,
      );
      // Each customer has codes to spare: only the conversation's limit holds the mails back.
      expect(smtp.mails.slice(mails)).toHaveLength(CODES_PER_CONVERSATION);
      const [stored] = await s.db
        .select({ n: sql<number>`count(*)::int` })
        .from(verificationCodes)
        .where(eq(verificationCodes.conversationId, c));
      expect(stored?.n).toBe(CODES_PER_CONVERSATION);
    });
  });
});
