import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversations } from '../../../server/src/db/schema/index.js';
import { RateLimitedError } from '../../../server/src/errors.js';
import { OutboxEmailSender } from '../../../server/src/identity/email-sender.js';
import { CODE_TTL_MS, MAX_TRIES, VerificationCodes } from '../../../server/src/identity/verification-codes.js';
import { createSeededStore, type SeededStore } from '../store/store-test-kit.js';

const emma = { id: 'emma_brown_8847', email: 'emma.brown5032@example.com' };

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
  beforeEach(async () => {
    now = new Date();
    codes = new VerificationCodes(
      s.db,
      outbox,
      (err) => {
        throw err;
      },
      () => now,
    );
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
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

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

  it("locks that email's codes for the window after five wrong tries, in any conversation", async () => {
    const c = await conversation();
    const code = await issued(c);
    for (let i = 1; i < MAX_TRIES; i++)
      expect(await codes.check(c, wrong(code))).toEqual({ kind: 'refused', reason: 'wrong', triesLeft: MAX_TRIES - i });
    expect(await codes.check(c, wrong(code))).toEqual({ kind: 'refused', reason: 'locked', triesLeft: 0 });
    // The right code no longer works, and no new code is sent for that email, from any conversation.
    expect(await codes.check(c, code)).toMatchObject({ kind: 'refused', reason: 'locked' });
    await expect(codes.issue(await conversation(), { email: emma.email })).rejects.toBeInstanceOf(RateLimitedError);
    now = new Date(now.getTime() + CODE_TTL_MS + 1_000);
    const fresh = await conversation();
    expect(await codes.check(fresh, await issued(fresh))).toMatchObject({ kind: 'accepted' });
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
});
