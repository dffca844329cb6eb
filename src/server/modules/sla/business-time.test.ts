import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessTimeBetween,
  instantOfWall,
  isBusinessTime,
  localDate,
  validateCalendar,
  type BusinessCalendar,
  type TimeRange,
} from './business-time.js';

const H = 3_600_000;
const M = 60_000;
const t = (s: string) => Date.parse(s);

/** Monday to Friday with the same ranges; weekends closed. */
function weekdays(zone: string, ranges: TimeRange[], holidays: string[] = []): BusinessCalendar {
  return { timeZone: zone, week: [[], ranges, ranges, ranges, ranges, ranges, []], holidays };
}
function everyDay(zone: string, ranges: TimeRange[], holidays: string[] = []): BusinessCalendar {
  return { timeZone: zone, week: [ranges, ranges, ranges, ranges, ranges, ranges, ranges], holidays };
}

const office = (zone: string, holidays: string[] = []) => weekdays(zone, [{ start: '09:00', end: '17:00' }], holidays);
const split = (zone: string) =>
  weekdays(zone, [
    { start: '09:00', end: '12:00' },
    { start: '13:00', end: '18:00' },
  ]);
const night = (zone: string, holidays: string[] = []) => everyDay(zone, [{ start: '22:00', end: '02:00' }], holidays);
const allDay = (zone: string) => everyDay(zone, [{ start: '00:00', end: '24:00' }]);
const sundays = (zone: string): BusinessCalendar => ({
  timeZone: zone,
  week: [[{ start: '00:00', end: '24:00' }], [], [], [], [], [], []],
  holidays: [],
});

