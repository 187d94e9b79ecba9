import { z } from 'zod';
import { type BusinessHours, businessHoursSchema } from './business-hours.js';
import { identityPolicies } from './identity.js';
import { modelPricesSchema } from './model-prices.js';

/** What a second message does while a run of the same conversation is active. */
export const doubleTextingPolicies = ['queue', 'reject', 'interrupt'] as const;

/** How the storefront widget presents the shop: public, served to any page that embeds the widget. */
export const brandSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(60),
  color: z
    .string()
    .trim()
    .regex(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i, 'colour is a hex colour such as #1f4f99'),
  greeting: z.string().trim().min(1, 'greeting is required').max(300),
});
export type Brand = z.infer<typeof brandSchema>;

export const defaultBrand: Brand = { name: 'Support', color: '#1f4f99', greeting: 'Hi! How can we help you today?' };

export const workspaceSettingsSchema = z.object({
  brandVoice: z.string().trim().min(1, 'brand voice is required').max(4_000),
  refusalMessage: z.string().trim().min(1, 'refusal message is required').max(1_000),
  apologyMessage: z.string().trim().min(1, 'apology message is required').max(1_000),
  businessHours: businessHoursSchema,
  humanTransferScenarios: z.array(z.string().trim().min(1).max(500)).max(50),
  defaultAgent: z.string().min(1),
  doubleTexting: z.enum(doubleTextingPolicies),
  agentAssist: z.boolean(),
  brand: brandSchema,
  /** strict: identity levels (docs/security.md); email: an email given in the chat verifies (benchmark replays, demos). */
  identityPolicy: z.enum(identityPolicies),
  /** What each model costs: analytics shows cost where a model has a price. */
  modelPrices: modelPricesSchema,
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

const nineToSix = [{ open: '09:00', close: '18:00' }];
export const defaultBusinessHours: BusinessHours = {
  timeZone: 'America/New_York',
  weekly: {
    mon: nineToSix,
    tue: nineToSix,
    wed: nineToSix,
    thu: nineToSix,
    fri: nineToSix,
    sat: [{ open: '10:00', close: '16:00' }],
    sun: [],
  },
};

export const defaultSettings: WorkspaceSettings = {
  brandVoice:
    'Warm, concise and practical. Use plain words and short sentences, address the shopper directly, and never over-promise. No emojis.',
  refusalMessage:
    "I'm sorry, I can only help with shopping at our store: orders, products, returns and store policies. Is there something along those lines I can do for you?",
  apologyMessage:
    "I'm sorry, something went wrong on our side and I couldn't finish that. Please try again in a moment, or ask to speak with a person.",
  businessHours: defaultBusinessHours,
  humanTransferScenarios: [
    'The shopper explicitly asks for a person.',
    'The shopper reports a safety issue, a legal threat or suspected fraud.',
    'The shopper is upset after two failed attempts to resolve the issue.',
    'A refund or exchange falls outside the return policy.',
  ],
  defaultAgent: 'GeneralSupportAgent',
  doubleTexting: 'queue',
  agentAssist: true,
  brand: defaultBrand,
  identityPolicy: 'strict',
  modelPrices: [],
};
