import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeIn, SmtpReceiver } from '../../fakes/smtp-receiver.js';
import type { TestApp } from '../../helpers/test-app.js';
import {
  emma,
  expectNoneOf,
  james,
  levelOf,
  noah,
  replyOf,
  say,
  seededApp,
  startConversation,
  toolCalls,
} from './identity-kit.js';

/** The one-time code through a real SMTP server on localhost, read from the mail, typed into the chat. */
describe('verification by a code emailed to the account (offline provider, real SMTP)', () => {
  let smtp: SmtpReceiver;
  let t: TestApp;
  beforeAll(async () => {
    smtp = new SmtpReceiver();
    t = await seededApp({ SMTP_URL: await smtp.listen(), MAIL_FROM: 'Shop <shop@example.com>' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const addressOf = async (id: string) =>
    (
      await t.app.services.database.query<{ address: Record<string, string> }>(
        'select address from store_users where id = $1',
        [id],
      )
    )[0]!.address;

  it('emails a code to the account, and once it is typed back the address change goes through', async () => {
    const c = await startConversation(t);
    const mails = smtp.mails.length;
    const asked = await say(
      t,
      c,
      `My email is ${noah.email}. Please change my account address to 12 New Street, Apt 3, Springfield, IL 62704`,
    );
    expect(replyOf(asked)).toMatch(/6-digit code/);
    expect(toolCalls(asked).some((e) => e.data.tool === 'store.modify_user_address')).toBe(false);

    const mail = await smtp.next(noah.email, mails);
    const code = codeIn(mail);
    expect(code).toMatch(/^\d{6}$/);
    // The code is stored hashed only.
    const stored = await t.app.services.database.query<{ code_hash: string }>(
      'select code_hash from verification_codes where conversation_id = $1',
      [c],
    );
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(code);

    const typed = await say(t, c, code);
    expect(await levelOf(t, c)).toBe('verified');
    const identity = typed.find((e) => e.type === 'IDENTITY');
    expect(identity?.type === 'IDENTITY' && identity.data).toMatchObject({
      level: 'verified',
      method: 'email_code',
      customerId: noah.id,
    });
    expect(replyOf(typed)).toMatch(/12 New Street/);
    // The proposal is the call, held by the server until the shopper's yes; the address is unchanged meanwhile.
    expect(toolCalls(typed).find((e) => e.data.tool === 'store.modify_user_address')?.data.code).toBe(
      'CONFIRMATION_REQUIRED',
    );
    expect(await addressOf(noah.id)).not.toMatchObject({ address1: '12 New Street' });
    const confirmed = await say(t, c, 'yes');
    expect(toolCalls(confirmed).find((e) => e.data.tool === 'store.modify_user_address')?.data).toMatchObject({
      consented: true,
    });
    expect(toolCalls(confirmed).find((e) => e.data.tool === 'store.modify_user_address')?.data.error).toBeUndefined();
    expect(await addressOf(noah.id)).toMatchObject({ address1: '12 New Street', city: 'Springfield', zip: '62704' });

    // Verified: the conversation acts for the customer without asking again.
    expect(await levelOf(t, c)).toBe('verified');
  });

  it('hands a swap asked of the returns card for an order not shipped yet to the order card, which makes it', async () => {
    const c = await startConversation(t);
    const email = 'emma.smith3991@example.com';
    const mails = smtp.mails.length;
    const asked = await say(
      t,
      c,
      `I'd like to swap the laptop in my order #W2417020 for a different model, my email is ${email}`,
    );
    expect(replyOf(asked)).toMatch(/6-digit code/);
    const typed = await say(t, c, codeIn(await smtp.next(email, mails)));
    const handoff = typed.find((e) => e.type === 'HANDOFF');
    expect(handoff?.type === 'HANDOFF' && [handoff.data.from, handoff.data.to]).toEqual([
      'ReturnsAgent',
      'OrderManagementAgent',
    ]);
    // Handed over once: the order card does not pass it back by its words.
    expect(typed.filter((e) => e.type === 'HANDOFF')).toHaveLength(1);
    expect(replyOf(typed)).toMatch(/^What should the Laptop \(.*\) change to\?$/);
    const offered = await say(t, c, 'the 13-inch one please');
    expect(replyOf(offered)).toMatch(/Please reply "yes" to confirm\./);
    const done = await say(t, c, 'yes');
    const swap = toolCalls(done).find((e) => e.data.tool === 'store.modify_pending_order_items');
    expect(swap).toBeDefined();
    expect(swap?.data.error).toBeUndefined();
  });

  it('sends nothing for an email no account has, and answers in the same words', async () => {
    const c = await startConversation(t);
    const mails = smtp.mails.length;
    const unknown = await say(
      t,
      c,
      'My email is nobody.here@example.com. Please change my account address to 1 A Street, Springfield, IL 62704',
    );
    const known = await say(
      t,
      await startConversation(t),
      `My email is ${emma.email}. Please change my account address to 1 A Street, Springfield, IL 62704`,
    );
    expect(replyOf(unknown)).toBe(replyOf(known));
    await smtp.next(emma.email, mails);
    expect(smtp.mails.slice(mails).flatMap((m) => m.to)).toEqual([emma.email]);
    await expectNoneOf(t, c, emma.secrets);
  });
});

describe('without SMTP_URL: the development outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(() => t.close());

  it('keeps the mail for the studio instead of sending it, and the code in it verifies', async () => {
    const c = await startConversation(t);
    await say(t, c, `My email is ${emma.email}. Please cancel order ${emma.pendingOrder}, ordered by mistake.`);
    await t.app.services.verificationCodes.settled();
    const outbox = await t.gql<{ emailOutbox: { to: string; subject: string; text: string }[] | null }>(
      '{ emailOutbox(first: 5) { to subject text } }',
    );
    expect(outbox.errors).toBeUndefined();
    expect(outbox.data!.emailOutbox).toHaveLength(1);
    const mail = outbox.data!.emailOutbox![0]!;
    expect(mail.to).toBe(emma.email);
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    await say(t, c, code);
    expect(await levelOf(t, c)).toBe('verified');
  });

  it('finds the orders of a shopper without an order number through the code, instead of asking for the number again', async () => {
    const c = await startConversation(t);
    await say(t, c, "where's my stuff");
    await say(t, c, "I don't have the order number");
    const claimed = await say(t, c, emma.email);
    await t.app.services.verificationCodes.settled();
    expect(replyOf(claimed)).toMatch(/6-digit code/);
    expect(replyOf(claimed)).not.toMatch(/Which order do you mean/);
    const mail = (
      await t.gql<{ emailOutbox: { to: string; text: string }[] }>('{ emailOutbox(first: 20) { to text } }')
    ).data!.emailOutbox.find((m) => m.to === emma.email)!;
    const typed = await say(t, c, /\b(\d{6})\b/.exec(mail.text)![1]!);
    expect(await levelOf(t, c)).toBe('verified');
    expect(replyOf(typed)).toMatch(new RegExp(emma.pendingOrder));
  });

  it('sends the code it offered when the shopper takes up the offer, and then answers the question asked first', async () => {
    for (const accept of ['yes please', 'please send me the code']) {
      const c = await startConversation(t);
      await say(t, c, 'when is my backpack coming');
      const offer = await say(t, c, noah.email);
      expect(replyOf(offer)).toMatch(/I can send a one-time code to the email address on your account: just ask/);
      const mails = async () =>
        (
          await t.gql<{ emailOutbox: { to: string; text: string }[] }>('{ emailOutbox(first: 50) { to text } }')
        ).data!.emailOutbox.filter((m) => m.to === noah.email);
      const before = (await mails()).length;
      const sent = await say(t, c, accept);
      await t.app.services.verificationCodes.settled();
      expect(replyOf(sent), accept).toMatch(/6-digit code/);
      const after = await mails();
      expect(after.length, accept).toBe(before + 1);
      const typed = await say(t, c, /\b(\d{6})\b/.exec(after[0]!.text)![1]!);
      expect(await levelOf(t, c)).toBe('verified');
      expect(replyOf(typed), accept).toMatch(new RegExp(`^Your order ${noah.order} was delivered`));
    }
  });

  it('sends a new code when the shopper asks for it again, and the new code verifies for the request it was sent for', async () => {
    const c = await startConversation(t);
    await say(t, c, `My email is ${emma.email}. Please cancel order ${emma.pendingOrder}, ordered by mistake.`);
    await t.app.services.verificationCodes.settled();
    const mails = async () =>
      (
        await t.gql<{ emailOutbox: { to: string; text: string }[] }>('{ emailOutbox(first: 20) { to text } }')
      ).data!.emailOutbox.filter((m) => m.to === emma.email);
    const before = (await mails()).length;
    const again = await say(t, c, "I didn't get the code, can you send it again?");
    await t.app.services.verificationCodes.settled();
    expect(replyOf(again)).toMatch(/6-digit code/);
    const after = await mails();
    expect(after.length).toBe(before + 1);
    // The outbox lists the newest first.
    const code = /\b(\d{6})\b/.exec(after[0]!.text)![1]!;
    const typed = await say(t, c, code);
    expect(await levelOf(t, c)).toBe('verified');
    expect(replyOf(typed)).toMatch(new RegExp(emma.pendingOrder));
  });

  it("five wrong codes typed in the chat lock that conversation's codes, and the right one is refused after; the customer's own conversation still gets a code that verifies", async () => {
    const c = await startConversation(t);
    await say(t, c, `My email is ${noah.email}. Please change my account address to 1 B Street, Springfield, IL 62704`);
    await t.app.services.verificationCodes.settled();
    const outbox = await t.gql<{ emailOutbox: { to: string; text: string }[] }>(
      '{ emailOutbox(first: 5) { to text } }',
    );
    const code = /\b(\d{6})\b/.exec(outbox.data!.emailOutbox.find((m) => m.to === noah.email)!.text)![1]!;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) replies.push(replyOf(await say(t, c, wrong)));
    expect(replies[0]).toMatch(/doesn't match.*4 tries left/);
    expect(replies[4]).toMatch(/locked for 10 minutes/);
    expect(replyOf(await say(t, c, code))).toMatch(/locked/);
    expect(await levelOf(t, c)).toBe('claimed');
    const refused = (await t.app.services.eventStore.list({ conversationId: c, types: ['IDENTITY'] })).filter(
      (e) => e.type === 'IDENTITY' && e.data.codeRefused,
    );
    expect(refused).toHaveLength(6);
    // That conversation gets no new code meanwhile...
    const again = await say(t, c, "Please send me a new code, I'd like to change my address");
    expect(toolCalls(again).find((e) => e.data.tool === 'identity.send_verification_code')?.data.error).toMatch(
      /Too many wrong codes/,
    );
    // ...but wrong codes typed by whoever had that conversation do not lock the customer out of their own.
    const own = await startConversation(t);
    const asked = await say(
      t,
      own,
      `My email is ${noah.email}. Please change my account address to 1 C Street, Springfield, IL 62704`,
    );
    expect(toolCalls(asked).find((e) => e.data.tool === 'identity.send_verification_code')?.data.error).toBeUndefined();
    await t.app.services.verificationCodes.settled();
    const mails = await t.gql<{ emailOutbox: { to: string; text: string }[] }>('{ emailOutbox(first: 5) { to text } }');
    const fresh = /\b(\d{6})\b/.exec(mails.data!.emailOutbox.find((m) => m.to === noah.email)!.text)![1]!;
    await say(t, own, fresh);
    expect(await levelOf(t, own)).toBe('verified');
  });

  it('an account many wrong codes were typed for takes each code at its first try: its owner is told to ask for a new one, and that one verifies', async () => {
    const newestCode = async () => {
      await t.app.services.verificationCodes.settled();
      const mails = await t.gql<{ emailOutbox: { to: string; text: string }[] }>(
        '{ emailOutbox(first: 20) { to text } }',
      );
      return /\b(\d{6})\b/.exec(mails.data!.emailOutbox.find((m) => m.to === james.email)!.text)![1]!;
    };
    const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const ask = `My email is ${james.email}. Please change my account address to 1 D Street, Springfield, IL 62704`;
    // A guesser locks two conversations of their own: ten wrong tries on James's codes.
    for (let i = 0; i < 2; i++) {
      const c = await startConversation(t);
      await say(t, c, ask);
      const guessed = wrongFor(await newestCode());
      for (let n = 0; n < 5; n++) await say(t, c, guessed);
    }
    // James mistypes his code once: the right one is then refused, with what to do...
    const c = await startConversation(t);
    await say(t, c, ask);
    const code = await newestCode();
    expect(replyOf(await say(t, c, wrongFor(code)))).toMatch(/doesn't match.*4 tries left/);
    expect(replyOf(await say(t, c, code))).toMatch(/first one typed after it was sent. I can send a new code/);
    expect(await levelOf(t, c)).toBe('claimed');
    // ...and a new code, typed as it is, verifies him.
    await say(t, c, "Please send me a new code, I'd like to change my address");
    await say(t, c, await newestCode());
    expect(await levelOf(t, c)).toBe('verified');
  });
});
