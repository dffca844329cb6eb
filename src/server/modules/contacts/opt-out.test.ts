import { describe, expect, it } from 'vitest';
import { DEFAULT_OPT_OUT_SETTINGS, matchOptKeyword, normaliseKeyword } from './opt-out.js';

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'out'],
    ['stop', 'out'],
    [' STOP! ', 'out'],
    ['Stop.', 'out'],
    ['¡Stop!', 'out'],
    ['"stop"', 'out'],
    ['STOP 🛑', 'out'],
    ['Stop all', 'out'],
    ['STOP   ALL', 'out'],
    ['stop all!!!', 'out'],
    ['Unsubscribe', 'out'],
    ['cancel', 'out'],
    ['ｓｔｏｐ', 'out'],
    ['\tSTOP\n', 'out'],
    ['start', 'in'],
    ['START!', 'in'],
    ['please stop by the shop', null],
    ['stop it', null],
    ['STOPS', null],
    ['non-stop', null],
    ['stopall', null],
    ['can you cancel my order', null],
    ['restart', null],
    ['', null],
    ['!!!', null],
    [null, null],
  ] as const)('%j → %s', (text, expected) => {
    expect(matchOptKeyword(text, DEFAULT_OPT_OUT_SETTINGS)).toBe(expected);
  });

  it('matches configured keywords in other languages the same way', () => {
    const settings = { optOutKeywords: ['BAJA', 'ARRÊT', 'Abmelden'], optInKeywords: ['ALTA'] };
    expect(matchOptKeyword('baja', settings)).toBe('out');
    expect(matchOptKeyword('Arrêt.', settings)).toBe('out');
    expect(matchOptKeyword('ABMELDEN', settings)).toBe('out');
    expect(matchOptKeyword('alta!', settings)).toBe('in');
    expect(matchOptKeyword('STOP', settings)).toBe(null);
  });

  it('never reads a long message as a keyword', () => {
    expect(matchOptKeyword(`STOP${' '.repeat(100)}`, DEFAULT_OPT_OUT_SETTINGS)).toBe(null);
    expect(normaliseKeyword('  Stop,   all!! ')).toBe('STOP, ALL');
  });
});
