/** Throwaway-mailbox domains: leads with these addresses are refused. Checked offline, no DNS. */
export const disposableEmailDomains: ReadonlySet<string> = new Set([
  '10minutemail.com',
  '20minutemail.com',
  'burnermail.io',
  'discard.email',
  'dispostable.com',
  'emailondeck.com',
  'fakeinbox.com',
  'getairmail.com',
  'getnada.com',
  'guerrillamail.com',
  'guerrillamail.net',
  'guerrillamail.org',
  'guerrillamailblock.com',
  'harakirimail.com',
  'inboxkitten.com',
  'maildrop.cc',
  'mailinator.com',
  'mailinator.net',
  'mailnesia.com',
  'mintemail.com',
  'mohmal.com',
  'mytemp.email',
  'sharklasers.com',
  'spam4.me',
  'spamgourmet.com',
  'temp-mail.org',
  'tempail.com',
  'tempmail.com',
  'tempmail.net',
  'tempmailo.com',
  'tempr.email',
  'throwawaymail.com',
  'trashmail.com',
  'trashmail.net',
  'yopmail.com',
  'yopmail.net',
]);

export interface EmailValidation {
  email: string;
  valid: boolean;
  /** Why it is not valid; absent when valid. */
  reason?: string;
  disposable: boolean;
  /** The address trimmed, with a lower-cased domain. */
  normalized?: string;
}

// Local part: dot-atoms of the usual characters; domain: labels of letters, digits and hyphens, a 2+ letter TLD.
const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const domainPart = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** validate_email: syntax plus a disposable-domain check, without any network. */
export function validateEmail(input: string): EmailValidation {
  const email = input.trim();
  const fail = (reason: string, disposable = false): EmailValidation => ({ email, valid: false, reason, disposable });
  if (email.length === 0) return fail('The email address is empty.');
  if (email.length > 254) return fail('The email address is longer than 254 characters.');
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1)
    return fail('An email address needs a name, an @ and a domain, like name@example.com.');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (local.length > 64) return fail('The part before the @ is longer than 64 characters.');
  if (!localPart.test(local)) return fail(`"${local}" is not a valid name before the @.`);
  if (!domainPart.test(domain)) return fail(`"${domain}" is not a valid domain.`);
  const disposable = [...domainSuffixes(domain)].some((d) => disposableEmailDomains.has(d));
  if (disposable) return fail(`${domain} is a disposable email service; please use a permanent address.`, true);
  return { email, valid: true, disposable: false, normalized: `${local}@${domain}` };
}

function* domainSuffixes(domain: string): Generator<string> {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) yield labels.slice(i).join('.');
}
