/**
 * Daily SLA rollups: what reports read. One row per workspace, local day and
 * dimension key holds histograms of the durations of the clocks that stopped
 * that day (raw and business time, per metric), how many met their target, and
 * how many breaches were detected. Rows are updated in the transaction that
 * records the metric or the breach; `rebuildRollups` recomputes them from
 * `sla_metrics` and `sla_events` (a backfill, or after a time-zone change).
 *
 * Histogram buckets: exact to the second below two minutes, then 32 buckets per
 * doubling (within about 3 %); a bucket stands for its smallest value, so a
 * percentile is exact whenever the values sharing its bucket are equal.
 */
import type { Db, DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import { DAY_MS } from '../../lib/clock.js';
import { wallOf } from './business-time.js';
import type { SlaTarget } from './policy.js';
import type { Kysely } from 'kysely';

export type RollupDim = 'all' | 'agent' | 'number' | 'label';
/** Flat triples: bucket, smallest value, count (arrays of numbers parse fast). */
type Bins = number[];

export interface RollupData {
  /** Per metric: business-time and raw histograms. */
  h: Partial<Record<SlaTarget, { b: Bins; r: Bins }>>;
  hits: number;
  misses: number;
  breaches: number;
}

const EXACT_BELOW_MS = 120_000;
const PER_OCTAVE = 32;

export function bucketOf(ms: number): number {
  const v = Math.max(0, Math.floor(ms));
  if (v < EXACT_BELOW_MS) return Math.floor(v / 1000);
  const octave = Math.floor(Math.log2(v / EXACT_BELOW_MS));
  const base = EXACT_BELOW_MS * 2 ** octave;
  return EXACT_BELOW_MS / 1000 + octave * PER_OCTAVE + Math.min(PER_OCTAVE - 1, Math.floor((v - base) / (base / PER_OCTAVE)));
}

export function emptyRollup(): RollupData {
  return { h: {}, hits: 0, misses: 0, breaches: 0 };
}

function addBin(bins: Bins, v: number): void {
  const bucket = bucketOf(v);
  for (let i = 0; i < bins.length; i += 3) {
    if (bins[i] === bucket) {
      bins[i + 1] = Math.min(bins[i + 1]!, v);
      bins[i + 2]! += 1;
      return;
    }
  }
  bins.push(bucket, v, 1);
}

function mergeBins(into: Bins, from: Bins): void {
  const at = new Map<number, number>();
  for (let i = 0; i < into.length; i += 3) at.set(into[i]!, i);
  for (let j = 0; j < from.length; j += 3) {
    const i = at.get(from[j]!);
    if (i === undefined) {
      at.set(from[j]!, into.length);
      into.push(from[j]!, from[j + 1]!, from[j + 2]!);
    } else {
      into[i + 1] = Math.min(into[i + 1]!, from[j + 1]!);
      into[i + 2]! += from[j + 2]!;
    }
  }
}

export function addMetric(data: RollupData, m: { metric: SlaTarget; businessMs: number; rawMs: number; hit: number | null }): void {
  const h = (data.h[m.metric] ??= { b: [], r: [] });
  addBin(h.b, m.businessMs);
  addBin(h.r, m.rawMs);
  if (m.hit === 1) data.hits += 1;
  else if (m.hit === 0) data.misses += 1;
}

export function mergeRollup(into: RollupData, from: RollupData): void {
  for (const [metric, h] of Object.entries(from.h) as Array<[SlaTarget, { b: Bins; r: Bins }]>) {
    const target = (into.h[metric] ??= { b: [], r: [] });
    mergeBins(target.b, h.b);
    mergeBins(target.r, h.r);
  }
  into.hits += from.hits;
  into.misses += from.misses;
  into.breaches += from.breaches;
}

/** Count, median and p90 (nearest rank) of a histogram. */
export function histogramStats(bins: Bins | undefined): { count: number; medianMs: number | null; p90Ms: number | null } {
  const entries: Array<readonly [number, number, number]> = [];
  for (let i = 0; i < (bins?.length ?? 0); i += 3) entries.push([bins![i]!, bins![i + 1]!, bins![i + 2]!]);
  entries.sort((a, b) => a[0] - b[0]);
  const count = entries.reduce((s, e) => s + e[2], 0);
  if (count === 0) return { count: 0, medianMs: null, p90Ms: null };
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    let seen = 0;
    for (const [, v, n] of entries) {
      seen += n;
      if (seen >= rank) return v;
    }
    return entries[entries.length - 1]![1];
  };
  return { count, medianMs: at(50), p90Ms: at(90) };
}

export function localDay(zone: string, at: number): number {
  return Math.floor(wallOf(zone, at) / DAY_MS);
}

