import { describe, expect, it } from 'vitest';
import { validateEmail } from '../../../server/src/store/email-validation.js';

describe('validateEmail', () => {
  it.each(['jane@example.com', 'Jane.Doe+shop@Mail.Example.CO.UK', "o'brien@example.ie"])('accepts %s', (email) => {
    const result = validateEmail(email);
    expect(result).toMatchObject({ valid: true, disposable: false });
    expect(result.normalized?.split('@')[1]).toBe(email.split('@')[1]!.toLowerCase());
  });

  it.each([
    ['', /empty/],
    ['jane', /needs a name, an @ and a domain/],
    ['jane@', /needs a name, an @ and a domain/],
    ['@example.com', /needs a name, an @ and a domain/],
    ['ja ne@example.com', /not a valid name before the @/],
    ['jane..doe@example.com', /not a valid name before the @/],
    ['jane@example', /not a valid domain/],
    ['jane@-example.com', /not a valid domain/],
  ])('rejects "%s"', (email, reason) => {
    const result = validateEmail(email);
    expect(result.valid).toBe(false);
    expect(result.reason).toMatch(reason);
  });

  it('rejects disposable domains, subdomains included', () => {
    expect(validateEmail('x@mailinator.com')).toMatchObject({ valid: false, disposable: true });
    expect(validateEmail('x@eu.Mailinator.com')).toMatchObject({ valid: false, disposable: true });
    expect(validateEmail('x@notmailinator.com')).toMatchObject({ valid: true });
  });
});
