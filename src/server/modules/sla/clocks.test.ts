import { describe, expect, it } from 'vitest';
import { dueAlerts, nextRow, stateAt, type Observation, type SlaRow } from './clocks.js';
import { effectivePolicy, type EffectivePolicy } from './policy.js';
import { addMetric, bucketOf, emptyRollup, histogramStats, mergeRollup } from './rollups.js';

const MIN = 60_000;
const T0 = Date.parse('2026-06-01T09:00:00Z'); // Monday

function policy(overrides: Partial<EffectivePolicy> = {}): EffectivePolicy {
  return { ...effectivePolicy(null, 'UTC'), ...overrides };
}

function obs(overrides: Partial<Observation> = {}): Observation {
  return {
    conversationId: 'c1',
    workspaceId: 'w1',
    numberId: 'n1',
    assignee: null,
    status: 'open',
    changedAt: T0,
    inScope: true,
    lastReply: null,
    waitStart: T0,
    periodStart: T0,
    replyAfterPreviousWait: null,
    ...overrides,
  };
}

/** Runs observations through the state machine, returning the last row and every metric. */
function run(p: EffectivePolicy, steps: Array<[number, Partial<Observation>]>) {
  let row: SlaRow | undefined;
  const metrics = [];
  for (const [now, o] of steps) {
    const next = nextRow(row, obs(o), p, now);
    row = { ...next.row, version: (row?.version ?? 0) + 1 };
    metrics.push(...next.metrics);
  }
  return { row: row!, metrics };
}

