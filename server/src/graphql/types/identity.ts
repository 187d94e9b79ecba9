import { z } from 'zod';
import type { UserInfo } from '../../chat/chat-state.js';
import { identityLevels, identityPolicies } from '../../domain/identity.js';
import { OutboxEmailSender } from '../../identity/email-sender.js';
import { builder } from '../builder.js';

export const IdentityLevelEnum = builder.enumType('IdentityLevel', {
  description:
    'anonymous; claimed (an email or a name plus zip given in the chat: order status only); verified (a storefront token, an API key, or a one-time code emailed to the account).',
  values: identityLevels,
});

export const IdentityPolicyEnum = builder.enumType('IdentityPolicy', {
  description:
    'strict (default): the identity levels. email: an email or a name plus zip given in the chat verifies the shopper, as in the retail benchmark; for demos and benchmark replays only.',
  values: identityPolicies,
});

export const ConversationIdentityRef = builder.objectRef<UserInfo>('ConversationIdentity').implement({
  description: 'Who the shopper is, and how that was established (docs/security.md).',
  fields: (t) => ({
    level: t.field({ type: IdentityLevelEnum, resolve: (u) => u.level }),
    method: t.string({
      nullable: true,
      description: 'How the level was reached: email, name_zip, customer_token, api_key or email_code.',
      resolve: (u) => u.method ?? null,
    }),
    customerId: t.string({ nullable: true, description: 'At verified only.', resolve: (u) => u.customerId ?? null }),
    verifiedUntil: t.string({
      nullable: true,
      description: 'When the verification ends (ISO time).',
      resolve: (u) => u.verifiedUntil ?? null,
    }),
  }),
});

interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: Date;
}
const OutboxMailRef = builder.objectRef<OutboxMail>('OutboxMail').implement({
  description: 'A mail kept in the development outbox instead of being sent (no SMTP_URL is configured).',
  fields: (t) => ({
    id: t.exposeID('id'),
    to: t.exposeString('to'),
    subject: t.exposeString('subject'),
    text: t.exposeString('text'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  emailOutbox: t.field({
    type: [OutboxMailRef],
    nullable: true,
    description:
      'Mails kept instead of sent, newest first: only when no SMTP_URL is configured (development); null when mail goes out over SMTP.',
    authScopes: { admin: true },
    args: { first: t.arg.int({ validate: z.number().int().min(1).max(100) }) },
    resolve: (_r, args, ctx) =>
      ctx.services.email instanceof OutboxEmailSender ? ctx.services.email.list(args.first ?? 20) : null,
  }),
}));
