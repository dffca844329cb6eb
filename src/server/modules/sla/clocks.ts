/**
 * The SLA clocks of one conversation as a pure state machine: the previous
 * applied-SLA row plus what the conversation looks like now give the next row
 * and the metrics of clocks that stopped. No clock reads, no database: the
 * tracker gathers the observation, this decides.
 *
 * Two clocks per conversation:
 * - response: runs from the customer message that made them wait until a reply
 *   that counts (see tracker.ts). The first wait of an open period has the
 *   first-response target, later waits the next-response target. Its cycle key is
 *   the instant of the message that started the wait.
 * - resolution: runs from the first customer message of an open period until
 *   the conversation is resolved. Its cycle key is that first message's instant.
 *
 * A clock counts business time in segments: `credit` is what earlier segments
 * used, `segment` the instant the running segment started (null while paused,
 * i.e. pending with "pause while pending" on). Alert instants are derived from
 * them and the policy, so a policy change re-derives them for every clock.
 */
import type { ConversationStatus, SlaConversationsTable } from '../../db/tables.js';
import { addBusinessTime, businessTimeBetween } from './business-time.js';
import type { EffectivePolicy, SlaTarget } from './policy.js';

export type SlaRow = SlaConversationsTable;

export interface Reply {
  at: number;
  by: string | null;
}

export interface Observation {
  conversationId: string;
  workspaceId: string;
  numberId: string;
  assignee: string | null;
  status: ConversationStatus;
  /** When the conversation last changed (status changes are dated with it). */
  changedAt: number;
  inScope: boolean;
  /** Latest reply that counts. */
  lastReply: Reply | null;
  /** First customer message after max(last reply, last resolution): the start of the current wait. */
  waitStart: number | null;
  /** First customer message after the last resolution: the start of the open period. */
  periodStart: number | null;
  /** First reply that counts after the previous row's wait started (only needed when that wait ended). */
  replyAfterPreviousWait: Reply | null;
}

export interface MetricRecord {
  metric: SlaTarget;
  cycle: number;
  endedAt: number;
  rawMs: number;
  businessMs: number;
  targetMs: number | null;
  hit: number | null;
  agentUserId: string | null;
}

export type ClockState = 'on_track' | 'at_risk' | 'breached' | 'paused';

function running(status: ConversationStatus, policy: EffectivePolicy): boolean {
  return status === 'open' || (status === 'pending' && !policy.pauseWhenPending);
}

/** Business time a clock has used by `at`. */
function used(credit: number, segment: number | null, at: number, policy: EffectivePolicy): number {
  return credit + (segment === null ? 0 : businessTimeBetween(policy.calendar, segment, at));
}

function instants(credit: number, segment: number | null, targetMs: number | null, policy: EffectivePolicy) {
  if (segment === null || targetMs === null) return { risk: null, breach: null };
  const riskMs = Math.round((targetMs * policy.atRiskPercent) / 100);
  return {
    risk: addBusinessTime(policy.calendar, segment, Math.max(0, riskMs - credit)),
    breach: addBusinessTime(policy.calendar, segment, Math.max(0, targetMs - credit)),
  };
}

export function emptyRow(obs: Observation, policy: EffectivePolicy, now: number): SlaRow {
  return {
    conversation_id: obs.conversationId,
    workspace_id: obs.workspaceId,
    policy_version: policy.version,
    status: obs.status,
    in_scope: obs.inScope ? 1 : 0,
    session_start: null,
    resolved_at: null,
    resp_target: null,
    resp_start: null,
    resp_credit: 0,
    resp_segment: null,
    resp_target_ms: null,
    resp_risk_at: null,
    resp_breach_at: null,
    resp_fired: 0,
    res_start: null,
    res_credit: 0,
    res_segment: null,
    res_target_ms: null,
    res_risk_at: null,
    res_breach_at: null,
    res_fired: 0,
    due_at: null,
    urgent_target: null,
    urgent_risk_at: null,
    urgent_breach_at: null,
    version: 0,
    updated_at: now,
  };
}

