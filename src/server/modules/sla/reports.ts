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
import { instantOfWall, offsetAt, wallOf } from './business-time.js';

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

/**
 * Durations are counted into buckets inside the database, so a report reads a
 * few thousand histogram rows instead of every metric row: exact to the second
 * below two minutes, then 32 buckets per doubling (within about 2 %). A bucket
 * stands for its smallest value, which is exact whenever its values are equal.
 */
const EXACT_BELOW_MS = 120_000;
const PER_OCTAVE = 32;
const OCTAVES = 16;

function bucketSql(value: string) {
  const parts = [`when ${value} < ${EXACT_BELOW_MS} then ${value} / 1000`];
  let base = EXACT_BELOW_MS;
  let first = EXACT_BELOW_MS / 1000;
  for (let o = 0; o < OCTAVES; o += 1) {
    parts.push(`when ${value} < ${base * 2} then ${first} + (${value} - ${base}) / ${base / PER_OCTAVE}`);
    base *= 2;
    first += PER_OCTAVE;
  }
  return sql.raw(`(case ${parts.join(' ')} else ${first} + (${value} - ${base}) / ${base} end)`);
}

interface Histogram {
  /** [bucket, smallest value, count] */
  bins: Array<[number, number, number]>;
}

function stats(h: Histogram | undefined): StatsT {
  if (!h || h.bins.length === 0) return { count: 0, medianMs: null, p90Ms: null };
  const bins = [...h.bins].sort((a, b) => a[0] - b[0]);
  const count = bins.reduce((n, b) => n + b[2], 0);
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    let seen = 0;
    for (const [, v, n] of bins) {
      seen += n;
      if (seen >= rank) return v;
    }
    return bins[bins.length - 1]![1];
  };
  return { count, medianMs: at(50), p90Ms: at(90) };
}

function merge(into: Histogram, bins: Array<[number, number, number]>): void {
  into.bins.push(...bins);
}

interface Bucket {
  key: string | null;
  label: string;
  hist: Record<'first_response' | 'next_response' | 'resolution', Histogram>;
  hits: number;
  misses: number;
  breaches: number;
}

function bucket(key: string | null, label: string): Bucket {
  return {
    key,
    label,
    hist: { first_response: { bins: [] }, next_response: { bins: [] }, resolution: { bins: [] } },
    hits: 0,
    misses: 0,
    breaches: 0,
  };
}

function rowOf(b: Bucket): SlaReportRowT {
  const rated = b.hits + b.misses;
  return {
    key: b.key,
    label: b.label,
    firstResponse: stats(b.hist.first_response),
    nextResponse: stats(b.hist.next_response),
    resolution: stats(b.hist.resolution),
    hitRate: rated === 0 ? null : b.hits / rated,
    hits: b.hits,
    misses: b.misses,
    breaches: b.breaches,
  };
}

/**
 * The local day number (days since 1970-01-01 as a wall date) of an instant
 * column, in SQL: the zone's offset is piecewise constant between its
 * transitions, so it is a CASE over the few transitions inside the period.
 */
function localDaySql(column: string, zone: string, from: number, to: number) {
  const segments: Array<{ until: number | null; offset: number }> = [];
  let offset = offsetAt(zone, from);
  for (let probe = from; probe < to; probe += 6 * 3_600_000) {
    const next = Math.min(probe + 6 * 3_600_000, to);
    const o = offsetAt(zone, next);
    if (o === offset) continue;
    // Bisect to the millisecond the offset changed.
    let lo = probe;
    let hi = next;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(zone, mid) === offset) lo = mid;
      else hi = mid;
    }
    segments.push({ until: hi, offset });
    offset = o;
  }
  segments.push({ until: null, offset });
  const expr =
    segments.length === 1
      ? `${segments[0]!.offset}`
      : `(case ${segments
          .filter((g) => g.until !== null)
          .map((g) => `when ${column} < ${g.until} then ${g.offset}`)
          .join(' ')} else ${segments[segments.length - 1]!.offset} end)`;
  return sql.raw(`((${column} + ${expr}) / ${DAY_MS})`);
}

