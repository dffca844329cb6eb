import type { Timers } from '../../src/server/whatsapp/timers.js';
import type { FakeClock } from './clock.js';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
  every: number | null;
}

/**
 * Timers driven by hand together with a fake clock: `advance(ms)` moves the
 * clock and fires what falls due, in time order, letting promises settle
 * between firings so async work started by a timer runs before the next one.
 */
export function fakeTimers(clock: FakeClock) {
  let seq = 0;
  const pending = new Map<number, Pending>();
  // Lets work started by a timer finish, including a database round trip or two (PostgreSQL answers over a socket).
  const settle = async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = ++seq;
      pending.set(id, { id, at: clock.now() + Math.max(0, ms), fn, every: null });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    setInterval(fn, ms) {
      const id = ++seq;
      pending.set(id, { id, at: clock.now() + Math.max(1, ms), fn, every: Math.max(1, ms) });
      return id;
    },
    clearInterval(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    /** Timers waiting to fire (setTimeout only, or all). */
    count(kind: 'timeout' | 'all' = 'all'): number {
      return [...pending.values()].filter((p) => kind === 'all' || p.every === null).length;
    },
    /** Delays of the pending one-shot timers from now. */
    delays(): number[] {
      return [...pending.values()].filter((p) => p.every === null).map((p) => p.at - clock.now());
    },
    async advance(ms: number): Promise<void> {
      const end = clock.now() + ms;
      await settle();
      for (;;) {
        const due = [...pending.values()].filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id);
        const first = due[0];
        if (!first) break;
        // Everything due at the same instant fires together, then the work it started settles.
        const batch = due.filter((p) => p.at === first.at);
        clock.set(Math.max(clock.now(), first.at));
        for (const p of batch) {
          if (p.every !== null) p.at += p.every;
          else pending.delete(p.id);
        }
        for (const p of batch) p.fn();
        await settle();
      }
      clock.set(end);
      await settle();
    },
    settle,
  };
}
export type FakeTimers = ReturnType<typeof fakeTimers>;
