import { describe, expect, it } from 'vitest';
import { count } from './count.js';

describe('count', () => {
  it('puts the noun in the singular for one and the plural otherwise, with grouped digits', () => {
    expect(count(1, 'recipient')).toBe('1 recipient');
    expect(count(0, 'recipient')).toBe('0 recipients');
    expect(count(3, 'number')).toBe('3 numbers');
    expect(count(12000, 'record')).toBe(`${(12000).toLocaleString()} records`);
    expect(count(2, 'reply', 'replies')).toBe('2 replies');
  });
});
