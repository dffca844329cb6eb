import {
  DEFAULT_CAMPAIGN_SETTINGS,
  RECIPIENT_STATUSES,
  type CampaignDtoT,
  type CampaignSettingsT,
  type RecipientCountsT,
  type RecipientDtoT,
} from '../../../contracts/campaigns.js';
import { iso } from '../../lib/clock.js';
import type { CampaignRow, RecipientRow } from './repo.js';

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function parseArray(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Parsed once per row object: the campaign sender keeps its rows between passes
 * and reads their settings and numbers on every pass and claim. The results are
 * frozen, as they are shared.
 */
function memoised<T extends object, R>(parse: (row: T) => R): (row: T) => R {
  const cache = new WeakMap<T, R>();
  return (row) => {
    let parsed = cache.get(row);
    if (parsed === undefined) cache.set(row, (parsed = Object.freeze(parse(row))));
    return parsed;
  };
}

/** Stored settings over the defaults, so a setting added later reads as its default on older campaigns. */
export const settingsOf = memoised((row: Pick<CampaignRow, 'settings'>): CampaignSettingsT => {
  try {
    return { ...DEFAULT_CAMPAIGN_SETTINGS, ...(JSON.parse(row.settings) as Partial<CampaignSettingsT>) };
  } catch {
    return { ...DEFAULT_CAMPAIGN_SETTINGS };
  }
});

/** A JSON object column (custom fields, CSV variables); anything else reads as empty. */
export function parseObject(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export const numberIdsOf = memoised((row: Pick<CampaignRow, 'number_ids'>) => parseArray(row.number_ids));
export const variantsOf = (row: Pick<CampaignRow, 'variants'>) => parseArray(row.variants);
export const csvColumnsOf = (row: Pick<CampaignRow, 'csv_columns'>) => parseArray(row.csv_columns);

/** The texts recipients rotate through: the main text first, then the variants. */
export function textsOf(row: Pick<CampaignRow, 'text' | 'variants'>): string[] {
  return [row.text, ...variantsOf(row)].filter((t) => t.trim() !== '');
}

export function emptyCounts(): RecipientCountsT {
  const counts = { total: 0 } as RecipientCountsT;
  for (const s of RECIPIENT_STATUSES) counts[s] = 0;
  return counts;
}

export interface Tally {
  counts: RecipientCountsT;
  skipped: Record<string, number>;
}

export function tallyOf(rows: ReadonlyArray<{ status: string; reason: string | null; n: number | string | bigint }>): Tally {
  const counts = emptyCounts();
  const skipped: Record<string, number> = {};
  for (const r of rows) {
    const n = Number(r.n);
    counts.total += n;
    if (r.status in counts) counts[r.status as keyof RecipientCountsT] += n;
    if (r.status === 'skipped') skipped[r.reason ?? 'other'] = (skipped[r.reason ?? 'other'] ?? 0) + n;
  }
  return { counts, skipped };
}

export function presentCampaign(row: CampaignRow, tally: Tally): CampaignDtoT {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    text: row.text,
    variants: variantsOf(row),
    mediaId: row.media_id,
    numberIds: numberIdsOf(row),
    settings: settingsOf(row),
    csvColumns: csvColumnsOf(row),
    pauseReason: row.pause_reason,
    autoPaused: row.auto_paused === 1,
    scheduledAt: isoOrNull(row.scheduled_at),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    counts: tally.counts,
    skipped: tally.skipped,
  };
}

export function presentRecipient(row: RecipientRow): RecipientDtoT {
  return {
    id: row.id,
    seq: row.seq,
    phone: row.phone ? `+${row.phone}` : null,
    raw: row.raw,
    name: row.name,
    source: row.source,
    status: row.status,
    reason: row.reason,
    numberId: row.number_id,
    messageId: row.message_id,
    conversationId: row.conversation_id,
    variant: row.variant,
    queuedAt: isoOrNull(row.queued_at),
    updatedAt: iso(row.updated_at),
  };
}
