import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * A new identifier: 10 characters of time then 16 of randomness. Ids sort by
 * creation time, which lets lists page by id instead of by (time, id) pairs.
 */
export function newId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  let random = '';
  for (const b of bytes) random += ALPHABET[b % 32];
  return encodeTime(now) + random;
}

/** A secret token for cookies and invite links: 256 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
