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
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
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
        const next = [...pending.values()].filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
        if (!next) break;
        clock.set(Math.max(clock.now(), next.at));
        if (next.every !== null) next.at += next.every;
        else pending.delete(next.id);
        next.fn();
        await settle();
      }
      clock.set(end);
      await settle();
    },
    settle,
  };
}
export type FakeTimers = ReturnType<typeof fakeTimers>;
