import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECONNECT_CONFIG,
  createReconnectPolicy,
  initialReconnectState,
  nextDelay,
  onDisconnect,
  type ReconnectDecision,
} from './reconnect-policy.js';
import type { DisconnectClass } from './provider.js';

const delays = (decisions: ReconnectDecision[]) => decisions.map((d) => (d.action === 'reconnect_after' ? d.delayMs : d.action));

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('reconnect policy: backoff', () => {
  it('grows exponentially and is capped (full jitter, random = top of range)', () => {
    const policy = createReconnectPolicy({ random: () => 0.999999, now: clock().now });
    const out = Array.from({ length: 10 }, () => policy.disconnected({ class: 'transient' }));
    expect(delays(out)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
    expect(out.map((d) => (d.action === 'reconnect_after' ? d.attempt : 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('draws within [min, ceiling] using the injected random', () => {
    const policy = createReconnectPolicy({ random: () => 0.5, now: clock().now });
    const out = Array.from({ length: 4 }, () => policy.disconnected({ class: 'transient' }));
    expect(delays(out)).toEqual([500, 1000, 2000, 4000]);
    const low = createReconnectPolicy({ random: () => 0, now: clock().now });
    expect(delays([low.disconnected({ class: 'transient' })])).toEqual([DEFAULT_RECONNECT_CONFIG.minMs]);
  });

  it('decorrelated jitter stays between base and three times the previous delay, capped', () => {
    const config = { ...DEFAULT_RECONNECT_CONFIG, jitter: 'decorrelated' as const };
    const top = () => 0.999999;
    let state = initialReconnectState();
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = onDisconnect(state, { class: 'transient' }, { now: 0, random: top }, config);
      state = r.state;
      if (r.decision.action === 'reconnect_after') seen.push(r.decision.delayMs);
    }
    expect(seen).toEqual([3000, 9000, 27000, 60000, 60000, 60000, 60000, 60000]);
    expect(nextDelay({ ...state, lastDelayMs: 2000 }, () => 0, config)).toBe(1000);
  });

  it('resets the attempts after a connection that stayed up long enough', () => {
    const c = clock();
    const policy = createReconnectPolicy({ random: () => 0.999999, now: c.now });
    for (let i = 0; i < 5; i++) policy.disconnected({ class: 'transient' });
    expect(policy.state.attempt).toBe(5);

    policy.connected();
    c.advance(DEFAULT_RECONNECT_CONFIG.stableAfterMs + 1);
    expect(delays([policy.disconnected({ class: 'transient' })])).toEqual([1000]);
  });

  it('keeps growing when the connection drops again quickly', () => {
    const c = clock();
    const policy = createReconnectPolicy({ random: () => 0.999999, now: c.now });
    policy.disconnected({ class: 'transient' });
    policy.disconnected({ class: 'transient' });
    policy.connected();
    c.advance(5_000);
    expect(delays([policy.disconnected({ class: 'transient' })])).toEqual([4000]);
  });
});

describe('reconnect policy: per disconnect class', () => {
  it.each<[DisconnectClass, ReconnectDecision]>([
    ['logged_out', { action: 'stop', state: 'logged_out', wipeKeys: true }],
    ['replaced', { action: 'stop', state: 'failed', wipeKeys: false }],
    ['forbidden', { action: 'stop', state: 'failed', wipeKeys: false }],
    ['multidevice_mismatch', { action: 'stop', state: 'failed', wipeKeys: false }],
    ['qr_timeout', { action: 'stop', state: 'unlinked', wipeKeys: false }],
    ['stopped', { action: 'stop', state: 'idle', wipeKeys: false }],
  ])('%s stops', (cls, decision) => {
    const policy = createReconnectPolicy({ random: () => 0.5 });
    expect(policy.disconnected({ class: cls })).toEqual(decision);
  });

  it('restart required reconnects at once and does not count as an attempt', () => {
    const policy = createReconnectPolicy({ random: () => 0.999999, now: clock().now });
    policy.disconnected({ class: 'transient' });
    expect(policy.disconnected({ class: 'restart_required' })).toEqual({ action: 'reconnect_now', delayMs: 0, attempt: 1 });
    expect(delays([policy.disconnected({ class: 'transient' })])).toEqual([2000]);
  });

  it('retries a bad session a few times, then gives up without wiping keys', () => {
    const policy = createReconnectPolicy({ random: () => 0.999999, now: clock().now });
    const out = Array.from({ length: 4 }, () => policy.disconnected({ class: 'bad_session' }));
    expect(out.slice(0, 3).every((d) => d.action === 'reconnect_after')).toBe(true);
    expect(out[3]).toEqual({ action: 'stop', state: 'failed', wipeKeys: false });
  });

  it('a transient close in between resets the bad-session count', () => {
    const policy = createReconnectPolicy({ random: () => 0.5, now: clock().now });
    policy.disconnected({ class: 'bad_session' });
    policy.disconnected({ class: 'bad_session' });
    policy.disconnected({ class: 'transient' });
    policy.disconnected({ class: 'bad_session' });
    expect(policy.disconnected({ class: 'bad_session' }).action).toBe('reconnect_after');
  });

  it('starts afresh after a stop', () => {
    const policy = createReconnectPolicy({ random: () => 0.999999, now: clock().now });
    policy.disconnected({ class: 'transient' });
    policy.disconnected({ class: 'transient' });
    policy.disconnected({ class: 'logged_out' });
    expect(delays([policy.disconnected({ class: 'transient' })])).toEqual([1000]);
  });
});
