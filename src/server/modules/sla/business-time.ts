/**
 * Business-time arithmetic, pure: no clock, no database.
 *
 * A calendar is a weekly schedule of local time ranges in an IANA time zone,
 * minus holidays, or `null` for around the clock. Instants are UTC epoch
 * milliseconds; local wall times are turned into instants with the runtime's
 * time-zone database (`Intl.DateTimeFormat`), so DST and historical offset
 * changes come out right.
 *
 * Rules:
 * - a range `start`–`end` belongs to the weekday it starts on; `end <= start`
 *   means it runs past midnight into the next day (22:00–02:00), and `24:00`
 *   ends at the next midnight;
 * - a holiday removes its whole local calendar day (midnight to midnight),
 *   including the part of an overnight range that reaches into it;
 * - a wall time that does not exist (the hour skipped when clocks go forward)
 *   maps to the instant just after the gap; an ambiguous one (the hour repeated
 *   when clocks go back) to its first occurrence — so a 09:00–17:00 day is always
 *   8 real hours unless the range itself covers the change.
 */

export interface TimeRange {
  /** "HH:MM", 00:00–23:59. */
  start: string;
  /** "HH:MM", 00:00–24:00; at or before `start` means the next day. */
  end: string;
}

export interface BusinessCalendar {
  timeZone: string;
  /** Index 0 = Sunday … 6 = Saturday (like Date#getDay). */
  week: ReadonlyArray<ReadonlyArray<TimeRange>>;
  /** Local dates "YYYY-MM-DD". */
  holidays: ReadonlyArray<string>;
}

/** `null` means 24/7: business time is real time. */
export type Calendar = BusinessCalendar | null;

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far the search for business time goes before it gives up (a calendar with no open time left). */
const MAX_DAYS = 800;

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

export function parseHhmm(value: string): number | null {
  const m = HHMM.exec(value);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes > 1440 ? null : minutes;
}

/** Problems with a calendar as a person would read them, keyed by field path; empty when valid. */
export function validateCalendar(calendar: BusinessCalendar): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!isValidTimeZone(calendar.timeZone)) problems['timeZone'] = 'unknown time zone';
  if (calendar.week.length !== 7) problems['week'] = 'needs 7 days, Sunday first';
  let any = false;
  calendar.week.forEach((ranges, day) => {
    ranges.forEach((r, i) => {
      const s = parseHhmm(r.start);
      const e = parseHhmm(r.end);
      if (s === null || s >= 1440) problems[`week.${day}.${i}.start`] = 'must be HH:MM between 00:00 and 23:59';
      if (e === null) problems[`week.${day}.${i}.end`] = 'must be HH:MM between 00:00 and 24:00';
      if (s !== null && e !== null && s === e) problems[`week.${day}.${i}`] = 'start and end are the same';
      any = true;
    });
  });
  if (!any) problems['week'] = 'business hours need at least one time range';
  calendar.holidays.forEach((h, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h) || Number.isNaN(Date.parse(`${h}T00:00:00Z`)))
      problems[`holidays.${i}`] = 'must be a date YYYY-MM-DD';
  });
  return problems;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Time-zone offsets
// ---------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The local wall time of an instant, expressed as if it were a UTC epoch (so fields read with getUTC*). */
export function wallOf(zone: string, instant: number): number {
  const parts = formatter(zone).formatToParts(new Date(instant));
  let y = 0;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
      default:
        break;
    }
  }
  // Date.UTC maps years 0–99 to 1900s; set the full year explicitly.
  const wall = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  wall.setUTCFullYear(y);
  return wall.getTime() + (instant - Math.floor(instant / 1000) * 1000);
}

/** Offset of the zone from UTC at an instant, in ms (local = UTC + offset). */
export function offsetAt(zone: string, instant: number): number {
  return wallOf(zone, instant) - instant;
}

/**
 * The instant a local wall time (given as a UTC-epoch of its fields) names in the
 * zone. Skipped times move past the gap; repeated times take the first occurrence.
 */
export function instantOfWall(zone: string, wall: number): number {
  const early = offsetAt(zone, wall - DAY);
  const late = offsetAt(zone, wall + DAY);
  const a = wall - early;
  const b = wall - late;
  const aOk = offsetAt(zone, a) === early;
  const bOk = offsetAt(zone, b) === late;
  if (aOk && bOk) return Math.min(a, b);
  if (aOk) return a;
  if (bOk) return b;
  // In a gap: the wall time is read with the offset in force before the change, which lands after it.
  return wall - early;
}

