import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Keys and tokens are stored as sha256: they carry 192 bits of randomness, so no slow hash is needed. */
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const randomSecret = (bytes = 24) => randomBytes(bytes).toString('base64url');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
