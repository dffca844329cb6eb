import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../../../test/support/clock.js';
import { DAY_MS } from '../../lib/clock.js';
import {
  DEFAULT_WINDOW,
  isInWindow,
  isValidWindow,
  localDayStart,
  nextSendTime,
  nextWindowOpening,
  randomDelayMs,
  warmupCap,
  zonedTimeToUtc,
  type NextSendInput,
} from './pacing.js';

const t = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('zonedTimeToUtc', () => {
  it.each([
    ['UTC noon', 'UTC', { year: 2026, month: 6, day: 1, hour: 12, minute: 0 }, '2026-06-01T12:00:00Z'],
    ['Berlin summer', 'Europe/Berlin', { year: 2026, month: 6, day: 1, hour: 9, minute: 0 }, '2026-06-01T07:00:00Z'],
    ['Berlin winter', 'Europe/Berlin', { year: 2026, month: 1, day: 15, hour: 9, minute: 0 }, '2026-01-15T08:00:00Z'],
    // 02:30 does not exist on 29 March 2026 in Berlin: the clocks jump 02:00 → 03:00 (01:00Z).
    ['Berlin spring gap', 'Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, '2026-03-29T01:00:00Z'],
    // 02:30 happens twice on 25 October 2026: the first one (CEST) is meant.
    ['Berlin fall back', 'Europe/Berlin', { year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, '2026-10-25T00:30:00Z'],
    ['New York spring gap', 'America/New_York', { year: 2026, month: 3, day: 8, hour: 2, minute: 15 }, '2026-03-08T07:00:00Z'],
    ['Kolkata half hour', 'Asia/Kolkata', { year: 2026, month: 6, day: 1, hour: 9, minute: 0 }, '2026-06-01T03:30:00Z'],
    ['Auckland', 'Pacific/Auckland', { year: 2026, month: 1, day: 1, hour: 0, minute: 0 }, '2025-12-31T11:00:00Z'],
  ])('%s', (_name, zone, local, expected) => {
    expect(new Date(zonedTimeToUtc(local, zone)).toISOString()).toBe(new Date(expected).toISOString());
  });
});

describe('sending window', () => {
  const weekdays = { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] };
  it.each([
    // 2026-06-01 is a Monday.
    ['inside', '2026-06-01T10:00:00Z', 'UTC', DEFAULT_WINDOW, '2026-06-01T10:00:00Z'],
    ['before opening', '2026-06-01T06:00:00Z', 'UTC', DEFAULT_WINDOW, '2026-06-01T09:00:00Z'],
    ['at closing: tomorrow', '2026-06-01T20:00:00Z', 'UTC', DEFAULT_WINDOW, '2026-06-02T09:00:00Z'],
    ['Friday night → Monday', '2026-06-05T21:00:00Z', 'UTC', weekdays, '2026-06-08T09:00:00Z'],
    ['Saturday → Monday', '2026-06-06T12:00:00Z', 'UTC', weekdays, '2026-06-08T09:00:00Z'],
    ['Berlin morning in UTC terms', '2026-06-01T06:30:00Z', 'Europe/Berlin', DEFAULT_WINDOW, '2026-06-01T07:00:00Z'],
    ['Berlin evening closed', '2026-06-01T18:30:00Z', 'Europe/Berlin', DEFAULT_WINDOW, '2026-06-02T07:00:00Z'],
    // The Saturday before the spring change opens at 08:00Z (CET), the Sunday after at 07:00Z (CEST).
    ['DST: Sunday of spring change', '2026-03-28T20:00:00Z', 'Europe/Berlin', DEFAULT_WINDOW, '2026-03-29T07:00:00Z'],
    ['DST: Sunday of fall back', '2026-10-24T19:00:00Z', 'Europe/Berlin', DEFAULT_WINDOW, '2026-10-25T08:00:00Z'],
    ['Tokyo: west of date line', '2026-06-01T12:00:00Z', 'Asia/Tokyo', DEFAULT_WINDOW, '2026-06-02T00:00:00Z'],
  ])('%s', (_name, at, zone, window, expected) => {
    expect(new Date(nextWindowOpening(t(at), window, zone)!).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('knows when it is open', () => {
    expect(isInWindow(t('2026-06-01T19:59:59Z'), DEFAULT_WINDOW, 'UTC')).toBe(true);
    expect(isInWindow(t('2026-06-01T20:00:00Z'), DEFAULT_WINDOW, 'UTC')).toBe(false);
    expect(nextWindowOpening(0, { ...DEFAULT_WINDOW, days: [] }, 'UTC')).toBeNull();
  });

  it.each([
    [{ start: '09:00', end: '20:00', days: [1] }, true],
    [{ start: '20:00', end: '09:00', days: [1] }, false],
    [{ start: '9:00', end: '20:00', days: [1] }, false],
    [{ start: '00:00', end: '24:00', days: [7] }, true],
    [{ start: '09:00', end: '20:00', days: [] }, false],
    [{ start: '09:00', end: '20:00', days: [8] }, false],
  ])('validates %j → %s', (w, ok) => expect(isValidWindow(w)).toBe(ok));

  it('a local day is 23 hours long on the spring change and 25 on the fall back', () => {
    const spring = localDayStart(t('2026-03-29T12:00:00Z'), 'Europe/Berlin');
    const next = localDayStart(t('2026-03-30T12:00:00Z'), 'Europe/Berlin');
    expect(next - spring).toBe(23 * HOUR);
    const fall = localDayStart(t('2026-10-25T12:00:00Z'), 'Europe/Berlin');
    expect(localDayStart(t('2026-10-26T12:00:00Z'), 'Europe/Berlin') - fall).toBe(25 * HOUR);
  });
});

describe('warm-up', () => {
  const linked = t('2026-06-01T10:00:00Z');
  it.each([
    [0, 20],
    [1, 40],
    [2, 80],
    [3, 160],
    [4, 320],
    [5, 500],
    [13, 500],
    [14, 500],
  ])('day %i after linking → %i', (days, cap) => {
    expect(warmupCap(500, linked, linked + days * DAY_MS + HOUR)).toBe(cap);
  });
  it('a small cap is never exceeded, and numbers linked long ago are not ramped', () => {
    expect(warmupCap(30, linked, linked + 3 * DAY_MS)).toBe(30);
    expect(warmupCap(500, null, linked)).toBe(500);
  });
});

describe('random delay', () => {
  it.each([
    [0, 8000],
    [0.5, 14000],
    [0.999999, 20000],
  ])('r=%d → %i ms', (r, ms) => expect(randomDelayMs(8000, 20000, () => r)).toBe(ms));
});

describe('nextSendTime', () => {
  const base: NextSendInput = {
    now: t('2026-06-01T10:00:00Z'),
    dueAt: null,
    window: DEFAULT_WINDOW,
    timeZone: 'UTC',
    dailyCap: 500,
    warmup: false,
    linkedAt: null,
    sentToday: { dayStart: t('2026-06-01T00:00:00Z'), count: 0 },
  };
  it.each<[string, Partial<NextSendInput>, string | null, string | null]>([
    ['first send, window open', {}, '2026-06-01T10:00:00Z', 'now'],
    ['waits for the delay', { dueAt: t('2026-06-01T10:00:12Z') }, '2026-06-01T10:00:12Z', 'delay'],
    ['delay already passed', { dueAt: t('2026-06-01T09:59:00Z') }, '2026-06-01T10:00:00Z', 'now'],
    ['delay runs past closing', { dueAt: t('2026-06-01T20:00:05Z') }, '2026-06-02T09:00:00Z', 'window'],
    ['cap reached: next morning', { sentToday: { dayStart: t('2026-06-01T00:00:00Z'), count: 500 } }, '2026-06-02T09:00:00Z', 'daily_cap'],
    ['yesterday’s count does not count', { sentToday: { dayStart: t('2026-05-31T00:00:00Z'), count: 500 } }, '2026-06-01T10:00:00Z', 'now'],
    [
      'warm-up: day 1 holds 20',
      { warmup: true, linkedAt: t('2026-06-01T08:00:00Z'), sentToday: { dayStart: t('2026-06-01T00:00:00Z'), count: 20 } },
      '2026-06-02T09:00:00Z',
      'daily_cap',
    ],
    ['no days selected', { window: { ...DEFAULT_WINDOW, days: [] } }, null, null],
    [
      'Berlin: cap on the spring-change Sunday → Monday 09:00 CEST',
      {
        now: t('2026-03-29T10:00:00Z'),
        timeZone: 'Europe/Berlin',
        sentToday: { dayStart: t('2026-03-28T23:00:00Z'), count: 500 },
      },
      '2026-03-30T07:00:00Z',
      'daily_cap',
    ],
  ])('%s', (_name, over, at, reason) => {
    const next = nextSendTime({ ...base, ...over });
    if (at === null) return expect(next).toBeNull();
    expect(next && { at: new Date(next.at).toISOString(), reason: next.reason }).toEqual({ at: new Date(at).toISOString(), reason });
  });

  it('with a fake clock, a day of sending keeps delays between 8 and 20 s, stops at the cap and at the window', () => {
    const clock = fakeClock(t('2026-06-01T08:00:00Z'));
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sends: number[] = [];
    let due: number | null = null;
    const cap = 300;
    while (clock.now() < t('2026-06-02T00:00:00Z')) {
      const day = localDayStart(clock.now(), 'UTC');
      const next = nextSendTime({
        ...base,
        now: clock.now(),
        dueAt: due,
        dailyCap: cap,
        sentToday: { dayStart: day, count: sends.filter((s) => s >= day).length },
      })!;
      if (next.at >= t('2026-06-02T00:00:00Z')) break;
      clock.set(next.at);
      sends.push(clock.now());
      due = clock.now() + randomDelayMs(8000, 20000, random);
    }
    expect(sends.length).toBe(cap);
    expect(sends[0]).toBe(t('2026-06-01T09:00:00Z'));
    const gaps = sends.slice(1).map((s, i) => s - sends[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(8000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(20000);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(Math.abs(mean - 14000)).toBeLessThan(700);
  });
});
