import { describe, expect, it } from 'vitest';
import { pickVariant, render, valuesFor, variablesOf } from './template.js';

describe('templates', () => {
  const values = valuesFor({ phone: '447700900123', name: 'Ada Lovelace', fields: { city: 'London' }, vars: { 'Order no': '1042' } });
  it.each([
    ['Hi {{name}}!', 'Hi Ada Lovelace!', []],
    ['Hi {{ first_name }}, order {{order_no}} from {{City}}', 'Hi Ada, order 1042 from London', []],
    ['Hi {{Order no}}', 'Hi 1042', []],
    ['Hi {{nickname|there}}', 'Hi there', []],
    ['Hi {{nickname}}!', 'Hi !', ['nickname']],
    ['Hi {{nickname|}} you', 'Hi you', []],
    ['Call {{phone}}', 'Call +447700900123', []],
    ['No variables at all', 'No variables at all', []],
    ['Braces { alone } stay', 'Braces { alone } stay', []],
  ])('%s → %s', (text, out, missing) => {
    expect(render(text, values)).toEqual({ text: out, missing });
  });

  it('lists variables once with their fallbacks', () => {
    expect(variablesOf('{{name}} {{Name|friend}} {{city}}')).toEqual([
      { key: 'name', fallback: 'friend' },
      { key: 'city', fallback: null },
    ]);
  });

  it('rotates variants by position', () => {
    const texts = ['a', 'b', 'c'];
    expect([0, 1, 2, 3, 4, 5].map((i) => pickVariant(texts, i).text).join('')).toBe('abcabc');
    expect(pickVariant(['only'], 7)).toEqual({ index: 0, text: 'only' });
  });
});
