/**
 * What to do after a connection closed: a pure state machine over
 * disconnect classes, with exponential backoff and jitter.
 *
 * - restart required: reconnect at once (WhatsApp asks for it after linking).
 * - logged out: stop, wipe the keys, never retry (PRODUCT §2).
 * - replaced / forbidden / phone without multi-device: stop as failed.
 * - QR not scanned in time: stop as unlinked; a person asks for a new QR.
 * - bad session: back off, but give up after a few in a row.
 * - anything else: back off, capped; the attempt count resets once a
 *   connection has stayed up for a while, so a flaky hour does not leave a
 *   healthy number waiting a minute on its next blip.
 *
 * Randomness and time are passed in, so tests are exact.
 */
import type { DisconnectInfo } from './provider.js';

export type Jitter = 'full' | 'decorrelated';

export interface ReconnectConfig {
  baseMs: number;
  capMs: number;
  /** Never wait less than this (full jitter could otherwise draw ~0 ms). */
  minMs: number;
  /** A connection up at least this long counts as stable and resets the attempts. */
  stableAfterMs: number;
  /** Consecutive bad-session closes tolerated before giving up. */
  maxBadSessions: number;
  jitter: Jitter;
}

export const DEFAULT_RECONNECT_CONFIG: ReconnectConfig = {
  baseMs: 1_000,
  capMs: 60_000,
  minMs: 250,
  stableAfterMs: 60_000,
  maxBadSessions: 3,
  jitter: 'full',
};

export interface ReconnectState {
  /** Backoff retries since the last stable connection. */
  attempt: number;
  badSessions: number;
  /** Previous delay, for decorrelated jitter. */
  lastDelayMs: number;
  /** When the current connection opened, or null when not connected. */
  connectedAt: number | null;
}

export type ReconnectDecision =
  | { action: 'reconnect_now'; delayMs: 0; attempt: number }
  | { action: 'reconnect_after'; delayMs: number; attempt: number }
  | { action: 'stop'; state: 'logged_out' | 'failed' | 'unlinked' | 'idle'; wipeKeys: boolean };

/** Returns a number in [0, 1), like Math.random. */
export type RandomSource = () => number;

export function initialReconnectState(): ReconnectState {
  return { attempt: 0, badSessions: 0, lastDelayMs: 0, connectedAt: null };
}

export function onConnected(state: ReconnectState, now: number): ReconnectState {
  return { ...state, connectedAt: now };
}

export function onDisconnect(
  state: ReconnectState,
  info: Pick<DisconnectInfo, 'class'>,
  env: { now: number; random: RandomSource },
  config: ReconnectConfig = DEFAULT_RECONNECT_CONFIG,
): { state: ReconnectState; decision: ReconnectDecision } {
  const wasStable = state.connectedAt !== null && env.now - state.connectedAt >= config.stableAfterMs;
  let next: ReconnectState = wasStable ? { ...initialReconnectState() } : { ...state, connectedAt: null };

  switch (info.class) {
    case 'stopped':
      return { state: initialReconnectState(), decision: { action: 'stop', state: 'idle', wipeKeys: false } };
    case 'logged_out':
      return { state: initialReconnectState(), decision: { action: 'stop', state: 'logged_out', wipeKeys: true } };
    case 'replaced':
    case 'forbidden':
    case 'multidevice_mismatch':
      return { state: initialReconnectState(), decision: { action: 'stop', state: 'failed', wipeKeys: false } };
    case 'qr_timeout':
      return { state: initialReconnectState(), decision: { action: 'stop', state: 'unlinked', wipeKeys: false } };
    case 'restart_required':
      return { state: next, decision: { action: 'reconnect_now', delayMs: 0, attempt: next.attempt } };
    case 'bad_session':
      next = { ...next, badSessions: next.badSessions + 1 };
      if (next.badSessions > config.maxBadSessions) {
        // Keys are not wiped automatically: the owner decides to relink.
        return { state: initialReconnectState(), decision: { action: 'stop', state: 'failed', wipeKeys: false } };
      }
      return backoff(next, env.random, config);
    case 'transient':
      return backoff({ ...next, badSessions: 0 }, env.random, config);
  }
}

function backoff(
  state: ReconnectState,
  random: RandomSource,
  config: ReconnectConfig,
): { state: ReconnectState; decision: ReconnectDecision } {
  const delayMs = Math.round(nextDelay(state, random, config));
  const attempt = state.attempt + 1;
  return {
    state: { ...state, attempt, lastDelayMs: delayMs },
    decision: { action: 'reconnect_after', delayMs, attempt },
  };
}

/** The delay before retry number `state.attempt + 1`. */
export function nextDelay(state: ReconnectState, random: RandomSource, config: ReconnectConfig): number {
  const r = clamp01(random());
  let delay: number;
  if (config.jitter === 'decorrelated') {
    // Each delay is drawn between base and three times the previous one.
    const previous = Math.max(config.baseMs, state.lastDelayMs);
    delay = config.baseMs + r * (previous * 3 - config.baseMs);
  } else {
    // Full jitter: anywhere between 0 and the exponential ceiling.
    const ceiling = config.baseMs * 2 ** Math.min(state.attempt, 30);
    delay = r * Math.min(config.capMs, ceiling);
  }
  return Math.min(config.capMs, Math.max(config.minMs, delay));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(Math.max(x, 0), 1) : 0;
}

/**
 * Stateful convenience for one number's owner: remembers the state between
 * events. The number manager holds one per session.
 */
export function createReconnectPolicy(
  options: {
    random?: RandomSource;
    now?: () => number;
    config?: Partial<ReconnectConfig>;
  } = {},
) {
  const config = { ...DEFAULT_RECONNECT_CONFIG, ...options.config };
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  let state = initialReconnectState();
  return {
    connected(): void {
      state = onConnected(state, now());
    },
    disconnected(info: Pick<DisconnectInfo, 'class'>): ReconnectDecision {
      const r = onDisconnect(state, info, { now: now(), random }, config);
      state = r.state;
      return r.decision;
    },
    reset(): void {
      state = initialReconnectState();
    },
    get state(): Readonly<ReconnectState> {
      return state;
    },
  };
}

export type ReconnectPolicy = ReturnType<typeof createReconnectPolicy>;
