/**
 * Audience planning: labels, a CSV upload and pasted numbers become recipient
 * rows, each either `queued` or `skipped` with its reason (invalid number,
 * duplicate, opted out, no consent). Works in chunks, so a 100,000-row audience
 * never holds more than one chunk of contacts in memory besides the set of
 * phones seen (dedupe needs it).
 */
import { parse } from 'csv-parse/sync';
import type { SkipReasonT } from '../../../contracts/campaigns.js';
import type { DbOrTx } from '../../db/database.js';
import { AppError, validation } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { findContactsByPhones, type ContactRow } from '../contacts/repo.js';
import { refusesBulkMessages } from '../contacts/opt-out.js';
import { normalisePhone } from '../messaging/service.js';
import { insertRecipients, type RecipientRow } from './repo.js';
import { variableKey } from './template.js';
import { knownChecks, WHATSAPP_CHECK_TTL_MS } from './whatsapp-check.js';

export interface AudienceEntry {
  source: RecipientRow['source'];
  raw: string;
  /** Known contact (label audiences): its phone is already normalised. */
  contact?: Pick<ContactRow, 'id' | 'phone' | 'name' | 'saved_name' | 'push_name' | 'opted_out' | 'custom_fields'>;
  /** CSV columns (template variables), keyed by `variableKey`. */
  vars?: Record<string, string>;
}

export interface PlanContext {
  workspaceId: string;
  campaignId: string;
  country: string;
  consentField: string | null;
  /** Skip phones a recent check found not on WhatsApp (campaign setting `checkWhatsApp`). */
  checkWhatsApp?: boolean;
  /** Phones already in the audience (updated as rows are added). */
  seen: Set<string>;
  nextSeq: number;
  now: number;
}

export interface PlanTally {
  added: number;
  willSend: number;
  skipped: Partial<Record<SkipReasonT, number>>;
}

const CHUNK = 1000;
const FALSY = new Set(['', '0', 'false', 'no', 'n', 'off']);

function hasConsent(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  return !FALSY.has(String(value).trim().toLowerCase());
}