/** The local calendar date ("YYYY-MM-DD") of an instant in a zone. */
export function localDate(zone: string, instant: number): string {
  return new Date(wallOf(zone, instant)).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------
// Business intervals
// ---------------------------------------------------------------------------

/** Local day number (days since 1970-01-01 as a wall date). */
function dayNumberOf(zone: string, instant: number): number {
  return Math.floor(wallOf(zone, instant) / DAY);
}

function dateKey(dayNumber: number): string {
  return new Date(dayNumber * DAY).toISOString().slice(0, 10);
}

interface Prepared {
  zone: string;
  week: Array<Array<[number, number]>>;
  holidays: Set<string>;
  cache: Map<number, Array<[number, number]>>;
}

const prepared = new WeakMap<BusinessCalendar, Prepared>();

function prepare(calendar: BusinessCalendar): Prepared {
  let p = prepared.get(calendar);
  if (!p) {
    p = {
      zone: calendar.timeZone,
      week: calendar.week.map((ranges) =>
        ranges
          .map((r): [number, number] => {
            const s = parseHhmm(r.start) ?? 0;
            const e = parseHhmm(r.end) ?? 0;
            return [s, e > s ? e : e + 1440];
          })
          .sort((x, y) => x[0] - y[0]),
      ),
      holidays: new Set(calendar.holidays),
      cache: new Map(),
    };
    prepared.set(calendar, p);
  }
  return p;
}

/** Business intervals of the ranges that start on one local day, as sorted UTC [from, to) pairs. */
function intervalsOfDay(p: Prepared, day: number): Array<[number, number]> {
  const cached = p.cache.get(day);
  if (cached) return cached;
  const out: Array<[number, number]> = [];
  const ranges = p.week[new Date(day * DAY).getUTCDay()] ?? [];
  if (ranges.length > 0) {
    const isHoliday = p.holidays.has(dateKey(day));
    const nextIsHoliday = p.holidays.has(dateKey(day + 1));
    for (const [s, e] of ranges) {
      // Each day's part of a range is kept or dropped with that day.
      const startMinutes = isHoliday ? Math.max(s, 1440) : s;
      const endMinutes = nextIsHoliday ? Math.min(e, 1440) : e;
      if (endMinutes <= startMinutes) continue;
      const from = instantOfWall(p.zone, day * DAY + startMinutes * MINUTE);
      const to = instantOfWall(p.zone, day * DAY + endMinutes * MINUTE);
      if (to > from) out.push([from, to]);
    }
  }
  if (p.cache.size > 4000) p.cache.clear();
  p.cache.set(day, out);
  return out;
}

/**
 * Walks business intervals from `from` onwards in time order, without overlap
 * (overlapping ranges of neighbouring days are merged by a cursor). The visitor
 * returns false to stop.
 */
function walk(p: Prepared, from: number, visit: (start: number, end: number) => boolean): boolean {
  const first = dayNumberOf(p.zone, from) - 1;
  let cursor = from;
  for (let day = first; day <= first + MAX_DAYS; day += 1) {
    for (const [a, b] of intervalsOfDay(p, day)) {
      const start = Math.max(a, cursor);
      if (b <= start) continue;
      cursor = b;
      if (!visit(start, b)) return true;
    }
  }
  return false;
}

/**
 * The instant when `duration` ms of business time have passed after `start`.
 * A clock that starts outside business hours waits for the next opening.
 * Returns `null` when the calendar has no business time left within ~2 years.
 */
export function addBusinessTime(calendar: Calendar, start: number, duration: number): number | null {
  if (calendar === null) return start + duration;
  const p = prepare(calendar);
  let remaining = Math.max(0, duration);
  let result: number | null = null;
  walk(p, start, (a, b) => {
    if (remaining <= b - a) {
      // A zero-length target is due at the first business instant.
      result = a + remaining;
      return false;
    }
    remaining -= b - a;
    return true;
  });
  return result;
}

/** Business time in ms between two instants (0 when `to <= from`). */
export function businessTimeBetween(calendar: Calendar, from: number, to: number): number {
  if (to <= from) return 0;
  if (calendar === null) return to - from;
  const p = prepare(calendar);
  let total = 0;
  walk(p, from, (a, b) => {
    if (a >= to) return false;
    total += Math.min(b, to) - a;
    return b < to;
  });
  return total;
}

/** Whether an instant falls inside business hours. */
export function isBusinessTime(calendar: Calendar, instant: number): boolean {
  return businessTimeBetween(calendar, instant, instant + 1) === 1;
}
