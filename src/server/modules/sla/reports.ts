/**
 * SLA reports: read from the daily rollups (rollups.ts), which are updated when
 * a clock stops (`sla_metrics`, raw and business time) or a breach is detected.
 */
import type { SlaReportRowT } from '../../../contracts/sla.js';
import type { DbOrTx } from '../../db/database.js';
import { DAY_MS } from '../../lib/clock.js';
import { instantOfWall, wallOf } from './business-time.js';
import { emptyRollup, histogramStats, localDay, mergeRollup, readRollups, type RollupData, type RollupDim } from './rollups.js';

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

function rowOf(key: string | null, label: string, data: RollupData, mode: Mode): SlaReportRowT {
  const rated = data.hits + data.misses;
  const m = mode === 'raw' ? 'r' : 'b';
  return {
    key,
    label,
    firstResponse: histogramStats(data.h.first_response?.[m]),
    nextResponse: histogramStats(data.h.next_response?.[m]),
    resolution: histogramStats(data.h.resolution?.[m]),
    hitRate: rated === 0 ? null : data.hits / rated,
    hits: data.hits,
    misses: data.misses,
    breaches: data.breaches,
  };
}

/**
 * A report over whole local days of the workspace zone: the days from the one
 * `from` falls in to the one just before `to`. It reads the daily rollups of one
 * dimension (and of "all" for the totals), a few hundred rows for 90 days.
 */
export async function buildReport(
  db: DbOrTx,
  options: { workspaceId: string; from: number; to: number; groupBy: GroupBy; mode: Mode; timeZone: string },
): Promise<{ rows: SlaReportRowT[]; totals: SlaReportRowT }> {
  const { workspaceId, from, to, groupBy, mode, timeZone } = options;
  const fromDay = localDay(timeZone, from);
  const toDay = localDay(timeZone, Math.max(from, to - 1));
  const dim: RollupDim = groupBy === 'day' ? 'all' : groupBy;
  const [rows, all] = await Promise.all([
    readRollups(db, workspaceId, dim, fromDay, toDay),
    dim === 'all' ? Promise.resolve(null) : readRollups(db, workspaceId, 'all', fromDay, toDay),
  ]);

  const groups = new Map<string, RollupData>();
  if (groupBy === 'day') for (let d = fromDay; d <= toDay; d += 1) groups.set(String(d), emptyRollup());
  const totals = emptyRollup();
  for (const r of rows) {
    const key = groupBy === 'day' ? String(r.day) : r.key;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = emptyRollup()));
    mergeRollup(g, r.data);
    if (!all) mergeRollup(totals, r.data);
  }
  // By label a conversation counts once per label it carries: totals come from "all".
  for (const r of all ?? []) mergeRollup(totals, r.data);

  const labels = await labelsFor(db, workspaceId, groupBy, [...groups.keys()]);
  const out = [...groups.entries()].map(([key, data]) => {
    if (groupBy === 'day') {
      const date = new Date(Number(key) * DAY_MS).toISOString().slice(0, 10);
      return rowOf(date, date, data, mode);
    }
    return rowOf(key === '' ? null : key, key === '' ? noneLabel(groupBy) : (labels.get(key) ?? 'Deleted'), data, mode);
  });
  if (groupBy === 'day') out.sort((a, b) => (a.label < b.label ? -1 : 1));
  else out.sort((a, b) => a.label.localeCompare(b.label));
  return { rows: out, totals: rowOf(null, 'All', totals, mode) };
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