function parseJsonObject(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Plans and writes one chunk of entries. */
async function planChunk(tx: DbOrTx, ctx: PlanContext, entries: readonly AudienceEntry[], tally: PlanTally): Promise<void> {
  const phones = entries.map((e) => {
    if (e.contact) return e.contact.phone.startsWith('lid:') ? null : e.contact.phone;
    return normalisePhone(e.raw, ctx.country);
  });
  const unknown = phones.filter((p, i): p is string => p !== null && !entries[i]!.contact);
  const known = new Map<string, ContactRow>();
  if (unknown.length) for (const c of await findContactsByPhones(tx, ctx.workspaceId, unknown)) known.set(c.phone, c);
  const consentKey = ctx.consentField ? variableKey(ctx.consentField) : null;
  const checks = ctx.checkWhatsApp
    ? await knownChecks(
        tx,
        ctx.workspaceId,
        phones.filter((p): p is string => p !== null),
        ctx.now - WHATSAPP_CHECK_TTL_MS,
      )
    : null;

  const rows: RecipientRow[] = [];
  entries.forEach((entry, i) => {
    const phone = phones[i] ?? null;
    const contact = entry.contact ?? (phone ? known.get(phone) : undefined);
    let reason: SkipReasonT | null = null;
    if (!phone) reason = 'invalid_number';
    else if (ctx.seen.has(phone)) reason = 'duplicate';
    else if (refusesBulkMessages(contact)) reason = 'opted_out';
    else if (consentKey) {
      const fields = contact ? parseJsonObject(contact.custom_fields) : {};
      const fieldValue = Object.entries(fields).find(([k]) => variableKey(k) === consentKey)?.[1];
      if (!hasConsent(entry.vars?.[consentKey]) && !hasConsent(fieldValue)) reason = 'no_consent';
    }
    if (!reason && phone && checks?.get(phone) === false) reason = 'not_on_whatsapp';
    if (phone && reason !== 'duplicate' && reason !== 'invalid_number') ctx.seen.add(phone);
    const name = entry.vars?.['name'] || contact?.name || contact?.saved_name || contact?.push_name || null;
    rows.push({
      id: newId(ctx.now),
      campaign_id: ctx.campaignId,
      workspace_id: ctx.workspaceId,
      seq: ctx.nextSeq++,
      phone,
      raw: entry.raw.slice(0, 200),
      contact_id: contact?.id ?? null,
      name: name ? name.slice(0, 200) : null,
      source: entry.source,
      vars: JSON.stringify(entry.vars ?? {}),
      status: reason ? 'skipped' : 'queued',
      reason,
      number_id: null,
      message_id: null,
      conversation_id: null,
      variant: null,
      claimed_by: null,
      claim_expires_at: null,
      queued_at: null,
      updated_at: ctx.now,
    });
    tally.added += 1;
    if (reason) tally.skipped[reason] = (tally.skipped[reason] ?? 0) + 1;
    else tally.willSend += 1;
  });
  await insertRecipients(tx, rows);
}

/** Plans entries from any iterable (async or not), in chunks. */
export async function planEntries(
  tx: DbOrTx,
  ctx: PlanContext,
  entries: Iterable<AudienceEntry> | AsyncIterable<AudienceEntry>,
): Promise<PlanTally> {
  const tally: PlanTally = { added: 0, willSend: 0, skipped: {} };
  let chunk: AudienceEntry[] = [];
  for await (const entry of entries) {
    chunk.push(entry);
    if (chunk.length >= CHUNK) {
      await planChunk(tx, ctx, chunk, tally);
      chunk = [];
    }
  }
  if (chunk.length) await planChunk(tx, ctx, chunk, tally);
  return tally;
}

/** Contacts with any of the labels (or all contacts), one page at a time by id. */
export async function* contactsOf(
  db: DbOrTx,
  workspaceId: string,
  selection: { labelIds: readonly string[]; all: boolean },
): AsyncGenerator<AudienceEntry> {
  let after = '';
  const columns = ['c.id', 'c.phone', 'c.name', 'c.saved_name', 'c.push_name', 'c.opted_out', 'c.custom_fields'] as const;
  for (;;) {
    let page;
    if (selection.all) {
      page = await db
        .selectFrom('contacts as c')
        .select(columns)
        .where('c.workspace_id', '=', workspaceId)
        .where('c.id', '>', after)
        .orderBy('c.id')
        .limit(CHUNK)
        .execute();
    } else {
      // The page's ids walk the label index (label_id, contact_id) in order; their contacts come by primary key,
      // in the same statement (a round trip of 1,000 ids through the app cost more than the reads).
      page = await db
        .selectFrom('contacts as c')
        .select(columns)
        .where('c.workspace_id', '=', workspaceId)
        .where('c.id', 'in', (eb) =>
          eb
            .selectFrom('contact_labels')
            .select('contact_id')
            .distinct()
            .where('workspace_id', '=', workspaceId)
            .where('label_id', 'in', selection.labelIds)
            .where('contact_id', '>', after)
            .orderBy('contact_id')
            .limit(CHUNK),
        )
        .orderBy('c.id')
        .execute();
    }
    for (const c of page) yield { source: 'label', raw: c.phone.startsWith('lid:') ? c.phone : `+${c.phone}`, contact: c };
    if (page.length < CHUNK) return;
    after = page[page.length - 1]!.id;
  }
}

/** Pasted text: one number per line; commas, semicolons and tabs also separate. */
export function* pastedEntries(text: string): Generator<AudienceEntry> {
  for (const part of text.split(/[\n\r,;\t]+/)) {
    const raw = part.trim();
    if (raw) yield { source: 'pasted', raw };
  }
}

const PHONE_COLUMNS = ['phone', 'phone_number', 'mobile', 'number', 'whatsapp', 'tel', 'telephone', 'msisdn', 'cell'];

export interface ParsedCsv {
  columns: string[];
  phoneColumn: string;
  entries: AudienceEntry[];
}

/** A CSV with a header row: the phone column and every other column as a variable. */
export function parseAudienceCsv(text: string, phoneColumn?: string): ParsedCsv {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as string[][];
  } catch (error) {
    throw new AppError(400, 'invalid_csv', `The CSV file could not be read: ${error instanceof Error ? error.message : 'unreadable'}.`);
  }
  const header = records[0];
  if (!header || header.length === 0) throw new AppError(400, 'invalid_csv', 'The CSV file is empty.');
  const columns = header.map((h) => h.trim());
  const keys = columns.map(variableKey);
  const wanted = phoneColumn ? variableKey(phoneColumn) : null;
  const phoneIndex = wanted ? keys.indexOf(wanted) : keys.findIndex((k) => PHONE_COLUMNS.includes(k));
  if (phoneIndex < 0) {
    throw validation(
      wanted
        ? `There is no column "${phoneColumn}" in the file.`
        : 'No phone column found: name one phone, mobile, number or whatsapp, or pick it.',
      { phoneColumn: 'no such column' },
    );
  }
  const entries: AudienceEntry[] = [];
  for (let r = 1; r < records.length; r++) {
    const cells = records[r]!;
    const vars: Record<string, string> = {};
    keys.forEach((k, i) => {
      if (i !== phoneIndex && k) vars[k] = (cells[i] ?? '').slice(0, 1000);
    });
    entries.push({ source: 'csv', raw: cells[phoneIndex] ?? '', vars });
  }
  return { columns: columns.filter((_c, i) => i !== phoneIndex), phoneColumn: columns[phoneIndex]!, entries };
}