/** Applies a change to the rollup rows of one day for several dimension keys, inside the caller's transaction. */
export async function updateRollups(
  tx: DbOrTx,
  workspaceId: string,
  day: number,
  keys: ReadonlyArray<readonly [RollupDim, string]>,
  change: (data: RollupData) => void,
): Promise<void> {
  const pg = isPostgres(tx as unknown as Kysely<unknown>);
  for (const [dim, key] of keys) {
    await tx
      .insertInto('sla_rollups')
      .values({ workspace_id: workspaceId, day, dim, key, data: JSON.stringify(emptyRollup()) })
      .onConflict((oc) => oc.columns(['workspace_id', 'dim', 'day', 'key']).doNothing())
      .execute();
    let q = tx
      .selectFrom('sla_rollups')
      .select('data')
      .where('workspace_id', '=', workspaceId)
      .where('dim', '=', dim)
      .where('day', '=', day)
      .where('key', '=', key);
    // PostgreSQL: lock the row so two processes add to it one after the other (SQLite has one writer anyway).
    if (pg) q = q.forUpdate();
    const row = await q.executeTakeFirstOrThrow();
    const data = JSON.parse(row.data) as RollupData;
    change(data);
    await tx
      .updateTable('sla_rollups')
      .set({ data: JSON.stringify(data) })
      .where('workspace_id', '=', workspaceId)
      .where('dim', '=', dim)
      .where('day', '=', day)
      .where('key', '=', key)
      .execute();
  }
}

/** The dimension keys a conversation's metric or breach counts under. */
export async function dimensionKeys(
  tx: DbOrTx,
  workspaceId: string,
  conversationId: string,
  agentId: string | null,
  numberId: string | null,
): Promise<Array<readonly [RollupDim, string]>> {
  const labels = await tx
    .selectFrom('conversation_labels')
    .select('label_id')
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .execute();
  return [['all', ''], ['agent', agentId ?? ''], ['number', numberId ?? ''], ...labels.map((l) => ['label', l.label_id] as const)];
}

export async function readRollups(db: DbOrTx, workspaceId: string, dim: RollupDim, fromDay: number, toDay: number) {
  const rows = await db
    .selectFrom('sla_rollups')
    .select(['day', 'key', 'data'])
    .where('workspace_id', '=', workspaceId)
    .where('dim', '=', dim)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .execute();
  return rows.map((r) => ({ day: r.day, key: r.key, data: JSON.parse(r.data) as RollupData }));
}

/**
 * Recomputes a workspace's rollups from its metrics and breach events (current
 * labels, current time zone), in pages so memory stays bounded per day.
 */
export async function rebuildRollups(db: Db, workspaceId: string, zone: string): Promise<number> {
  const acc = new Map<string, RollupData>();
  const keyOf = (day: number, dim: RollupDim, key: string) => `${day}\u0000${dim}\u0000${key}`;
  const get = (day: number, dim: RollupDim, key: string) => {
    const k = keyOf(day, dim, key);
    let d = acc.get(k);
    if (!d) acc.set(k, (d = emptyRollup()));
    return d;
  };
  const labelsOf = new Map<string, string[]>();
  for (const r of await db
    .selectFrom('conversation_labels')
    .select(['conversation_id', 'label_id'])
    .where('workspace_id', '=', workspaceId)
    .execute()) {
    const list = labelsOf.get(r.conversation_id) ?? [];
    list.push(r.label_id);
    labelsOf.set(r.conversation_id, list);
  }
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('sla_metrics')
      .select(['id', 'conversation_id', 'number_id', 'agent_user_id', 'metric', 'ended_at', 'raw_ms', 'business_ms', 'hit'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(20_000)
      .execute();
    if (page.length === 0) break;
    for (const m of page) {
      const day = localDay(zone, m.ended_at);
      const metric = { metric: m.metric as SlaTarget, businessMs: m.business_ms, rawMs: m.raw_ms, hit: m.hit };
      addMetric(get(day, 'all', ''), metric);
      addMetric(get(day, 'agent', m.agent_user_id ?? ''), metric);
      addMetric(get(day, 'number', m.number_id), metric);
      for (const l of labelsOf.get(m.conversation_id) ?? []) addMetric(get(day, 'label', l), metric);
    }
    after = page[page.length - 1]!.id;
  }
  after = '';
  for (;;) {
    const page = await db
      .selectFrom('sla_events')
      .select(['id', 'conversation_id', 'number_id', 'assignee_user_id', 'detected_at'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'breached')
      .where('id', '>', after)
      .orderBy('id')
      .limit(20_000)
      .execute();
    if (page.length === 0) break;
    for (const e of page) {
      const day = localDay(zone, e.detected_at);
      get(day, 'all', '').breaches += 1;
      get(day, 'agent', e.assignee_user_id ?? '').breaches += 1;
      get(day, 'number', e.number_id ?? '').breaches += 1;
      for (const l of labelsOf.get(e.conversation_id) ?? []) get(day, 'label', l).breaches += 1;
    }
    after = page[page.length - 1]!.id;
  }
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sla_rollups').where('workspace_id', '=', workspaceId).execute();
    const rows = [...acc.entries()].map(([k, data]) => {
      const [day, dim, key] = k.split('\u0000') as [string, RollupDim, string];
      return { workspace_id: workspaceId, day: Number(day), dim, key, data: JSON.stringify(data) };
    });
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insertInto('sla_rollups')
        .values(rows.slice(i, i + 500))
        .execute();
  });
  return acc.size;
}
