import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerTokenVerifier } from '../../../server/src/auth/customer-token.js';
import { loadConfig } from '../../../server/src/config.js';
import { ConfigError, UnauthenticatedError } from '../../../server/src/errors.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const secret = 'storefront-shared-secret-0123456789abcdef';
const now = () => Math.floor(Date.now() / 1000);

const hs256 = (claims: Record<string, unknown>, key = secret) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key));

/** A token with `alg: none` and no signature, as an attacker would craft it. */
const unsigned = (claims: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

async function refusedWith(verifier: CustomerTokenVerifier, token: string, reason: RegExp) {
  const err = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnauthenticatedError);
  expect((err as Error).message).toMatch(reason);
}

describe('CustomerTokenVerifier with HS256', () => {
  let verifier: CustomerTokenVerifier;
  beforeAll(async () => {
    verifier = await CustomerTokenVerifier.create({ secret, issuer: 'https://shop.example', audience: 'baton' });
  });
  const valid = { sub: 'james_li_5688', iss: 'https://shop.example', aud: 'baton' };

  it('accepts a signed, unexpired token and returns its customer', async () => {
    const exp = now() + 600;
    expect(await verifier.verify(await hs256({ ...valid, exp }))).toEqual({
      customerId: 'james_li_5688',
      expiresAt: new Date(exp * 1000),
    });
  });

  it('refuses expired, forged, unsigned and incomplete tokens, saying why', async () => {
    await refusedWith(verifier, await hs256({ ...valid, exp: now() - 60 }), /expired/);
    await refusedWith(verifier, await hs256({ ...valid, exp: now() + 600 }, `${secret}-forged`), /signature/);
    await refusedWith(verifier, unsigned({ ...valid, exp: now() + 600 }), /algorithm/);
    await refusedWith(verifier, await hs256({ ...valid }), /"exp" claim/);
    await refusedWith(verifier, await hs256({ iss: valid.iss, aud: valid.aud, exp: now() + 600 }), /"sub" claim/);
    await refusedWith(verifier, await hs256({ ...valid, iss: 'https://evil.example', exp: now() + 600 }), /"iss"/);
    await refusedWith(verifier, await hs256({ ...valid, aud: 'someone-else', exp: now() + 600 }), /"aud"/);
    await refusedWith(verifier, 'not-a-jwt', /malformed/);
  });
});

describe('CustomerTokenVerifier with RS256', () => {
  let verifier: CustomerTokenVerifier;
  let privateKey: CryptoKey;
  let publicPem: string;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    // Env files often carry PEM keys on one line with escaped newlines.
    const config = loadConfig({ CUSTOMER_TOKEN_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n') });
    verifier = await CustomerTokenVerifier.create(config.customerToken);
  });

  it('accepts a token signed with the private key', async () => {
    const token = await new SignJWT({ sub: 'u1' })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await verifier.verify(token)).customerId).toBe('u1');
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion) and alg none', async () => {
    await refusedWith(verifier, await hs256({ sub: 'u1', exp: now() + 600 }, publicPem), /algorithm/);
    await refusedWith(verifier, unsigned({ sub: 'u1', exp: now() + 600 }), /algorithm/);
  });

  it('a malformed public key or two keys at once are configuration errors', async () => {
    await expect(
      CustomerTokenVerifier.create({ publicKey: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' }),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(() => loadConfig({ CUSTOMER_TOKEN_SECRET: secret, CUSTOMER_TOKEN_PUBLIC_KEY: publicPem })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ CUSTOMER_TOKEN_SECRET: 'short' })).toThrow(/CUSTOMER_TOKEN_SECRET/);
  });
});

describe('startConversation with a customer token', () => {
  let t: TestApp;
  let integrator: string;
  beforeAll(async () => {
    t = await createTestApp({
      // Seeded: a token's sub must be a customer of the store.
      env: {
        SEED_DEMO_DATA: 'true',
        AUTH_MODE: 'keys',
        CUSTOMER_TOKEN_SECRET: secret,
        CUSTOMER_TOKEN_AUDIENCE: 'baton',
      },
    });
    await t.app.services.runs.stop();
    integrator = (await t.app.services.apiKeys.create('storefront', 'integrator')).key;
  });
  afterAll(() => t.close());

  const start = (input: Record<string, unknown>) =>
    t.gql<{ startConversation: { conversation: { id: string; customerId: string | null } } }>(
      'mutation($input: StartConversationInput) { startConversation(input: $input) { conversation { id customerId } } }',
      { input },
      integrator,
    );
  const conversationCount = async () => (await t.app.services.conversations.page(1_000)).length;

  it('sets the verified customer on the conversation, and agents act for that customer', async () => {
    const r = await start({ customerToken: await hs256({ sub: 'james_li_5688', aud: 'baton', exp: now() + 600 }) });
    expect(r.errors).toBeUndefined();
    const conversation = r.data!.startConversation.conversation;
    expect(conversation.customerId).toBe('james_li_5688');
    const prompt = await t.gql<{ agentPrompt: { systemPrompt: string } }>(
      'query($id: ID) { agentPrompt(name: "OrderManagementAgent", conversationId: $id) { systemPrompt } }',
      { id: conversation.id },
      integrator,
    );
    expect(prompt.data?.agentPrompt.systemPrompt).toContain(
      'Identified customer: james_li_5688 (verified by the storefront)',
    );
  });

  it('refuses expired, forged and unsigned tokens with UNAUTHENTICATED and writes nothing', async () => {
    const before = await conversationCount();
    for (const token of [
      await hs256({ sub: 'james_li_5688', aud: 'baton', exp: now() - 1 }),
      await hs256({ sub: 'james_li_5688', aud: 'baton', exp: now() + 600 }, 'a-forger-who-guessed-wrong-0123456789'),
      unsigned({ sub: 'james_li_5688', aud: 'baton', exp: now() + 600 }),
    ]) {
      const r = await start({ customerToken: token, title: 'should not exist' });
      expect(errorCode(r)).toBe('UNAUTHENTICATED');
      expect(r.errors?.[0]?.extensions?.field).toBe('input.customerToken');
      expect(r.data ?? null).toBeNull();
    }
    expect(await conversationCount()).toBe(before);
  });

  it('refuses a token together with customerId', async () => {
    const r = await start({
      customerId: 'someone_else',
      customerToken: await hs256({ sub: 'james_li_5688', aud: 'baton', exp: now() + 600 }),
    });
    expect(errorCode(r)).toBe('VALIDATION_FAILED');
  });

  it('a server without a token key refuses tokens rather than trusting them', async () => {
    const plain = await createTestApp({ db: t.db });
    try {
      await plain.app.services.runs.stop();
      const r = await plain.gql(
        'mutation($input: StartConversationInput) { startConversation(input: $input) { conversation { id } } }',
        { input: { customerToken: await hs256({ sub: 'james_li_5688', exp: now() + 600 }) } },
      );
      expect(errorCode(r)).toBe('UNAUTHENTICATED');
      expect(r.errors?.[0]?.message).toMatch(/CUSTOMER_TOKEN_SECRET/);
    } finally {
      await plain.close();
    }
  });
});