describe('addBusinessTime', () => {
  const cases: Array<[string, BusinessCalendar | null, string, number, string]> = [
    ['24/7 is plain addition', null, '2026-03-28T23:00:00Z', 15 * M, '2026-03-28T23:15:00Z'],
    ['inside the day', office('UTC'), '2026-06-01T10:00:00Z', 30 * M, '2026-06-01T10:30:00Z'],
    ['before opening waits for 09:00', office('UTC'), '2026-06-01T07:00:00Z', 15 * M, '2026-06-01T09:15:00Z'],
    ['rolls over to the next day', office('UTC'), '2026-06-01T16:50:00Z', 20 * M, '2026-06-02T09:10:00Z'],
    ['Friday evening to Monday', office('UTC'), '2026-06-05T16:30:00Z', 60 * M, '2026-06-08T09:30:00Z'],
    ['Saturday message waits for Monday', office('UTC'), '2026-06-06T12:00:00Z', 15 * M, '2026-06-08T09:15:00Z'],
    ['lunch break is skipped', split('UTC'), '2026-06-01T11:50:00Z', 20 * M, '2026-06-01T13:10:00Z'],
    ['exactly at closing is due at closing', office('UTC'), '2026-06-01T16:00:00Z', 60 * M, '2026-06-01T17:00:00Z'],
    ['zero target is due at the next opening', office('UTC'), '2026-06-01T20:00:00Z', 0, '2026-06-02T09:00:00Z'],
    ['holiday Monday skips to Tuesday', office('UTC', ['2026-06-08']), '2026-06-05T16:30:00Z', 60 * M, '2026-06-09T09:30:00Z'],
    ['overnight range runs past midnight', night('UTC'), '2026-06-01T23:30:00Z', 60 * M, '2026-06-02T00:30:00Z'],
    ['overnight range after its end waits for 22:00', night('UTC'), '2026-06-02T03:00:00Z', 30 * M, '2026-06-02T22:30:00Z'],
    // 2026-06-02 is a holiday: Monday's range stops at midnight; Tuesday's range (starting on the holiday) is gone.
    ['holiday cuts an overnight range at midnight', night('UTC', ['2026-06-02']), '2026-06-01T23:30:00Z', 60 * M, '2026-06-03T00:30:00Z'],
    // Kolkata is UTC+05:30 all year: 09:00 IST = 03:30Z.
    ['Asia/Kolkata half-hour offset', office('Asia/Kolkata'), '2026-06-01T02:00:00Z', 15 * M, '2026-06-01T03:45:00Z'],
    ['Asia/Kolkata next day', office('Asia/Kolkata'), '2026-06-01T11:20:00Z', 20 * M, '2026-06-02T03:40:00Z'],
    // London: clocks go forward 2026-03-29 01:00Z; 09:00 is 09:00Z before and 08:00Z after.
    ['London across spring forward', office('Europe/London'), '2026-03-27T16:30:00Z', 60 * M, '2026-03-30T08:30:00Z'],
    // London: clocks go back 2026-10-25 01:00Z; Friday 09:00 BST = 08:00Z, Monday 09:00 GMT = 09:00Z.
    ['London across fall back', office('Europe/London'), '2026-10-23T15:30:00Z', 60 * M, '2026-10-26T09:30:00Z'],
    // Open only on Sundays, all day: the spring-forward Sunday holds 23 real hours, the fall-back one 25.
    ['London 23-hour Sunday', sundays('Europe/London'), '2026-03-29T00:00:00Z', 23 * H + M, '2026-04-04T23:01:00Z'],
    ['London 25-hour Sunday', sundays('Europe/London'), '2026-10-24T12:00:00Z', 25 * H + M, '2026-11-01T00:01:00Z'],
    // New York: DST from 2026-03-08 07:00Z; 09:00 EST = 14:00Z, 09:00 EDT = 13:00Z.
    ['New York across spring forward', office('America/New_York'), '2026-03-06T21:30:00Z', 60 * M, '2026-03-09T13:30:00Z'],
    ['New York across fall back', office('America/New_York'), '2026-10-30T20:30:00Z', 60 * M, '2026-11-02T14:30:00Z'],
    // São Paulo has had no DST since 2019: 09:00 = 12:00Z all year.
    ['Sao Paulo today (UTC-3 all year)', office('America/Sao_Paulo'), '2026-01-09T19:30:00Z', 60 * M, '2026-01-12T12:30:00Z'],
    // …but in January 2018 it was on summer time (UTC-2): 09:00 = 11:00Z.
    ['Sao Paulo 2018 summer time', office('America/Sao_Paulo'), '2018-01-12T18:30:00Z', 60 * M, '2018-01-15T11:30:00Z'],
    // São Paulo 2018-11-04 (a Sunday): midnight did not exist (00:00→01:00), so that Sunday opened at 01:00 (03:00Z).
    ['Sao Paulo 2018 midnight gap', sundays('America/Sao_Paulo'), '2018-11-03T12:00:00Z', 23 * H, '2018-11-05T02:00:00Z'],
  ];
  it.each(cases)('%s', (_name, calendar, start, duration, expected) => {
    expect(new Date(addBusinessTime(calendar, t(start), duration)!).toISOString()).toBe(new Date(t(expected)).toISOString());
  });

  it('gives up on a calendar with no business time left', () => {
    const closed: BusinessCalendar = { timeZone: 'UTC', week: [[], [], [], [], [], [], []], holidays: [] };
    expect(addBusinessTime(closed, t('2026-06-01T00:00:00Z'), M)).toBeNull();
  });
});