/** The next applied-SLA row and the metrics of clocks that stopped. */
export function nextRow(
  prev: SlaRow | undefined,
  obs: Observation,
  policy: EffectivePolicy,
  now: number,
): { row: SlaRow; metrics: MetricRecord[] } {
  const row: SlaRow = prev ? { ...prev } : emptyRow(obs, policy, now);
  const metrics: MetricRecord[] = [];
  const hitOf = (businessMs: number, targetMs: number | null) =>
    obs.inScope && targetMs !== null ? (businessMs <= targetMs ? 1 : 0) : null;

  // 1. Status changes move running segments into credit (pause) or start a segment (resume).
  const wasRunning = prev ? running(prev.status as ConversationStatus, policy) && prev.status !== 'resolved' : false;
  const isRunning = running(obs.status, policy);
  const at = Math.max(obs.changedAt, 0);
  if (prev && wasRunning && !isRunning) {
    if (row.resp_segment !== null) {
      row.resp_credit = used(row.resp_credit, row.resp_segment, Math.max(at, row.resp_segment), policy);
      row.resp_segment = null;
    }
    if (row.res_segment !== null) {
      row.res_credit = used(row.res_credit, row.res_segment, Math.max(at, row.res_segment), policy);
      row.res_segment = null;
    }
  } else if (prev && !wasRunning && isRunning) {
    if (row.resp_start !== null && row.resp_segment === null) row.resp_segment = Math.max(at, row.resp_start);
    if (row.res_start !== null && row.res_segment === null) row.res_segment = Math.max(at, row.res_start);
  }

  // 2. The response clock: the wait it measures ended (a reply), or a new one began.
  const waitStart = obs.status === 'resolved' ? null : obs.waitStart;
  if (row.resp_start !== null && row.resp_start !== waitStart) {
    const reply = obs.replyAfterPreviousWait;
    if (reply && reply.at >= row.resp_start) {
      const businessMs = used(row.resp_credit, row.resp_segment, Math.max(reply.at, row.resp_segment ?? reply.at), policy);
      metrics.push({
        metric: (row.resp_target as SlaTarget | null) ?? 'first_response',
        cycle: row.resp_start,
        endedAt: reply.at,
        rawMs: reply.at - row.resp_start,
        businessMs,
        targetMs: row.resp_target_ms,
        hit: hitOf(businessMs, row.resp_target_ms),
        agentUserId: reply.by,
      });
    }
    row.resp_start = null;
    row.resp_target = null;
    row.resp_credit = 0;
    row.resp_segment = null;
    row.resp_fired = 0;
  }

  // 3. The open period and its resolution clock.
  if (obs.status === 'resolved') {
    if (row.res_start !== null) {
      const end = Math.max(at, row.res_start);
      const businessMs = used(row.res_credit, row.res_segment, Math.max(end, row.res_segment ?? end), policy);
      metrics.push({
        metric: 'resolution',
        cycle: row.res_start,
        endedAt: end,
        rawMs: end - row.res_start,
        businessMs,
        targetMs: policy.resolutionMs,
        hit: hitOf(businessMs, policy.resolutionMs),
        agentUserId: obs.assignee,
      });
    }
    if (row.session_start !== null || prev?.status !== 'resolved') row.resolved_at = at;
    row.session_start = null;
    row.res_start = null;
    row.res_credit = 0;
    row.res_segment = null;
    row.res_fired = 0;
  } else if (row.session_start === null && obs.periodStart !== null) {
    row.session_start = obs.periodStart;
    row.res_start = obs.periodStart;
    row.res_credit = 0;
    row.res_segment = isRunning ? obs.periodStart : null;
    row.res_fired = 0;
  }

  if (waitStart !== null && row.resp_start === null) {
    row.resp_start = waitStart;
    row.resp_credit = 0;
    row.resp_segment = isRunning ? waitStart : null;
    row.resp_fired = 0;
  }
  if (row.resp_start !== null) {
    const answeredInPeriod = obs.lastReply !== null && row.session_start !== null && obs.lastReply.at >= row.session_start;
    row.resp_target = answeredInPeriod ? 'next_response' : 'first_response';
  }

  // 4. Policy changes: "pause while pending" switched while pending starts or stops the segments now.
  if (obs.status === 'pending') {
    if (policy.pauseWhenPending) {
      if (row.resp_segment !== null) row.resp_credit = used(row.resp_credit, row.resp_segment, Math.max(now, row.resp_segment), policy);
      if (row.res_segment !== null) row.res_credit = used(row.res_credit, row.res_segment, Math.max(now, row.res_segment), policy);
      row.resp_segment = null;
      row.res_segment = null;
    } else {
      if (row.resp_start !== null && row.resp_segment === null) row.resp_segment = Math.max(now, row.resp_start);
      if (row.res_start !== null && row.res_segment === null) row.res_segment = Math.max(now, row.res_start);
    }
  }

  // 5. Derived instants under the policy in force.
  row.resp_target_ms =
    row.resp_start === null ? null : row.resp_target === 'next_response' ? policy.nextResponseMs : policy.firstResponseMs;
  row.res_target_ms = row.res_start === null ? null : policy.resolutionMs;
  const resp = instants(row.resp_credit, row.resp_segment, row.resp_target_ms, policy);
  const res = instants(row.res_credit, row.res_segment, row.res_target_ms, policy);
  row.resp_risk_at = resp.risk;
  row.resp_breach_at = resp.breach;
  row.res_risk_at = res.risk;
  row.res_breach_at = res.breach;
  row.status = obs.status;
  row.in_scope = obs.inScope ? 1 : 0;
  row.policy_version = policy.version;
  row.updated_at = now;
  deriveSchedule(row);
  return { row, metrics };
}

