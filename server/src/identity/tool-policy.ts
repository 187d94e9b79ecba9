import { type IdentityLevel, meetsLevel, type ToolIdentityPolicy } from '../domain/identity.js';

/** What a tool that is missing from the catalog is taken to need. */
export const UNKNOWN_TOOL_POLICY: ToolIdentityPolicy = {
  minimumLevel: 'verified',
  readsPersonalData: true,
  writes: true,
  needsConsent: true,
};

/** The refusal's code, for the TOOL_CALL event and the model. */
export const IDENTITY_REQUIRED = 'IDENTITY_REQUIRED';

/**
 * The refusal for a tool the conversation's identity level does not allow, or undefined when it may
 * run. The words tell the agent what to do next and never depend on whether an order, an email or an
 * account exists.
 */
export function refuseByIdentity(policy: ToolIdentityPolicy, level: IdentityLevel): string | undefined {
  if (meetsLevel(level, policy.minimumLevel)) return undefined;
  if (policy.minimumLevel === 'claimed')
    return 'Not yet: this needs to know who the shopper says they are. Ask for the email address on their account (or first name, last name and zip code), and call find_user_id_by_email (or find_user_id_by_name_zip) first.';
  if (level === 'claimed')
    return 'Not yet: this needs the shopper verified as the account holder, and an email or name alone does not verify anyone. Call send_verification_code: it emails a 6-digit code to the address on the account. Tell the shopper, and ask them to type the code here; then try again. (Order status and tracking work already, with get_order_status.)';
  return 'Not yet: this needs the shopper verified as the account holder. Ask for the email address on their account (or first name, last name and zip code), call find_user_id_by_email (or find_user_id_by_name_zip), then send_verification_code, which emails a 6-digit code to the address on the account; the shopper types it here.';
}
