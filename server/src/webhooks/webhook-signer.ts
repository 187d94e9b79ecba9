import { Webhook } from 'standardwebhooks';
import type { WebhookSecret } from '../db/schema/webhooks.js';

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}

/** The secrets that sign at `now`: the current one, and rotated-out ones still inside their window. */
export function activeSecrets(secrets: readonly WebhookSecret[], now: Date): WebhookSecret[] {
  return secrets.filter((s) => !s.expiresAt || new Date(s.expiresAt) > now);
}

/**
 * The three Standard Webhooks headers for one attempt. During a rotation the signature header holds
 * one `v1,…` signature per active secret, space-separated, so receivers with either secret verify it.
 */
export function signedHeaders(
  secrets: readonly WebhookSecret[],
  messageId: string,
  body: string,
  now: Date,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const signatures = activeSecrets(secrets, now).map((s) => new Webhook(s.secret).sign(messageId, now, body));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