/** The next alert instant and the most urgent clock, from the instants and what has fired. */
export function deriveSchedule(row: SlaRow): void {
  const candidates: number[] = [];
  const next = (fired: number, risk: number | null, breach: number | null) => (fired === 0 ? risk : fired === 1 ? breach : null);
  const a = next(row.resp_fired, row.resp_risk_at, row.resp_breach_at);
  const b = next(row.res_fired, row.res_risk_at, row.res_breach_at);
  if (a !== null) candidates.push(a);
  if (b !== null) candidates.push(b);
  row.due_at = row.in_scope === 1 && candidates.length > 0 ? Math.min(...candidates) : null;

  row.urgent_target = null;
  row.urgent_risk_at = null;
  row.urgent_breach_at = null;
  if (row.in_scope !== 1) return;
  const clocks: Array<[string, number | null, number | null]> = [
    [row.resp_target ?? 'first_response', row.resp_risk_at, row.resp_breach_at],
    ['resolution', row.res_risk_at, row.res_breach_at],
  ];
  for (const [target, risk, breach] of clocks) {
    if (breach === null) continue;
    if (row.urgent_breach_at === null || breach < row.urgent_breach_at) {
      row.urgent_target = target;
      row.urgent_risk_at = risk;
      row.urgent_breach_at = breach;
    }
  }
}

/** What a person sees for the most urgent clock at `now`. */
export function stateAt(riskAt: number | null, breachAt: number | null, now: number): ClockState | null {
  if (breachAt === null) return null;
  if (now >= breachAt) return 'breached';
  if (riskAt !== null && now >= riskAt) return 'at_risk';
  return 'on_track';
}

/** The alerts due on a row at `now`, in order, per clock. */
export function dueAlerts(
  row: SlaRow,
  now: number,
): Array<{ clock: 'resp' | 'res'; target: SlaTarget; kind: 'at_risk' | 'breached'; cycle: number; dueAt: number }> {
  const out: Array<{ clock: 'resp' | 'res'; target: SlaTarget; kind: 'at_risk' | 'breached'; cycle: number; dueAt: number }> = [];
  if (row.in_scope !== 1) return out;
  if (row.resp_start !== null) {
    const target = (row.resp_target as SlaTarget | null) ?? 'first_response';
    if (row.resp_fired < 1 && row.resp_risk_at !== null && row.resp_risk_at <= now)
      out.push({ clock: 'resp', target, kind: 'at_risk', cycle: row.resp_start, dueAt: row.resp_risk_at });
    if (row.resp_fired < 2 && row.resp_breach_at !== null && row.resp_breach_at <= now)
      out.push({ clock: 'resp', target, kind: 'breached', cycle: row.resp_start, dueAt: row.resp_breach_at });
  }
  if (row.res_start !== null) {
    if (row.res_fired < 1 && row.res_risk_at !== null && row.res_risk_at <= now)
      out.push({ clock: 'res', target: 'resolution', kind: 'at_risk', cycle: row.res_start, dueAt: row.res_risk_at });
    if (row.res_fired < 2 && row.res_breach_at !== null && row.res_breach_at <= now)
      out.push({ clock: 'res', target: 'resolution', kind: 'breached', cycle: row.res_start, dueAt: row.res_breach_at });
  }
  return out;
}
