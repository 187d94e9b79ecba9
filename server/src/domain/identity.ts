import { z } from 'zod';

/**
 * How sure Baton is of who the shopper is, per conversation. `claimed`: an email, or a name plus zip,
 * was given in the chat (knowing an email is not being that person). `verified`: a storefront token,
 * a customer an API key vouched for, or a one-time code emailed to the account's address.
 */
export const identityLevels = ['anonymous', 'claimed', 'verified'] as const;
export type IdentityLevel = (typeof identityLevels)[number];

/** How a level was reached. */
export const identityMethods = ['email', 'name_zip', 'customer_token', 'api_key', 'email_code'] as const;
export type IdentityMethod = (typeof identityMethods)[number];

/**
 * `strict` (default): the levels above. `email`: the retail benchmark's policy, in which an email or a
 * name plus zip given in the chat verifies the shopper (demos and benchmark replays only).
 */
export const identityPolicies = ['strict', 'email'] as const;
export type IdentityPolicy = (typeof identityPolicies)[number];

export const levelRank = (level: IdentityLevel) => identityLevels.indexOf(level);
export const meetsLevel = (have: IdentityLevel, need: IdentityLevel) => levelRank(have) >= levelRank(need);

/** What the shopper said about themselves: an email, or a name plus zip. */
export const identityClaimSchema = z.union([
  z.object({ email: z.string().trim().min(3).max(320) }),
  z.object({
    firstName: z.string().trim().min(1).max(100),
    lastName: z.string().trim().min(1).max(100),
    zip: z.string().trim().min(1).max(20),
  }),
]);
export type IdentityClaim = z.infer<typeof identityClaimSchema>;

/** What a tool needs before the tool executor lets it run. Declared by every tool. */
export const toolIdentityPolicySchema = z.object({
  /** The lowest identity level at which the tool may run. */
  minimumLevel: z.enum(identityLevels),
  /** Reads a customer's personal data (addresses, orders, payment methods, profile). */
  readsPersonalData: z.boolean(),
  /** Changes state. */
  writes: z.boolean(),
  /**
   * Changes the shopper's order, money or account for them: each call waits for the shopper's own
   * "yes" to that exact call (see server/src/agents/consent-gate.ts). Absent means false.
   */
  needsConsent: z.boolean().optional(),
});
export type ToolIdentityPolicy = z.infer<typeof toolIdentityPolicySchema>;

/** Why a code the shopper typed was not accepted. */
export const codeRefusals = ['wrong', 'expired', 'used', 'locked'] as const;
export type CodeRefusal = (typeof codeRefusals)[number];

/** The IDENTITY event: the conversation's level and how it was reached, or a typed code that was refused. */
export const identityEventSchema = z.object({
  level: z.enum(identityLevels),
  method: z.enum(identityMethods).optional(),
  /** The store customer, at `verified` only. */
  customerId: z.string().optional(),
  /** What was claimed, at `claimed`. */
  claim: identityClaimSchema.optional(),
  /** ISO time the verification ends. */
  verifiedUntil: z.string().optional(),
  policy: z.enum(identityPolicies),
  /** Set when the shopper typed a code that was not accepted; the level is unchanged. */
  codeRefused: z.object({ reason: z.enum(codeRefusals), triesLeft: z.number().int().nonnegative() }).optional(),
});
export type IdentityEventData = z.infer<typeof identityEventSchema>;
