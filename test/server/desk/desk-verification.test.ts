import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../../server/src/domain/events.js';
import { codeIn, SmtpReceiver } from '../../fakes/smtp-receiver.js';
import { createTestApp, errorCode, type TestApp, waitForRun } from '../../helpers/test-app.js';
import { emma, noah } from '../identity/identity-kit.js';

const START = 'mutation { startConversation { conversation { id } token } }';
const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';
const CLAIM = 'mutation($id: ID!) { claimConversation(conversationId: $id) { state human } }';
const HAND_BACK = 'mutation($id: ID!) { handBackConversation(conversationId: $id) { state } }';
const VERIFY = `mutation($id: ID!, $email: String, $firstName: String, $lastName: String, $zip: String) {
  sendVerificationCode(conversationId: $id, email: $email, firstName: $firstName, lastName: $lastName, zip: $zip) {
    id type data: dataJson
  }
}`;
const DESK = `query($id: ID!) { conversation(id: $id) {
  identity { level method customerId }
  ownership { customer { customerId identifiedBy email } }
} }`;

type Verify = {
  sendVerificationCode: { id: string; type: string; data: { role: string; text: string; author: string } };
};
type Desk = {
  conversation: {
    identity: { level: string; method: string | null; customerId: string | null };
    ownership: { customer: { customerId: string; identifiedBy: string; email: string } | null };
  };
};

/**
 * A shopper who asked for a person before proving who they are: the colleague who took over has them verified by a
 * code emailed (through a real SMTP server) to the account's own address, which the shopper types into the chat while
 * the colleague owns it. Nobody but the shopper sees the code, and the chat's limits hold.
 */
