/**
 * Campaign pacing as pure functions: given the time, the last send, a random
 * source, the sending window in the workspace time zone and the caps, when may
 * the next campaign message leave a number? No clock, no database: the campaign
 * sender passes everything in, and tests drive it with fixed times.
 *
 * Zone math uses `Intl.DateTimeFormat` with `timeZone` (the runtime's IANA data),
 * so daylight-saving changes are honoured: a window that opens at a local time
 * that does not exist that day (spring forward) opens at the transition; a local
 * time that happens twice (fall back) means its first occurrence.
 */
import { DAY_MS } from '../../lib/clock.js';

export interface SendingWindow {
  /** Local "HH:MM", inclusive. */
  start: string;
  /** Local "HH:MM", exclusive; after `start` (windows do not cross midnight). */
  end: string;
  /** ISO weekdays the window is open: 1 = Monday … 7 = Sunday. */
  days: number[];
}

export interface PacingSettings {
  minDelayMs: number;
  maxDelayMs: number;
  dailyCap: number;
  /** Ramp the daily cap for numbers linked recently (see `warmupCap`). */
  warmup: boolean;
}

export const DEFAULT_PACING: PacingSettings = { minDelayMs: 8_000, maxDelayMs: 20_000, dailyCap: 500, warmup: true };
export const DEFAULT_WINDOW: SendingWindow = { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] };

/**
 * Warm-up ramp: a number linked less than `WARMUP_DAYS` ago may send
 * `WARMUP_FIRST_DAY` campaign messages on its first day (the 24 hours after
 * linking), doubling each day after (20, 40, 80, 160, 320 …), never above the cap.
 * From day 15 the plain daily cap applies.
 */
export const WARMUP_DAYS = 14;
export const WARMUP_FIRST_DAY = 20;

export function warmupCap(dailyCap: number, linkedAt: number | null, at: number): number {
  if (linkedAt === null || at < linkedAt) return linkedAt === null ? dailyCap : Math.min(dailyCap, WARMUP_FIRST_DAY);
  const age = Math.floor((at - linkedAt) / DAY_MS);
  if (age >= WARMUP_DAYS) return dailyCap;
  return Math.min(dailyCap, WARMUP_FIRST_DAY * 2 ** age);
}

/** A delay uniformly drawn from [min, max] with the given random source (0 ≤ r < 1). */
export function randomDelayMs(minMs: number, maxMs: number, random: () => number): number {
  const lo = Math.max(0, Math.min(minMs, maxMs));
  const hi = Math.max(lo, maxMs);
  return Math.round(lo + (hi - lo) * random());
}

/**
 * Draws for send delays (0 ≤ r < 1, as `random` gives) that hold each key's
 * mean to the middle of the range. Independent draws leave a number's mean gap
 * over an hour off its setting by ±3 % (one standard deviation, 8–20 s), and
 * worse for some of many numbers. Here the range is cut in `strata` equal bands
 * and each round of `strata` draws takes every band once, in random order, at a
 * random point inside it: every single delay is still uniform over the whole
 * range and unpredictable, but a round's mean is within 1/(2·strata) of the
 * middle. Rounds live in memory: a restart begins a new round, which costs the
 * mean nothing.
 */
export function createJitter(random: () => number, strata = 4): (key: string) => number {
  const rounds = new Map<string, number[]>();
  return (key) => {
    let left = rounds.get(key);
    if (!left || left.length === 0) rounds.set(key, (left = Array.from({ length: strata }, (_, i) => i)));
    const band = left.splice(Math.floor(random() * left.length), 1)[0]!;
    return (band + random()) / strata;
  };
}

// ---------------------------------------------------------------------------
// Zone math
// ---------------------------------------------------------------------------

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock date and time at `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalParts & { second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

const sameLocal = (a: LocalParts, b: LocalParts) =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;

/**
 * The UTC instant of a local date and time. Ambiguous (fall back): the first
 * occurrence. Non-existent (spring forward): the instant the clocks jump.
 */
export function zonedTimeToUtc(local: LocalParts, timeZone: string): number {
  const key = `${timeZone} ${local.year}-${local.month}-${local.day} ${local.hour}:${local.minute}`;
  let at = zonedCache.get(key);
  if (at === undefined) {
    at = computeZonedTimeToUtc(local, timeZone);
    // The sender asks for the same few instants (today's window, midnight) over and over.
    if (zonedCache.size >= 4096) zonedCache.clear();
    zonedCache.set(key, at);
  }
  return at;
}

const zonedCache = new Map<string, number>();

function computeZonedTimeToUtc(local: LocalParts, timeZone: string): number {
  const guess = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // Transitions are months apart: the offsets half a day either side are the only candidates.
  const before = guess - zoneOffsetMs(guess - DAY_MS / 2, timeZone);
  const after = guess - zoneOffsetMs(guess + DAY_MS / 2, timeZone);
  const valid = [before, after].filter((t) => sameLocal(localParts(t, timeZone), local)).sort((a, b) => a - b);
  if (valid[0] !== undefined) return valid[0];
  // In the gap: find the jump between the two candidates (to the minute).
  let lo = Math.min(before, after);
  let hi = Math.max(before, after);
  const offLo = zoneOffsetMs(lo, timeZone);
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000 || lo + 60_000;
    if (zoneOffsetMs(mid, timeZone) === offLo) lo = mid;
    else hi = mid;
  }
  return hi;
}

function parseHm(hm: string): { hour: number; minute: number } {
  const m = /^(\d{2}):(\d{2})$/.exec(hm);
  if (!m) throw new Error(`bad time of day: ${hm}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export function isValidWindow(w: SendingWindow): boolean {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(w.start) || !/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(w.end)) return false;
  if (w.end <= w.start) return false;
  return w.days.length > 0 && w.days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7);
}

