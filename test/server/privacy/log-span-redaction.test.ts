import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../server/src/logger.js';
import { createTestApp, type TestApp, waitForRun } from '../../helpers/test-app.js';

const PERSONAL = {
  email: 'zoe.unknown4242@example.com',
  phone: '+1 555-201-3344',
  street: '12 Main Street',
  payment: 'credit_card_1234567',
  token: 'ct_abcdefgh12345678abcd',
};
/** A store customer: the store tools' outputs carry these (address, payment methods) through the run. */
const NOAH = {
  email: 'noah.brown7922@example.com',
  street: '986 Sunset Drive',
  card: 'credit_card_7815826',
  paypal: 'paypal_5727330',
};

/** Personal data typed by a shopper, through a real run (offline provider, real store): none of it in logs or spans. */
describe('log and span redaction', () => {
  let t: TestApp;
  const exporter = new InMemorySpanExporter();
  const lines: string[] = [];
  beforeAll(async () => {
    const logger = createLogger({ logLevel: 'trace', env: 'test' }, { write: (line: string) => void lines.push(line) });
    t = await createTestApp({ env: { SEED_DEMO_DATA: 'true', LOG_LEVEL: 'trace' }, spanExporter: exporter, logger });
    // The benchmark's policy, in which an email given in the chat identifies: the run then carries the
    // customer's address and payment method through tools, logs and spans, which is what this test needs.
    await t.app.services.settings.update({ identityPolicy: 'email' });
  });
  afterAll(() => t.close());

  it('redacts every kind in captured logs and span attributes, status and events', async () => {
    const { conversation } = await t.app.services.conversations.start({});
    // An unknown email: the lookup fails, and its error (naming the email) marks the tool span.
    const run = await t.app.services.runs.submit(
      conversation.id,
      `Hi, my email is ${PERSONAL.email} and my phone is ${PERSONAL.phone}. Where is my order? Ship to ${PERSONAL.street}, Springfield, IL 62704, pay with ${PERSONAL.payment}, my token ${PERSONAL.token}`,
      'AUTO',
    );
    await waitForRun(t.app, run.id, 60_000);
    // The shopper's text did reach the tools (so there was something to redact)...
    const events = JSON.stringify(await t.app.services.eventStore.list({ runId: run.id }));
    expect(events).toContain(PERSONAL.email);
    // ...and an error span, a log line or an attribute that repeated it would show it here.
    t.app.services.logger.warn({ shopper: { email: PERSONAL.email } }, `Could not find ${PERSONAL.email}`);
    await t.app.services.telemetry.span('probe', { note: `call ${PERSONAL.phone}` }, async (span) => {
      span?.setStatus({ code: 2, message: `no customer ${PERSONAL.email} at ${PERSONAL.street}` });
      span?.setAttribute('pay', PERSONAL.payment);
      span?.recordException(new Error(`token ${PERSONAL.token}`));
    });
    // A shopper identified in the chat: order and account tools return an address and payment methods,
    // through the GraphQL API as a storefront sends it.
    const noah = await t.app.services.conversations.start({});
    const sent = await t.gql<{ sendMessage: { id: string } }>(
      'mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id } }',
      {
        c: noah.conversation.id,
        t: `Hi, my email is ${NOAH.email}, call me on ${PERSONAL.phone}. Where is my order #W7678072 and what address is it going to?`,
      },
      noah.token,
    );
    await waitForRun(t.app, sent.data!.sendMessage.id, 60_000);
    const noahEvents = JSON.stringify(await t.app.services.eventStore.list({ runId: sent.data!.sendMessage.id }));
    expect(noahEvents).toContain(NOAH.street);
    expect(noahEvents).toMatch(new RegExp(`${NOAH.card}|${NOAH.paypal}`));
    // A caller's mistake that names personal data is logged (debug) by the GraphQL layer.
    const refused = await t.gql('query($id: String!) { exportCustomerData(customerId: $id) }', { id: PERSONAL.email });
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const spans = JSON.stringify(
      exporter
        .getFinishedSpans()
        .map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })),
    );
    const logs = lines.join('\n');
    expect(spans).toContain('probe');
    expect(logs).toContain('Could not find');
    expect(spans).toContain('execute_tool store.get_order_details');
    expect(logs).toContain('No customer [email]');
    for (const [kind, value] of [
      ...Object.entries(PERSONAL),
      ...Object.entries(NOAH).map(([k, v]) => [`noah ${k}`, v]),
    ]) {
      expect(logs, kind).not.toContain(value);
      expect(spans, kind).not.toContain(value);
    }
  });
});
