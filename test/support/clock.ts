import type { Clock } from '../../src/server/lib/clock.js';

/** A clock tests move by hand. */
export function fakeClock(start = Date.parse('2026-06-01T09:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  } satisfies Clock & Record<string, unknown>;
}
export type FakeClock = ReturnType<typeof fakeClock>;