/** Calendar date `n` days after a local date (zone-independent arithmetic on the date alone). */
function addDays(p: { year: number; month: number; day: number }, n: number) {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), isoWeekday: ((d.getUTCDay() + 6) % 7) + 1 };
}

function localAt(date: { year: number; month: number; day: number }, hm: string, timeZone: string): number {
  if (hm === '24:00') {
    const next = addDays(date, 1);
    return zonedTimeToUtc({ ...next, hour: 0, minute: 0 }, timeZone);
  }
  return zonedTimeToUtc({ ...date, ...parseHm(hm) }, timeZone);
}

/** Start of the local day containing `ms` (midnight, or the first instant of the day where midnight is skipped). */
export function localDayStart(ms: number, timeZone: string): number {
  // The sender asks for every claim; the answer changes once a day (formatting the date is the slow part).
  const known = dayCache.get(timeZone);
  if (known && ms >= known.start && ms < known.end) return known.start;
  const p = localParts(ms, timeZone);
  const start = zonedTimeToUtc({ year: p.year, month: p.month, day: p.day, hour: 0, minute: 0 }, timeZone);
  const next = addDays(p, 1);
  const end = zonedTimeToUtc({ ...next, hour: 0, minute: 0 }, timeZone);
  if (ms >= start && ms < end) {
    if (dayCache.size >= 256) dayCache.clear();
    dayCache.set(timeZone, { start, end });
  }
  return start;
}

const dayCache = new Map<string, { start: number; end: number }>();

export function nextLocalDayStart(ms: number, timeZone: string): number {
  const next = addDays(localParts(ms, timeZone), 1);
  return zonedTimeToUtc({ ...next, hour: 0, minute: 0 }, timeZone);
}

export function isInWindow(ms: number, w: SendingWindow, timeZone: string): boolean {
  return nextWindowOpening(ms, w, timeZone) === ms;
}

/** The first instant at or after `ms` inside the window; null when the window has no days. */
export function nextWindowOpening(ms: number, w: SendingWindow, timeZone: string): number | null {
  if (w.days.length === 0) return null;
  const today = localParts(ms, timeZone);
  for (let i = -1; i <= 8; i++) {
    const date = addDays(today, i);
    if (!w.days.includes(date.isoWeekday)) continue;
    const open = localAt(date, w.start, timeZone);
    const close = localAt(date, w.end, timeZone);
    if (ms >= close) continue;
    return Math.max(ms, open);
  }
  return null;
}

// ---------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------

export interface NextSendInput {
  now: number;
  /** Earliest time the pacing delay allows (last send + random delay); null before the first send. */
  dueAt: number | null;
  window: SendingWindow;
  timeZone: string;
  /** Daily cap before warm-up. */
  dailyCap: number;
  warmup: boolean;
  linkedAt: number | null;
  /** Campaign messages this number already sent on the local day starting at `sentToday.dayStart`. */
  sentToday: { dayStart: number; count: number };
}

export interface NextSend {
  at: number;
  /** What decided the time: the delay, the window, or the daily cap (for the dashboard and tests). */
  reason: 'now' | 'delay' | 'window' | 'daily_cap';
}

/**
 * When the next campaign message may leave a number: no earlier than `now` and
 * the pacing delay, inside the sending window, on a day whose cap (warm-up
 * included) is not used up. Null when the window never opens.
 */
export function nextSendTime(input: NextSendInput): NextSend | null {
  const { now, window, timeZone } = input;
  let t = Math.max(now, input.dueAt ?? now);
  let reason: NextSend['reason'] = t > now ? 'delay' : 'now';
  for (let i = 0; i < 400; i++) {
    const open = nextWindowOpening(t, window, timeZone);
    if (open === null) return null;
    if (open > t) reason = reason === 'daily_cap' ? reason : 'window';
    t = open;
    const dayStart = localDayStart(t, timeZone);
    const cap = input.warmup ? warmupCap(input.dailyCap, input.linkedAt, t) : input.dailyCap;
    const sent = dayStart === input.sentToday.dayStart ? input.sentToday.count : 0;
    if (sent < cap) return { at: t, reason };
    t = nextLocalDayStart(t, timeZone);
    reason = 'daily_cap';
  }
  return null;
}