describe('the desk verifies a shopper', () => {
  let smtp: SmtpReceiver;
  let t: TestApp;
  let dana = '';
  let sam = '';
  let storefront = '';

  beforeAll(async () => {
    smtp = new SmtpReceiver();
    t = await createTestApp({
      env: {
        AUTH_MODE: 'keys',
        SEED_DEMO_DATA: 'true',
        SMTP_URL: await smtp.listen(),
        MAIL_FROM: 'Shop <shop@example.com>',
      },
    });
    dana = (await t.app.services.apiKeys.create('Dana', 'support')).key;
    sam = (await t.app.services.apiKeys.create('Sam', 'support')).key;
    storefront = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** An anonymous storefront conversation a colleague owns: its id and the shopper's token. */
  const handedOver = async () => {
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      {},
      storefront,
    );
    const id = started.data!.startConversation.conversation.id;
    await t.app.services.desk.requestHuman({ conversationId: id, by: 'shopper', reason: 'wants a person' });
    expect((await t.gql(CLAIM, { id }, dana)).errors).toBeUndefined();
    return { id, shopper: started.data!.startConversation.token };
  };
  const events = (id: string) => t.app.services.eventStore.list({ conversationId: id });
  const shopperSays = async (id: string, shopper: string, text: string) => {
    const sent = await t.gql<{ sendMessage: { id: string } | null }>(SEND, { id, text }, shopper);
    expect(sent.errors).toBeUndefined();
    return sent.data!.sendMessage;
  };
  const lastDeskReply = (all: BatonEvent[]) => {
    const m = all.findLast((e) => e.type === 'MESSAGE' && e.agentName === 'Desk');
    return m?.type === 'MESSAGE' ? m.data.text : undefined;
  };
  const desk = async (id: string) => (await t.gql<Desk>(DESK, { id }, dana)).data!.conversation;

  it("emails a code to the account's own address, and the code the shopper types verifies them for the colleague", async () => {
    const { id, shopper } = await handedOver();
    const mails = smtp.mails.length;

    const sent = await t.gql<Verify>(VERIFY, { id, email: noah.email.toUpperCase() }, dana);
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendVerificationCode).toMatchObject({ type: 'MESSAGE', data: { role: 'human', author: 'Dana' } });
    expect(sent.data!.sendVerificationCode.data.text).toMatch(/6-digit code/);
    const mail = await smtp.next(noah.email, mails);
    const code = codeIn(mail);
    // The colleague's side never holds the code: not in the answer, not in any stored event.
    expect(JSON.stringify(sent)).not.toContain(code);
    expect(JSON.stringify(await events(id))).not.toContain(code);
    expect(await desk(id)).toMatchObject({
      identity: { level: 'claimed', method: 'email' },
      ownership: { customer: null },
    });

    // A wrong code: the fixed refusal, the level unchanged, no run.
    const wrong = code === '000000' ? '000001' : '000000';
    expect(await shopperSays(id, shopper, `it says ${wrong}`)).toBeNull();
    expect(lastDeskReply(await events(id))).toMatch(/doesn't match.*4 tries left/);
    expect((await desk(id)).identity.level).toBe('claimed');

    expect(await shopperSays(id, shopper, `the code is ${code}`)).toBeNull();
    const after = await events(id);
    expect(after.filter((e) => e.type === 'RUN_STARTED')).toEqual([]);
    expect(after.findLast((e) => e.type === 'IDENTITY')?.data).toMatchObject({
      level: 'verified',
      method: 'email_code',
      customerId: noah.id,
    });
    expect(lastDeskReply(after)).toMatch(/you are verified/);
    expect(await desk(id)).toMatchObject({
      identity: { level: 'verified', customerId: noah.id },
      ownership: { customer: { customerId: noah.id, identifiedBy: 'verified', email: noah.email } },
    });

    // Verified again is refused; and the bot, once handed back, acts for the customer without asking.
    expect(errorCode(await t.gql(VERIFY, { id, email: noah.email }, dana))).toBe('CONFLICT');
    expect((await t.gql(HAND_BACK, { id }, dana)).errors).toBeUndefined();
    const run = await shopperSays(id, shopper, `where is my order ${noah.order}?`);
    await waitForRun(t.app, run!.id, 60_000);
    const reply = (await t.app.services.eventStore.list({ runId: run!.id })).findLast(
      (e) => e.type === 'RUN_COMPLETED',
    );
    expect(reply?.type === 'RUN_COMPLETED' && reply.data.reply).toMatch(new RegExp(noah.order.replace('#', '#?')));
    expect(
      (await t.app.services.eventStore.list({ runId: run!.id })).some(
        (e) => e.type === 'TOOL_CALL' && e.data.code === 'IDENTITY_REQUIRED',
      ),
    ).toBe(false);
  });

  it('answers a claim with no account in the same words, and sends nothing', async () => {
    const { id, shopper } = await handedOver();
    const mails = smtp.mails.length;
    const real = await t.gql<Verify>(VERIFY, { id, firstName: 'Emma', lastName: 'Brown', zip: emma.zip }, dana);
    const other = await handedOver();
    const none = await t.gql<Verify>(VERIFY, { id: other.id, email: 'nobody.here@example.com' }, dana);
    expect(real.errors).toBeUndefined();
    expect(none.errors).toBeUndefined();
    const words = (text: string) => text.replace(/^If .*? here, /, '');
    expect(words(none.data!.sendVerificationCode.data.text)).toBe(words(real.data!.sendVerificationCode.data.text));
    const mail = await smtp.next(emma.email, mails);
    expect(smtp.mails.slice(mails).map((m) => m.to)).toEqual([mail.to]);
    // A code typed where the claim matched nobody is refused like a wrong one.
    expect(await shopperSays(other.id, other.shopper, codeIn(mail))).toBeNull();
    expect(lastDeskReply(await events(other.id))).toMatch(/doesn't match/);
    expect(await shopperSays(id, shopper, codeIn(mail))).toBeNull();
    expect((await desk(id)).identity).toMatchObject({ level: 'verified', customerId: emma.id });
  });

  it('only the owner sends codes, with a typed error for each bad field, and under the chat limits', async () => {
    const { id } = await handedOver();
    const notTheirs = await t.gql(VERIFY, { id, email: noah.email }, sam);
    expect(errorCode(notTheirs)).toBe('CONFLICT');
    expect(notTheirs.errors![0]!.extensions).toMatchObject({ owner: 'Dana' });

    for (const [vars, field] of [
      [{}, 'email'],
      [{ email: 'not an email' }, 'email'],
      [{ email: noah.email, zip: '80279' }, 'zip'],
      [{ firstName: 'Noah', zip: '80279' }, 'lastName'],
      [{ firstName: 'Noah', lastName: 'Brown', zip: '8'.repeat(21) }, 'zip'],
    ] as const) {
      const bad = await t.gql(VERIFY, { id, ...vars }, dana);
      expect(errorCode(bad), JSON.stringify(vars)).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(bad.errors![0]!.extensions), JSON.stringify(vars)).toContain(`"${field}"`);
    }

    // Three codes per conversation in ten minutes, whoever asks for them.
    for (let i = 0; i < 3; i++) expect((await t.gql(VERIFY, { id, email: noah.email }, dana)).errors).toBeUndefined();
    const limited = await t.gql(VERIFY, { id, email: noah.email }, dana);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    const claims = (await events(id)).filter((e) => e.type === 'IDENTITY');
    expect(claims).toHaveLength(3);
  });

  it('checks a code the shopper types while waiting for a person (sent by the bot before the hand-off)', async () => {
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      {},
      storefront,
    );
    const id = started.data!.startConversation.conversation.id;
    const shopper = started.data!.startConversation.token;
    const mails = smtp.mails.length;
    const asked = await shopperSays(
      id,
      shopper,
      `My email is ${emma.email}, please cancel my order ${emma.pendingOrder}`,
    );
    await waitForRun(t.app, asked!.id, 60_000);
    const code = codeIn(await smtp.next(emma.email, mails));
    await t.app.services.desk.requestHuman({ conversationId: id, by: 'shopper', reason: 'wants a person' });
    expect(await shopperSays(id, shopper, code)).toBeNull();
    const after = await events(id);
    expect(after.findLast((e) => e.type === 'IDENTITY')?.data).toMatchObject({
      level: 'verified',
      customerId: emma.id,
    });
    // No suggestion was drafted for a code, and the wait notice still went out once.
    expect(after.filter((e) => e.type === 'SUGGESTION')).toEqual([]);
    expect(lastDeskReply(after)).toMatch(/you are verified/);
  });

  it('a claim naming an account whose codes for the hour went out another way is answered as a claim matching nobody, and mails nothing', async () => {
    const james = 'james.li4495@example.com';
    const byNameZip = { firstName: 'james', lastName: 'li', zip: '10083' };
    const mails = smtp.mails.length;
    for (let i = 0; i < 5; i++)
      expect((await t.gql(VERIFY, { id: (await handedOver()).id, email: james }, dana)).errors).toBeUndefined();
    const ask = async (vars: Record<string, string>) => {
      const sent = await t.gql<Verify>(VERIFY, { id: (await handedOver()).id, ...vars }, dana);
      expect(sent.errors).toBeUndefined();
      return sent.data!.sendVerificationCode.data.text;
    };
    expect(await ask(byNameZip)).toBe(await ask({ ...byNameZip, firstName: 'nobody' }));
    await t.app.services.verificationCodes.settled();
    expect(smtp.mails.slice(mails).map((m) => m.to)).toEqual(Array(5).fill([james]));
  });
});