describe('SLA clocks', () => {
  it('starts a first-response clock at the customer message, at risk at 80 %', () => {
    const { row } = run(policy(), [[T0, {}]]);
    expect(row).toMatchObject({
      resp_target: 'first_response',
      resp_start: T0,
      resp_risk_at: T0 + 12 * MIN,
      resp_breach_at: T0 + 15 * MIN,
    });
    expect(row.due_at).toBe(T0 + 12 * MIN);
    expect(stateAt(row.urgent_risk_at, row.urgent_breach_at, T0 + 13 * MIN)).toBe('at_risk');
    expect(dueAlerts(row, T0 + 16 * MIN).map((a) => a.kind)).toEqual(['at_risk', 'breached']);
  });

  it('stops on a reply with a metric, and the next customer message starts a next-response clock', () => {
    const reply = { at: T0 + 10 * MIN, by: 'agent' };
    const { row, metrics } = run(policy(), [
      [T0, {}],
      [T0 + 10 * MIN, { lastReply: reply, waitStart: null, replyAfterPreviousWait: reply }],
      [T0 + 20 * MIN, { lastReply: reply, waitStart: T0 + 20 * MIN }],
    ]);
    expect(metrics).toEqual([
      {
        metric: 'first_response',
        cycle: T0,
        endedAt: T0 + 10 * MIN,
        rawMs: 10 * MIN,
        businessMs: 10 * MIN,
        targetMs: 15 * MIN,
        hit: 1,
        agentUserId: 'agent',
      },
    ]);
    expect(row).toMatchObject({ resp_target: 'next_response', resp_start: T0 + 20 * MIN, resp_breach_at: T0 + 50 * MIN, resp_fired: 0 });
  });

  it('pauses while pending (credit kept) and resumes with the time left', () => {
    const p = policy({ pauseWhenPending: true });
    const { row } = run(p, [
      [T0, {}],
      [T0 + 5 * MIN, { status: 'pending', changedAt: T0 + 5 * MIN }],
      [T0 + 65 * MIN, { status: 'open', changedAt: T0 + 65 * MIN }],
    ]);
    expect(row).toMatchObject({ resp_credit: 5 * MIN, resp_segment: T0 + 65 * MIN, resp_breach_at: T0 + 75 * MIN });
  });

  it('keeps counting while pending when the policy does not pause', () => {
    const { row } = run(policy(), [
      [T0, {}],
      [T0 + 5 * MIN, { status: 'pending', changedAt: T0 + 5 * MIN }],
    ]);
    expect(row.resp_breach_at).toBe(T0 + 15 * MIN);
  });

  it('records the resolution and starts a new period on reopen', () => {
    const reply = { at: T0 + 5 * MIN, by: 'agent' };
    const p = policy({ resolutionMs: 60 * MIN });
    const { row, metrics } = run(p, [
      [T0, {}],
      [T0 + 5 * MIN, { lastReply: reply, waitStart: null, replyAfterPreviousWait: reply }],
      [T0 + 30 * MIN, { status: 'resolved', changedAt: T0 + 30 * MIN, lastReply: reply, waitStart: null, periodStart: null }],
      [T0 + 90 * MIN, { lastReply: reply, waitStart: T0 + 90 * MIN, periodStart: T0 + 90 * MIN, changedAt: T0 + 90 * MIN }],
    ]);
    expect(metrics.map((m) => [m.metric, m.rawMs, m.hit])).toEqual([
      ['first_response', 5 * MIN, 1],
      ['resolution', 30 * MIN, 1],
    ]);
    // A new open period: the first wait again has the first-response target.
    expect(row).toMatchObject({ session_start: T0 + 90 * MIN, resp_target: 'first_response', res_breach_at: T0 + 150 * MIN });
  });

  it('re-derives instants under a changed policy, keeping what has fired', () => {
    const first = run(policy(), [[T0, {}]]).row;
    const fired = { ...first, resp_fired: 1 };
    const { row } = nextRow(fired, obs(), policy({ firstResponseMs: 60 * MIN, version: 2 }), T0 + 13 * MIN);
    expect(row).toMatchObject({ resp_fired: 1, resp_breach_at: T0 + 60 * MIN, due_at: T0 + 60 * MIN, policy_version: 2 });
  });

  it('counts business hours only', () => {
    const p = policy({
      calendar: {
        timeZone: 'UTC',
        week: [[], [{ start: '09:00', end: '09:10' }], [{ start: '09:00', end: '17:00' }], [], [], [], []],
        holidays: [],
      },
    });
    const { row } = run(p, [[T0, {}]]);
    expect(new Date(row.resp_breach_at!).toISOString()).toBe('2026-06-02T09:05:00.000Z');
  });

  it('has nothing due out of scope', () => {
    const { row } = run(policy(), [[T0, { inScope: false }]]);
    expect(row.due_at).toBeNull();
    expect(row.urgent_breach_at).toBeNull();
    expect(dueAlerts(row, T0 + DAY)).toEqual([]);
  });
});

const DAY = 86_400_000;

describe('report histograms', () => {
  it('buckets exactly below two minutes and within about 3 % above', () => {
    expect(bucketOf(59_999)).toBe(59);
    expect(bucketOf(60_000)).toBe(60);
    for (const v of [120_000, 300_000, 900_000, 3_600_000, 86_400_000]) {
      expect(bucketOf(v)).toBeLessThan(bucketOf(v * 1.04));
      expect(bucketOf(v)).toBeGreaterThanOrEqual(bucketOf(v - 1));
    }
  });
  it('gives nearest-rank medians and p90 from merged rollups', () => {
    const a = emptyRollup();
    const b = emptyRollup();
    for (const [i, v] of [5, 10, 20, 30, 40].entries()) {
      addMetric(i % 2 ? a : b, { metric: 'first_response', businessMs: v * MIN, rawMs: v * MIN, hit: v <= 15 ? 1 : 0 });
    }
    mergeRollup(a, b);
    expect(histogramStats(a.h.first_response?.b)).toEqual({ count: 5, medianMs: 20 * MIN, p90Ms: 40 * MIN });
    expect([a.hits, a.misses]).toEqual([2, 3]);
    expect(histogramStats(undefined)).toEqual({ count: 0, medianMs: null, p90Ms: null });
  });
});