describe('businessTimeBetween', () => {
  const cases: Array<[string, BusinessCalendar | null, string, string, number]> = [
    ['24/7', null, '2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z', 24 * H],
    ['reversed is zero', office('UTC'), '2026-06-02T00:00:00Z', '2026-06-01T00:00:00Z', 0],
    ['one working day', office('UTC'), '2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z', 8 * H],
    ['a whole week', office('UTC'), '2026-06-01T00:00:00Z', '2026-06-08T00:00:00Z', 40 * H],
    ['a week with a holiday', office('UTC', ['2026-06-03']), '2026-06-01T00:00:00Z', '2026-06-08T00:00:00Z', 32 * H],
    ['weekend only', office('UTC'), '2026-06-06T00:00:00Z', '2026-06-08T00:00:00Z', 0],
    ['split day', split('UTC'), '2026-06-01T11:00:00Z', '2026-06-01T14:00:00Z', 2 * H],
    ['overnight across midnight', night('UTC'), '2026-06-01T21:00:00Z', '2026-06-02T03:00:00Z', 4 * H],
    ['London spring-forward Sunday', sundays('Europe/London'), '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z', 23 * H],
    ['London fall-back Sunday', sundays('Europe/London'), '2026-10-23T00:00:00Z', '2026-10-27T00:00:00Z', 25 * H],
    ['all day is real time across DST', allDay('Europe/London'), '2026-03-28T23:59:00Z', '2026-03-30T00:00:00Z', 24 * H + M],
    // An overnight range 00:30–02:30 on the London spring-forward night: 01:00–02:00 does not exist.
    [
      'London overnight range over the gap',
      everyDay('Europe/London', [{ start: '00:30', end: '02:30' }]),
      '2026-03-29T00:00:00Z',
      '2026-03-29T06:00:00Z',
      1 * H,
    ],
    ['New York week of spring forward', office('America/New_York'), '2026-03-02T00:00:00Z', '2026-03-14T00:00:00Z', 80 * H],
    ['Kolkata day', office('Asia/Kolkata'), '2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z', 8 * H],
  ];
  it.each(cases)('%s', (_name, calendar, from, to, expected) => {
    expect(businessTimeBetween(calendar, t(from), t(to))).toBe(expected);
  });

  it('is the inverse of addBusinessTime', () => {
    const calendars = [office('Europe/London', ['2026-12-25']), night('America/New_York'), split('Asia/Kolkata'), null];
    for (const calendar of calendars) {
      for (let i = 0; i < 200; i += 1) {
        const start = t('2026-01-01T00:00:00Z') + ((i * 7_919_993) % (365 * 24 * H));
        const duration = ((i * 104_729) % (20 * H)) + M;
        const end = addBusinessTime(calendar, start, duration)!;
        expect(businessTimeBetween(calendar, start, end)).toBe(duration);
      }
    }
  });
});

describe('wall times and dates', () => {
  it('maps skipped and repeated wall times', () => {
    // London 2026-03-29 01:30 does not exist: it moves past the gap to 02:30 BST = 01:30Z.
    expect(new Date(instantOfWall('Europe/London', t('2026-03-29T01:30:00Z'))).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // London 2026-10-25 01:30 happens twice: the first (BST) is 00:30Z.
    expect(new Date(instantOfWall('Europe/London', t('2026-10-25T01:30:00Z'))).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
  it('reads local dates in the zone', () => {
    expect(localDate('Asia/Kolkata', t('2026-06-01T19:00:00Z'))).toBe('2026-06-02');
    expect(localDate('America/New_York', t('2026-06-01T03:00:00Z'))).toBe('2026-05-31');
  });
  it('knows whether an instant is inside business hours', () => {
    expect(isBusinessTime(office('UTC'), t('2026-06-01T10:00:00Z'))).toBe(true);
    expect(isBusinessTime(office('UTC'), t('2026-06-06T10:00:00Z'))).toBe(false);
    expect(isBusinessTime(null, t('2026-06-06T10:00:00Z'))).toBe(true);
  });
  it('validates calendars', () => {
    expect(validateCalendar(office('Europe/London'))).toEqual({});
    expect(
      validateCalendar({ timeZone: 'Mars/Base', week: [[], [{ start: '9', end: '10:00' }], [], [], [], [], []], holidays: ['x'] }),
    ).toEqual({
      timeZone: 'unknown time zone',
      'week.1.0.start': 'must be HH:MM between 00:00 and 23:59',
      'holidays.0': 'must be a date YYYY-MM-DD',
    });
    expect(validateCalendar({ timeZone: 'UTC', week: [[], [], [], [], [], [], []], holidays: [] })).toEqual({
      week: 'business hours need at least one time range',
    });
  });
});