export async function buildReport(
  db: DbOrTx,
  options: { workspaceId: string; from: number; to: number; groupBy: GroupBy; mode: Mode; timeZone: string },
): Promise<{ rows: SlaReportRowT[]; totals: SlaReportRowT }> {
  const { workspaceId, from, to, groupBy, mode, timeZone } = options;
  const value = mode === 'raw' ? 'm.raw_ms' : 'm.business_ms';
  const metricKey =
    groupBy === 'agent'
      ? sql.raw('m.agent_user_id')
      : groupBy === 'number'
        ? sql.raw('m.number_id')
        : groupBy === 'label'
          ? sql.raw('cl.label_id')
          : sql`cast(${localDaySql('m.ended_at', timeZone, from, to)} as text)`;
  const eventKey =
    groupBy === 'agent'
      ? sql.raw('e.assignee_user_id')
      : groupBy === 'number'
        ? sql.raw('e.number_id')
        : groupBy === 'label'
          ? sql.raw('cl.label_id')
          : sql`cast(${localDaySql('e.detected_at', timeZone, from, to)} as text)`;
  const labelJoin = (alias: string) =>
    groupBy === 'label' ? sql`join conversation_labels cl on cl.conversation_id = ${sql.raw(alias)}.conversation_id` : sql``;

  const [histRows, eventRows] = await Promise.all([
    sql<{
      k: string | null;
      metric: string;
      b: number | string;
      v: number | string;
      n: number | string;
      hits: number | string;
      misses: number | string;
    }>`
      select x.k, x.metric, x.b, min(x.v) as v, count(*) as n,
        sum(case when x.hit = 1 then 1 else 0 end) as hits, sum(case when x.hit = 0 then 1 else 0 end) as misses
      from (
        select ${metricKey} as k, m.metric, ${bucketSql(value)} as b, ${sql.raw(value)} as v, m.hit
        from sla_metrics m ${labelJoin('m')}
        where m.workspace_id = ${workspaceId} and m.ended_at >= ${from} and m.ended_at < ${to}
      ) x
      group by x.k, x.metric, x.b`.execute(db),
    sql<{ k: string | null; n: number | string }>`
      select ${eventKey} as k, count(*) as n
      from sla_events e ${labelJoin('e')}
      where e.workspace_id = ${workspaceId} and e.kind = 'breached' and e.detected_at >= ${from} and e.detected_at < ${to}
      group by ${eventKey}`.execute(db),
  ]);

  const buckets = new Map<string, Bucket>();
  const totals = bucket(null, 'All');
  let labelOf = (key: string) => key;
  if (groupBy === 'day') {
    const { dates } = dayBoundaries(timeZone, from, to);
    for (const date of dates.slice(0, -1)) buckets.set(date, bucket(date, date));
    labelOf = (key) => new Date(Number(key) * DAY_MS).toISOString().slice(0, 10);
  }
  const get = (raw: string | null) => {
    const key = raw === null ? '' : labelOf(String(raw));
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = bucket(key === '' ? null : key, key)));
    return b;
  };
  const metricName = (m: string) => (m === 'first_response' || m === 'next_response' ? m : 'resolution') as keyof Bucket['hist'];
  for (const r of histRows.rows) {
    const b = get(r.k);
    const bin: [number, number, number] = [Number(r.b), Number(r.v), Number(r.n)];
    merge(b.hist[metricName(r.metric)], [bin]);
    b.hits += Number(r.hits);
    b.misses += Number(r.misses);
    if (groupBy !== 'label') {
      merge(totals.hist[metricName(r.metric)], [bin]);
      totals.hits += Number(r.hits);
      totals.misses += Number(r.misses);
    }
  }
  for (const e of eventRows.rows) {
    get(e.k).breaches += Number(e.n);
    if (groupBy !== 'label') totals.breaches += Number(e.n);
  }
  // Bins of one bucket number from several groups: merge them for the totals.
  for (const h of Object.values(totals.hist)) {
    const byBin = new Map<number, [number, number, number]>();
    for (const [b, v, n] of h.bins) {
      const cur = byBin.get(b);
      byBin.set(b, cur ? [b, Math.min(cur[1], v), cur[2] + n] : [b, v, n]);
    }
    h.bins = [...byBin.values()];
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
