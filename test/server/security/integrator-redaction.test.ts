import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const START = 'mutation { startConversation { conversation { id } token } }';
const EMAIL = 'jane.doe@example.com';
const PHONE = '555-123-4567';

/**
 * An integrator key without the full-data grant reads personal data redacted everywhere (docs/security.md,
 * "Redaction"). These are the fields that carried it past the redaction.
 */
describe('an integrator key without full data reads no personal data', () => {
  let t: TestApp;
  let plain = '';
  let granted = '';

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MODE: 'keys' } });
    plain = (await t.app.services.apiKeys.create('feed', 'integrator')).key;
    granted = (await t.app.services.apiKeys.create('warehouse', 'integrator', undefined, { fullEventData: true })).key;
  });
  afterAll(() => t.close());

  const shopper = async () => {
    const r = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      undefined,
      granted,
    );
    return { id: r.data!.startConversation.conversation.id, token: r.data!.startConversation.token };
  };

  it("redacts the reason of a request for a person (Conversation.ownership.reason), as the event's", async () => {
    const { id, token } = await shopper();
    const reason = `Please call me on ${PHONE} or write to ${EMAIL}`;
    const asked = await t.gql(
      'mutation($id: ID!, $reason: String!) { requestHuman(conversationId: $id, reason: $reason) { state } }',
      { id, reason },
      token,
    );
    expect(asked.errors).toBeUndefined();
    const read = (key: string) =>
      t.gql<{ conversation: { ownership: { reason: string } } }>(
        'query($id: ID!) { conversation(id: $id) { ownership { reason } } }',
        { id },
        key,
      );
    const r = await read(plain);
    expect(r.errors).toBeUndefined();
    expect(r.data!.conversation.ownership.reason).toBe('Please call me on [phone] or write to [email]');
    expect((await read(granted)).data!.conversation.ownership.reason).toBe(reason);
  });
});
