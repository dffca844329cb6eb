/**
 * SLA reports: aggregates of `sla_metrics` rows (one per stopped clock, written
 * when it stopped, raw and in business time) and `sla_events` breaches. Only
 * two indexed range reads per report; medians and percentiles are taken in
 * memory over one number per row.
 */
import { sql } from 'kysely';
import type { SlaReportRowT, StatsT } from '../../../contracts/sla.js';
import type { DbOrTx } from '../../db/database.js';
import { DAY_MS } from '../../lib/clock.js';
import { instantOfWall, wallOf } from './business-time.js';

export type GroupBy = 'day' | 'agent' | 'number' | 'label';
export type Mode = 'business' | 'raw';

/** Local midnights from the day of `from` to the day after `to`, as instants, with their dates. */
export function dayBoundaries(zone: string, from: number, to: number): { starts: number[]; dates: string[] } {
  const first = Math.floor(wallOf(zone, from) / DAY_MS);
  const last = Math.floor(wallOf(zone, Math.max(from, to - 1)) / DAY_MS);
  const starts: number[] = [];
  const dates: string[] = [];
  for (let d = first; d <= last + 1; d += 1) {
    starts.push(instantOfWall(zone, d * DAY_MS));
    dates.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
  }
  return { starts, dates };
}

/** Index of the day an instant falls in (binary search over sorted day starts). */
export function dayIndex(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Nearest-rank percentile of a sorted list. */
export function percentile(sorted: Float64Array | number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

function stats(values: number[]): StatsT {
  if (values.length === 0) return { count: 0, medianMs: null, p90Ms: null };
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, medianMs: percentile(sorted, 50), p90Ms: percentile(sorted, 90) };
}

interface Bucket {
  key: string | null;
  label: string;
  first: number[];
  next: number[];
  resolution: number[];
  hits: number;
  misses: number;
  breaches: number;
}

function bucket(key: string | null, label: string): Bucket {
  return { key, label, first: [], next: [], resolution: [], hits: 0, misses: 0, breaches: 0 };
}

function rowOf(b: Bucket): SlaReportRowT {
  const rated = b.hits + b.misses;
  return {
    key: b.key,
    label: b.label,
    firstResponse: stats(b.first),
    nextResponse: stats(b.next),
    resolution: stats(b.resolution),
    hitRate: rated === 0 ? null : b.hits / rated,
    hits: b.hits,
    misses: b.misses,
    breaches: b.breaches,
  };
}

export async function buildReport(
  db: DbOrTx,
  options: { workspaceId: string; from: number; to: number; groupBy: GroupBy; mode: Mode; timeZone: string },
): Promise<{ rows: SlaReportRowT[]; totals: SlaReportRowT }> {
  const { workspaceId, from, to, groupBy, mode, timeZone } = options;
  const value = mode === 'raw' ? 'm.raw_ms' : 'm.business_ms';

  const metricKey =
    groupBy === 'agent'
      ? sql<string | null>`m.agent_user_id`
      : groupBy === 'number'
        ? sql<string | null>`m.number_id`
        : sql<string | null>`null`;
  let metricQuery = db
    .selectFrom('sla_metrics as m')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.ended_at', '>=', from)
    .where('m.ended_at', '<', to)
    .select([sql<string>`m.metric`.as('metric'), sql<number>`${sql.raw(value)}`.as('v'), 'm.hit', 'm.ended_at', metricKey.as('k')]);
  if (groupBy === 'label') {
    metricQuery = metricQuery
      .innerJoin('conversation_labels as cl', 'cl.conversation_id', 'm.conversation_id')
      .select(sql<string | null>`cl.label_id`.as('k2'));
  }
  const eventKey =
    groupBy === 'agent'
      ? sql<string | null>`e.assignee_user_id`
      : groupBy === 'number'
        ? sql<string | null>`e.number_id`
        : sql<string | null>`null`;
  let eventQuery = db
    .selectFrom('sla_events as e')
    .where('e.workspace_id', '=', workspaceId)
    .where('e.kind', '=', 'breached')
    .where('e.detected_at', '>=', from)
    .where('e.detected_at', '<', to)
    .select(['e.detected_at', eventKey.as('k')]);
  if (groupBy === 'label') {
    eventQuery = eventQuery
      .innerJoin('conversation_labels as cl', 'cl.conversation_id', 'e.conversation_id')
      .select(sql<string | null>`cl.label_id`.as('k2'));
  }
  const [metrics, breaches] = await Promise.all([metricQuery.execute(), eventQuery.execute()]);

  const buckets = new Map<string, Bucket>();
  const totals = bucket(null, 'All');
  let keyOf: (row: { k: string | null; k2?: string | null; at: number }) => string;
  let days: { starts: number[]; dates: string[] } | null = null;
  if (groupBy === 'day') {
    days = dayBoundaries(timeZone, from, to);
    const d = days;
    for (const date of d.dates.slice(0, -1)) buckets.set(date, bucket(date, date));
    keyOf = (r) => d.dates[dayIndex(d.starts, r.at)]!;
  } else {
    keyOf = (r) => (groupBy === 'label' ? (r.k2 ?? '') : (r.k ?? ''));
  }
  const get = (key: string) => {
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = bucket(key === '' ? null : key, key)));
    return b;
  };

  for (const m of metrics as Array<{
    metric: string;
    v: number;
    hit: number | null;
    ended_at: number;
    k: string | null;
    k2?: string | null;
  }>) {
    const b = get(keyOf({ k: m.k, k2: m.k2 ?? null, at: m.ended_at }));
    const v = Number(m.v);
    const list = m.metric === 'first_response' ? 'first' : m.metric === 'next_response' ? 'next' : 'resolution';
    b[list].push(v);
    if (groupBy !== 'label') totals[list].push(v);
    if (m.hit === 1) {
      b.hits += 1;
      if (groupBy !== 'label') totals.hits += 1;
    } else if (m.hit === 0) {
      b.misses += 1;
      if (groupBy !== 'label') totals.misses += 1;
    }
  }
  for (const e of breaches as Array<{ detected_at: number; k: string | null; k2?: string | null }>) {
    get(keyOf({ k: e.k, k2: e.k2 ?? null, at: e.detected_at })).breaches += 1;
    if (groupBy !== 'label') totals.breaches += 1;
  }

  const labels = await labelsFor(db, workspaceId, groupBy, [...buckets.keys()]);
  const rows = [...buckets.values()].map((b) => {
    const row = rowOf(b);
    if (groupBy !== 'day') row.label = b.key === null ? noneLabel(groupBy) : (labels.get(b.key) ?? 'Deleted');
    return row;
  });
  if (groupBy !== 'day') rows.sort((a, b) => a.label.localeCompare(b.label));
  // By label a conversation counts once per label it carries: the totals come from the rows without that join.
  const totalRow = groupBy === 'label' ? (await buildReport(db, { ...options, groupBy: 'number' })).totals : rowOf(totals);
  return { rows, totals: { ...totalRow, key: null, label: 'All' } };
}

function noneLabel(groupBy: GroupBy): string {
  return groupBy === 'agent' ? 'From the phone / unassigned' : 'None';
}

async function labelsFor(db: DbOrTx, workspaceId: string, groupBy: GroupBy, keys: string[]): Promise<Map<string, string>> {
  const ids = keys.filter((k) => k !== '');
  const out = new Map<string, string>();
  if (ids.length === 0 || groupBy === 'day') return out;
  if (groupBy === 'agent') {
    for (const r of await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()) out.set(r.id, r.name);
  } else if (groupBy === 'number') {
    for (const r of await db
      .selectFrom('numbers')
      .select(['id', 'name'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids)
      .execute())
      out.set(r.id, r.name);
  } else {
    for (const r of await db
      .selectFrom('labels')
      .select(['id', 'name'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids)
      .execute())
      out.set(r.id, r.name);
  }
  return out;
}
