import { describe, expect, it } from 'vitest';
import { normalisePhone } from './service.js';

describe('normalisePhone', () => {
  it.each([
    ['07700 900123', 'GB', '447700900123'],
    ['+1 (415) 555-0100', 'GB', '14155550100'],
    ['0049 151 12345678', 'GB', '4915112345678'],
    ['0151 12345678', 'DE', '4915112345678'],
    ['(415) 555-0100', 'US', '14155550100'],
  ])('%s in %s → %s', (input, country, digits) => {
    expect(normalisePhone(input, country)).toBe(digits);
  });

  it.each(['', '12', 'call me', '+44 7700 900123 ext 5', '=HYPERLINK("x")', '+999 1234'])('refuses %j', (input) => {
    expect(normalisePhone(input, 'GB')).toBeNull();
  });
});
