import type { SlaPoliciesTable } from '../../db/tables.js';
import type { BusinessCalendar, Calendar, TimeRange } from './business-time.js';

export type SlaTarget = 'first_response' | 'next_response' | 'resolution';
export type SlaAlertKind = 'at_risk' | 'breached';

export const MINUTE_MS = 60_000;

/** What the clocks need from a workspace's policy, parsed once per version. */
export interface EffectivePolicy {
  version: number;
  enabled: boolean;
  firstResponseMs: number;
  nextResponseMs: number;
  resolutionMs: number | null;
  businessHours: boolean;
  week: TimeRange[][];
  holidays: string[];
  timeZone: string;
  /** Null for 24/7. */
  calendar: Calendar;
  atRiskPercent: number;
  pauseWhenPending: boolean;
  numberIds: string[];
  labelIds: string[];
}

/** Monday to Friday, 09:00–17:00: the starting point offered when business hours are switched on. */
export function defaultWeek(): TimeRange[][] {
  const day = [{ start: '09:00', end: '17:00' }];
  return [[], day, day, day, day, day, []];
}

export const DEFAULTS = {
  firstResponseMs: 15 * MINUTE_MS,
  nextResponseMs: 30 * MINUTE_MS,
  atRiskPercent: 80,
};

interface Schedule {
  week: TimeRange[][];
  holidays: string[];
}

export function parseSchedule(text: string | null | undefined): Schedule {
  try {
    const parsed = JSON.parse(text ?? '') as Partial<Schedule>;
    const week = Array.isArray(parsed.week) && parsed.week.length === 7 ? parsed.week : defaultWeek();
    return { week, holidays: Array.isArray(parsed.holidays) ? parsed.holidays : [] };
  } catch {
    return { week: defaultWeek(), holidays: [] };
  }
}

function parseIds(text: string | null | undefined): string[] {
  try {
    const v = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

const cache = new Map<string, EffectivePolicy>();

/** The policy in force for a workspace: its stored row, or the defaults when none was saved. */
export function effectivePolicy(
  row: Omit<SlaPoliciesTable, 'smtp_password' | 'webhook_secret'> | null | undefined,
  timeZone: string,
): EffectivePolicy {
  const key = row ? `${row.workspace_id}:${row.version}:${row.updated_at}:${timeZone}` : `default:${timeZone}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const schedule = parseSchedule(row?.schedule);
  const businessHours = row ? row.business_hours === 1 : false;
  const calendar: BusinessCalendar | null = businessHours ? { timeZone, week: schedule.week, holidays: schedule.holidays } : null;
  const policy: EffectivePolicy = {
    version: row?.version ?? 0,
    enabled: row ? row.enabled === 1 : true,
    firstResponseMs: row?.first_response_ms ?? DEFAULTS.firstResponseMs,
    nextResponseMs: row?.next_response_ms ?? DEFAULTS.nextResponseMs,
    resolutionMs: row?.resolution_ms ?? null,
    businessHours,
    week: schedule.week,
    holidays: schedule.holidays,
    timeZone,
    calendar,
    atRiskPercent: row?.at_risk_percent ?? DEFAULTS.atRiskPercent,
    pauseWhenPending: row ? row.pause_when_pending === 1 : false,
    numberIds: parseIds(row?.number_ids),
    labelIds: parseIds(row?.label_ids),
  };
  if (cache.size > 1000) cache.clear();
  cache.set(key, policy);
  return policy;
}

/** Whether a conversation falls under the policy's scope (numbers and labels; empty lists mean all). */
export function inScope(policy: EffectivePolicy, numberId: string, labelIds: readonly string[]): boolean {
  if (!policy.enabled) return false;
  if (policy.numberIds.length > 0 && !policy.numberIds.includes(numberId)) return false;
  if (policy.labelIds.length > 0 && !labelIds.some((l) => policy.labelIds.includes(l))) return false;
  return true;
}

export const TARGET_LABELS: Record<SlaTarget, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
};
