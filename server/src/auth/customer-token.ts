import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors, importSPKI, jwtVerify } from 'jose';
import { z } from 'zod';
import type { Config } from '../config.js';
import { ConfigError, UnauthenticatedError } from '../errors.js';

/** A storefront customer whose identity a signed token vouches for. */
export interface VerifiedCustomer {
  /** The store user id (`sub`). */
  customerId: string;
  expiresAt: Date;
}

const claimsSchema = z.object({
  sub: z.string().trim().min(1).max(200),
  exp: z.number().int(),
  iat: z.number().int().optional(),
});

/** Clock difference tolerated between the storefront and Baton, for `iat`. */
const CLOCK_SKEW_SECONDS = 30;

type Settings = NonNullable<Config['customerToken']>;

/**
 * Verifies storefront customer tokens: JWTs signed with HS256 (shared secret) or RS256 (public key),
 * with `sub` (the customer id) and `exp`. Only the configured algorithm is accepted, so `alg: none`
 * and algorithm swaps fail like forged signatures do.
 */
export class CustomerTokenVerifier {
  private constructor(
    private readonly key: KeyObject | CryptoKey | undefined,
    private readonly algorithm: 'HS256' | 'RS256',
    private readonly settings: Settings | undefined,
  ) {}

  /** Imports the configured key; a malformed public key is a ConfigError at startup, not at first use. */
  static async create(settings: Config['customerToken']): Promise<CustomerTokenVerifier> {
    if (!settings) return new CustomerTokenVerifier(undefined, 'HS256', undefined);
    if (settings.secret)
      return new CustomerTokenVerifier(createSecretKey(Buffer.from(settings.secret, 'utf8')), 'HS256', settings);
    try {
      return new CustomerTokenVerifier(await importSPKI(settings.publicKey!, 'RS256'), 'RS256', settings);
    } catch (err) {
      throw new ConfigError('CUSTOMER_TOKEN_PUBLIC_KEY is not a valid RS256 public key (PEM, SPKI)', { cause: err });
    }
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  /** Returns the customer the token vouches for, or throws UnauthenticatedError saying why not. */
  async verify(token: string): Promise<VerifiedCustomer> {
    if (!this.key)
      throw new UnauthenticatedError(
        'Customer tokens are not accepted here: the server has no CUSTOMER_TOKEN_SECRET or CUSTOMER_TOKEN_PUBLIC_KEY',
        { details: { field: 'input.customerToken' } },
      );
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [this.algorithm],
        issuer: this.settings?.issuer,
        audience: this.settings?.audience,
        requiredClaims: ['sub', 'exp'],
      });
      const claims = claimsSchema.parse(payload);
      const now = Date.now() / 1000;
      if (claims.iat !== undefined && claims.iat > now + CLOCK_SKEW_SECONDS)
        throw new TokenPolicyError('it was issued in the future ("iat")');
      const maxLifetime = this.settings?.maxLifetimeSeconds ?? 86_400;
      if (claims.exp - now > maxLifetime)
        throw new TokenPolicyError(`it lives longer than ${maxLifetime} s ("exp" is too far ahead)`);
      return { customerId: claims.sub, expiresAt: new Date(claims.exp * 1000) };
    } catch (err) {
      throw new UnauthenticatedError(`Invalid customer token: ${reason(err)}`, {
        cause: err,
        details: { field: 'input.customerToken' },
      });
    }
  }
}

/** A token that verifies but breaks Baton's own rules (lifetime, issue time). */
class TokenPolicyError extends Error {}

function reason(err: unknown): string {
  if (err instanceof TokenPolicyError) return err.message;
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'its signing algorithm is not accepted';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (err instanceof errors.JWTClaimValidationFailed) return `the "${err.claim}" claim is ${err.reason}`;
  if (err instanceof z.ZodError) return 'it carries no usable customer id';
  return 'it is malformed';
}
