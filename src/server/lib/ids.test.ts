import { describe, expect, it } from 'vitest';
import { newId, newToken } from './ids.js';

describe('newId', () => {
  it('is 26 lower-case Crockford base32 characters', () => {
    expect(newId()).toMatch(/^[0-9abcdefghjkmnpqrstvwxyz]{26}$/);
  });

  it('sorts by creation time, as strings', () => {
    const times = [
      0,
      1,
      31,
      32,
      1_000,
      Date.parse('2026-01-01T00:00:00Z'),
      Date.parse('2026-01-01T00:00:00.001Z'),
      Date.parse('2999-12-31T23:59:59Z'),
    ];
    const ids = times.map((t) => newId(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('encodes the time in the first 10 characters', () => {
    const at = Date.parse('2026-06-01T09:00:00Z');
    expect(newId(at).slice(0, 10)).toBe(newId(at).slice(0, 10));
    expect(newId(at).slice(0, 10) < newId(at + 1).slice(0, 10)).toBe(true);
  });

  it('does not repeat within the same millisecond', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newId(42)));
    expect(ids.size).toBe(2000);
  });

  it('draws the random part from fresh random bytes across refills of its random pool', () => {
    // 1,000 ids use about four pools of random bytes; a pool left unfilled would show as runs of '0'.
    const tails = Array.from({ length: 1000 }, () => newId(42).slice(10));
    expect(tails.some((t) => t === '0'.repeat(16))).toBe(false);
    expect(new Set(tails.join('')).size).toBe(32);
  });
});

describe('newToken', () => {
  it('is 256 bits of URL-safe text, different each time', () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url').length).toBe(32);
    expect(newToken()).not.toBe(token);
  });
});
