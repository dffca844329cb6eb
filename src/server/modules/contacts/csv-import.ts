/**
 * CSV import of contacts in two steps.
 *
 * 1. Upload: the file is written to `<dataDir>/imports/<id>.csv` as it arrives,
 *    checked to be text (not a PNG, a workbook or UTF-16), its delimiter
 *    detected (`,` `;` tab), and its first rows returned for the mapping screen.
 * 2. Commit with a column mapping: the file is streamed through csv-parse (never
 *    read whole), every row checked and either staged in `contact_import_rows`
 *    or rejected with a reason, in short transactions that report progress. The
 *    staged rows are then applied to `contacts` in ONE transaction: the contacts
 *    are either all imported or left exactly as they were.
 *
 * A phone seen earlier in the file: the later row's data is folded into the
 * earlier one (blank cells filled, labels added) and counted as merged; when
 * the two rows disagree (two names for one phone), the later row is rejected
 * as a duplicate. A phone that is already a contact updates that contact.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import type { ContactImportDtoT, FieldValueT } from '../../../contracts/contacts.js';
import { CONTACT_NAME_MAX, CONTACT_NOTES_MAX } from '../../../contracts/contacts.js';
import { LABEL_COLORS } from '../../../contracts/inbox.js';
import { insertMany } from '../../db/bulk.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { AppError, validation } from '../../http/errors.js';
import { iso, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { ActivityService } from '../activity/service.js';
import type { Caller } from '../caller.js';
import { applyOptChange } from './opt-out.js';
import { addContactLabels, findLabelsByNames, insertLabelRows, listContactFields, type ContactFieldRow, type ContactRow } from './repo.js';
import {
  acceptedPage,
  clearStaged,
  contactsOfStagedLines,
  deleteAccepted,
  deleteImport,
  findImport,
  insertImport,
  insertStaged,
  refreshContactStatistics,
  stagedByPhones,
  stagedPage,
  staleImports,
  updateImport,
  updateStaged,
  type AcceptedRow,
  type ImportedContact,
  type ImportRow,
  type StagedRow,
} from './import-repo.js';
import { checkFieldValue, checkPhone, hasControlCharacters, parseFields, safeCell } from './values.js';

export const IMPORT_MAX_BYTES = 100 * 1024 * 1024;
const SAMPLE_BYTES = 64 * 1024;
const PREVIEW_ROWS = 10;
const STAGE_BATCH = 1000;
const APPLY_BATCH = 1000;
/** An import touching this many contacts refreshes the planner's statistics before it is done. */
const STATISTICS_AFTER_ROWS = 1000;
const LABEL_MAX = 40;
const LABELS_PER_ROW_MAX = 20;
/** Uploads and reports are kept this long, then cleared at the next upload. */
const IMPORT_KEEP_MS = 24 * 60 * 60 * 1000;
/** A `running` import not touched for this long was cut off by a restart. */
const STALLED_MS = 10 * 60 * 1000;

const invalidCsv = (message: string) => new AppError(400, 'invalid_csv', message);

// ---------------------------------------------------------------------------
// Sniffing: is it text, and which delimiter
// ---------------------------------------------------------------------------

const SIGNATURES: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive or an Excel workbook (.xlsx)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel workbook (.xls)'],
];

/** Throws `invalid_csv` for anything that is not delimited text; returns the delimiter. */
export function sniffCsv(sample: Buffer): { delimiter: string } {
  if (sample.length === 0) throw invalidCsv('The file is empty.');
  for (const [magic, what] of SIGNATURES) {
    if (magic.every((b, i) => sample[i] === b))
      throw invalidCsv(`This file is ${what}, not a CSV file. Save it as "CSV UTF-8" and upload that.`);
  }
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) {
    throw invalidCsv('This file is saved as UTF-16 text. Save it as "CSV UTF-8" and upload that.');
  }
  if (sample.includes(0)) throw invalidCsv('This file is not a text file, so it cannot be a CSV file.');
  const text = sample.toString('utf8').replace(/^\uFEFF/, '');
  // eslint-disable-next-line no-control-regex
  const control = (text.match(/[\u0001-\u0008\u000e-\u001f\u007f]/g) ?? []).length;
  const replaced = (text.match(/\uFFFD/g) ?? []).length;
  if (control > text.length * 0.01 || replaced > text.length * 0.3)
    throw invalidCsv('This file is not readable text, so it cannot be a CSV file.');
  return { delimiter: detectDelimiter(text) };
}

/** The candidate that splits the header line most often (outside quotes), and consistently on the next lines. */
export function detectDelimiter(text: string): string {
  const lines: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === '\r')) {
      if (current.trim() !== '') lines.push(current);
      current = '';
      if (lines.length >= 10) break;
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '' && lines.length < 10) lines.push(current);
  const count = (line: string, d: string) => {
    let n = 0;
    let q = false;
    for (const ch of line) {
      if (ch === '"') q = !q;
      else if (!q && ch === d) n += 1;
    }
    return n;
  };
  let best = ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t']) {
    const counts = lines.map((l) => count(l, d));
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const consistent = counts.filter((c) => c === header).length;
    const score = header * 10 + consistent;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** Header names made unique and non-empty, so the mapping can key on them. */
export function uniqueHeaders(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    const base = h.trim() || `Column ${i + 1}`;
    const n = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/** A first guess of the mapping from header names. */
export function suggestMapping(headers: readonly string[], fields: readonly ContactFieldRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  let phoneTaken = false;
  let nameTaken = false;
  for (const h of headers) {
    const k = h
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
    const field = fields.find((f) => f.key === k.replace(/ /g, '_') || f.label.toLowerCase() === h.toLowerCase().trim());
    if (field) out[h] = `field:${field.key}`;
    else if (!phoneTaken && /\b(phone|mobile|cell|whatsapp|number|tel|telephone|telefon|telefono|handy|msisdn)\b/.test(k)) {
      out[h] = 'phone';
      phoneTaken = true;
    } else if (!nameTaken && /\b(name|full name|nombre|nom|contact|customer)\b/.test(k) && !/\b(first|last|company)\b/.test(k)) {
      out[h] = 'name';
      nameTaken = true;
    } else if (/\b(labels?|tags?|groups?)\b/.test(k)) out[h] = 'labels';
    else if (/\b(notes?|notizen|comments?)\b/.test(k)) out[h] = 'notes';
    else if (/\b(opt(ed)? ?out|unsubscribed)\b/.test(k)) out[h] = 'opted_out';
    else out[h] = 'ignore';
  }
  return out;
}

// ---------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------

export interface Mapping {
  phone: number;
  name: number | null;
  notes: number | null;
  labels: number[];
  optedOut: number | null;
  fields: Array<{ index: number; field: ContactFieldRow }>;
  columns: number;
}

export interface CheckedRow {
  phone: string;
  name: string | null;
  notes: string | null;
  labels: string[];
  fields: Record<string, FieldValueT>;
  optedOut: boolean | null;
}

const YES = new Set(['yes', 'y', 'true', '1', 'opted out', 'opted_out', 'optedout', 'unsubscribed', 'stop', 'x']);
const NO = new Set(['no', 'n', 'false', '0', 'subscribed', 'opted in', 'opted_in']);

/** One CSV row against the mapping: the contact it describes, or why it is rejected. */
export function checkRow(
  cells: readonly string[],
  mapping: Mapping,
  country: string,
): { ok: true; row: CheckedRow } | { ok: false; reason: string } {
  if (cells.some((c) => c.includes('\uFFFD'))) {
    return { ok: false, reason: 'row holds bytes that are not UTF-8 text (bad encoding): save the file as "CSV UTF-8"' };
  }
  if (cells.length > mapping.columns) return { ok: false, reason: `row has ${cells.length} cells but the header has ${mapping.columns}` };
  const cell = (i: number | null) => (i === null ? '' : (cells[i] ?? '').trim());
  const phone = checkPhone(cell(mapping.phone), country);
  if (!phone.ok) return { ok: false, reason: phone.reason };
  const name = cell(mapping.name);
  if (Array.from(name).length > CONTACT_NAME_MAX) return { ok: false, reason: `name is longer than ${CONTACT_NAME_MAX} characters` };
  if (hasControlCharacters(name)) return { ok: false, reason: 'name contains control characters' };
  const notes = cell(mapping.notes);
  if (notes.length > CONTACT_NOTES_MAX) return { ok: false, reason: `notes are longer than ${CONTACT_NOTES_MAX} characters` };
  const labels: string[] = [];
  for (const i of mapping.labels) {
    for (const raw of cell(i).split(/[,;|]/)) {
      const label = raw.trim();
      if (label === '') continue;
      if (Array.from(label).length > LABEL_MAX)
        return { ok: false, reason: `label "${label.slice(0, 20)}…" is longer than ${LABEL_MAX} characters` };
      if (!labels.some((l) => l.toLowerCase() === label.toLowerCase())) labels.push(label);
    }
  }
  if (labels.length > LABELS_PER_ROW_MAX) return { ok: false, reason: `more than ${LABELS_PER_ROW_MAX} labels` };
  const fields: Record<string, FieldValueT> = {};
  for (const { index, field } of mapping.fields) {
    const value = cell(index);
    if (value === '') continue;
    const checked = checkFieldValue(field, value);
    if (!checked.ok) return { ok: false, reason: `invalid field value: ${checked.reason}` };
    fields[field.key] = checked.value;
  }
  let optedOut: boolean | null = null;
  const opt = cell(mapping.optedOut).toLowerCase();
  if (opt !== '') {
    if (YES.has(opt)) optedOut = true;
    else if (NO.has(opt)) optedOut = false;
    else return { ok: false, reason: `opt-out value "${opt.slice(0, 20)}" is not yes or no` };
  }
  return { ok: true, row: { phone: phone.phone, name: name || null, notes: notes || null, labels, fields, optedOut } };
}

/** Folds a later row with the same phone into the first; the name of what disagrees when they conflict. */
export function foldDuplicate(first: StagedRow, later: CheckedRow): string | null {
  const differs = (a: string | null, b: string | null) => a !== null && b !== null && a.trim().toLowerCase() !== b.trim().toLowerCase();
  if (differs(first.name, later.name)) return 'name';
  if (differs(first.notes, later.notes)) return 'notes';
  const fields = parseFields(first.fields);
  for (const [k, v] of Object.entries(later.fields)) if (fields[k] !== undefined && String(fields[k]) !== String(v)) return k;
  if (first.opted_out !== null && later.optedOut !== null && (first.opted_out === 1) !== later.optedOut) return 'opt-out';
  first.name ??= later.name;
  first.notes ??= later.notes;
  first.fields = JSON.stringify({ ...later.fields, ...fields });
  const labels = JSON.parse(first.labels) as string[];
  for (const l of later.labels) if (!labels.some((x) => x.toLowerCase() === l.toLowerCase())) labels.push(l);
  first.labels = JSON.stringify(labels);
  if (first.opted_out === null && later.optedOut !== null) first.opted_out = later.optedOut ? 1 : 0;
  return null;
}

/**
 * Ids for one import's contacts: the time part of `newId`, then a counter, then
 * randomness, so the rows go into the primary-key index in order (random ids
 * scatter 100,000 inserts across the index and cost several times as much).
 */
function sequentialId(now: number, n: number): string {
  const id = newId(now);
  const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
  let counter = '';
  for (let rest = n, i = 0; i < 6; i++, rest = Math.floor(rest / 32)) counter = ALPHABET[rest % 32] + counter;
  return id.slice(0, 10) + counter + id.slice(16);
}

function reject(workspaceId: string, importId: string, line: number, phone: string | null, reason: string, raw: string): StagedRow {
  return {
    import_id: importId,
    line,
    workspace_id: workspaceId,
    phone,
    name: null,
    notes: null,
    labels: '[]',
    fields: '{}',
    opted_out: null,
    error: reason,
    raw,
  };
}

// ---------------------------------------------------------------------------
// The importer
// ---------------------------------------------------------------------------

interface StoredMeta {
  headers: string[];
  preview: string[][];
}

export interface UploadedFile {
  stream: Readable;
  fileName: string | null;
  /** True when the upload was cut at the size limit. */
  truncated(): boolean;
}

export function createContactImporter(deps: { db: Db; clock: Clock; dataDir: string; activity: ActivityService }) {
  const { db, clock, activity } = deps;
  const dir = path.join(deps.dataDir, 'imports');
  const running = new Map<string, Promise<void>>();
  /** A test seam: make the apply step throw after this many contacts, to prove the rollback. */
  const faults: { failAfterRows?: number } = {};

  const fileOf = (importId: string) => path.join(dir, `${importId}.csv`);

  async function clearStale(workspaceId: string, now: number): Promise<void> {
    for (const old of await staleImports(db, workspaceId, now - IMPORT_KEEP_MS)) {
      await fs.promises.rm(fileOf(old.id), { force: true });
      await deleteImport(db, workspaceId, old.id);
    }
  }

  async function readSample(file: string): Promise<Buffer> {
    const handle = await fs.promises.open(file, 'r');
    try {
      const buffer = Buffer.alloc(SAMPLE_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  function parserOf(delimiter: string, fromLine: number) {
    return parse({
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      from_line: fromLine,
      max_record_size: 1024 * 1024,
    });
  }

  async function previewOf(file: string, delimiter: string): Promise<string[][]> {
    const rows: string[][] = [];
    const parser = parserOf(delimiter, 1);
    const source = fs.createReadStream(file);
    source.pipe(parser);
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        rows.push(record.map((c) => c.slice(0, 200)));
        if (rows.length > PREVIEW_ROWS) break;
      }
    } catch (error) {
      throw invalidCsv(`The file could not be read as CSV: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}.`);
    } finally {
      source.destroy();
      parser.destroy();
    }
    return rows;
  }

  function present(row: ImportRow, fields: readonly ContactFieldRow[]): ContactImportDtoT {
    const meta = JSON.parse(row.headers) as StoredMeta;
    const stalled = row.status === 'running' && !running.has(row.id) && clock.now() - row.updated_at > STALLED_MS;
    return {
      id: row.id,
      status: stalled ? 'failed' : row.status,
      fileName: row.file_name,
      size: row.size,
      delimiter: row.delimiter,
      headers: meta.headers,
      preview: meta.preview,
      suggestedMapping: row.mapping ? (JSON.parse(row.mapping) as Record<string, string>) : suggestMapping(meta.headers, fields),
      processed: row.processed,
      bytesRead: row.bytes_read,
      created: row.created_count,
      updated: row.updated_count,
      merged: row.merged_count,
      rejected: row.rejected_count,
      error: stalled ? 'The import was interrupted (the server restarted). Nothing was imported; start it again.' : row.error,
      createdAt: iso(row.created_at),
      finishedAt: row.finished_at === null ? null : iso(row.finished_at),
    };
  }

  function mappingOf(body: Record<string, string>, headers: readonly string[], fields: readonly ContactFieldRow[]): Mapping {
    const problems: Record<string, string> = {};
    const mapping: Mapping = { phone: -1, name: null, notes: null, labels: [], optedOut: null, fields: [], columns: headers.length };
    for (const [header, target] of Object.entries(body)) {
      const index = headers.indexOf(header);
      if (index < 0) {
        problems[`mapping.${header}`] = 'no such column in the file';
        continue;
      }
      if (target === 'ignore') continue;
      if (target === 'labels') mapping.labels.push(index);
      else if (target.startsWith('field:')) {
        const field = fields.find((f) => f.key === target.slice(6));
        if (!field) problems[`mapping.${header}`] = `no custom field "${target.slice(6)}"`;
        else if (mapping.fields.some((f) => f.field.key === field.key))
          problems[`mapping.${header}`] = `field "${field.key}" is mapped twice`;
        else mapping.fields.push({ index, field });
      } else if (target === 'phone' || target === 'name' || target === 'notes' || target === 'opted_out') {
        const key = target === 'opted_out' ? 'optedOut' : target;
        const taken = key === 'phone' ? mapping.phone >= 0 : mapping[key] !== null;
        if (taken) problems[`mapping.${header}`] = `more than one column is mapped to ${target}`;
        else if (key === 'phone') mapping.phone = index;
        else mapping[key] = index;
      } else problems[`mapping.${header}`] = 'must be name, phone, labels, notes, opted_out, field:<key> or ignore';
    }
    if (mapping.phone < 0) problems.mapping = 'map one column to phone';
    if (Object.keys(problems).length > 0) throw validation('The column mapping is not usable.', problems);
    return mapping;
  }

  /** Step 2a: read the whole file, staging accepted rows and recording rejected ones. */
  async function stage(
    row: ImportRow,
    mapping: Mapping,
    country: string,
  ): Promise<{ merged: number; rejected: number; labels: Set<string> }> {
    const ws = row.workspace_id;
    const labels = new Set<string>();
    let merged = 0;
    let rejected = 0;
    let line = 1;
    let bytes = 0;
    const source = fs.createReadStream(fileOf(row.id));
    source.on('data', (chunk) => (bytes += chunk.length));
    const parser = parserOf(row.delimiter, 2);
    const piping = pipeline(source, parser).catch(() => undefined);
    let batch: Array<{ line: number; cells: string[] }> = [];

    const flush = async () => {
      const checked = batch.map((b) => ({ ...b, result: checkRow(b.cells, mapping, country) }));
      const phones = checked.flatMap((c) => (c.result.ok ? [c.result.row.phone] : []));
      const earlier = new Map((await stagedByPhones(db, ws, row.id, phones)).map((s) => [s.phone!, s]));
      const inserts: StagedRow[] = [];
      const updates = new Set<StagedRow>();
      const firstLine = new Map<string, StagedRow>();
      for (const c of checked) {
        // The cells as read go into the report of rejected rows only.
        const raw = () => JSON.stringify(c.cells.map((x) => x.slice(0, 1000)));
        if (!c.result.ok) {
          rejected += 1;
          // The phone, when it reads as one, ties the rejected row to its contact (an erasure removes it too).
          const phone = checkPhone(c.cells[mapping.phone] ?? '', country);
          inserts.push(reject(ws, row.id, c.line, phone.ok ? phone.phone : null, c.result.reason, raw()));
          continue;
        }
        const r = c.result.row;
        const first = firstLine.get(r.phone) ?? earlier.get(r.phone);
        if (first) {
          const conflict = foldDuplicate(first, r);
          if (conflict) {
            rejected += 1;
            inserts.push(
              reject(ws, row.id, c.line, r.phone, `duplicate in file: same phone as row ${first.line} with a different ${conflict}`, raw()),
            );
          } else {
            merged += 1;
            r.labels.forEach((l) => labels.add(l.toLowerCase() + '\u0000' + l));
            if (!firstLine.has(r.phone)) updates.add(first);
          }
          continue;
        }
        const staged: StagedRow = {
          import_id: row.id,
          line: c.line,
          workspace_id: ws,
          phone: r.phone,
          name: r.name,
          notes: r.notes,
          labels: JSON.stringify(r.labels),
          fields: JSON.stringify(r.fields),
          opted_out: r.optedOut === null ? null : r.optedOut ? 1 : 0,
          error: null,
          raw: null,
        };
        r.labels.forEach((l) => labels.add(l.toLowerCase() + '\u0000' + l));
        firstLine.set(r.phone, staged);
        inserts.push(staged);
      }
      await db.transaction().execute(async (tx) => {
        await insertStaged(tx, inserts);
        for (const u of updates) await updateStaged(tx, u);
        await updateImport(tx, ws, row.id, {
          processed: line - 1,
          bytes_read: Math.min(bytes, row.size),
          merged_count: merged,
          rejected_count: rejected,
          updated_at: clock.now(),
        });
      });
      batch = [];
      // Let requests (and the progress poll) in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    };

    try {
      for await (const cells of parser as AsyncIterable<string[]>) {
        line += 1;
        batch.push({ line, cells });
        if (batch.length >= STAGE_BATCH) await flush();
      }
      await flush();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw invalidCsv(
        `The file stopped being valid CSV near row ${line + 1}: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}.`,
      );
    } finally {
      source.destroy();
      await piping;
    }
    return { merged, rejected, labels };
  }

  /** Step 2b: every staged row into `contacts`, in one transaction. */
  async function apply(row: ImportRow, labelKeys: Set<string>, caller: Caller): Promise<{ created: number; updated: number }> {
    const ws = row.workspace_id;
    return db.transaction().execute(async (tx) => {
      const now = clock.now();
      const labelIds = await ensureLabels(tx, ws, labelKeys, now);
      let created = 0;
      let updated = 0;
      let after = 0;
      let sequence = 0;
      for (;;) {
        const page = await acceptedPage(tx, ws, row.id, after, APPLY_BATCH);
        if (page.length === 0) break;
        const lastLine = page[page.length - 1]!.line;
        const existing = new Map((await contactsOfStagedLines(tx, ws, row.id, after, lastLine)).map((c) => [c.phone, c]));
        after = lastLine;
        const fresh: ContactRow[] = [];
        const optOuts: Array<{ contact: ImportedContact; optedOut: boolean }> = [];
        const pairs: Array<{ contactId: string; labelId: string }> = [];
        const labelsOf = (p: AcceptedRow, contactId: string) => {
          for (const l of JSON.parse(p.labels) as string[]) {
            const id = labelIds.get(l.toLowerCase());
            if (id) pairs.push({ contactId, labelId: id });
          }
        };
        for (const p of page) {
          const current = existing.get(p.phone!);
          if (current) {
            updated += 1;
            const fields = { ...parseFields(current.custom_fields), ...parseFields(p.fields) };
            const notes =
              p.notes && !(current.notes ?? '').includes(p.notes)
                ? current.notes
                  ? `${current.notes}\n${p.notes}`
                  : p.notes
                : current.notes;
            const patch = { name: p.name ?? current.name, notes, custom_fields: JSON.stringify(fields) };
            if (patch.name !== current.name || patch.notes !== current.notes || patch.custom_fields !== current.custom_fields) {
              await tx
                .updateTable('contacts')
                .set({ ...patch, updated_at: now })
                .where('workspace_id', '=', ws)
                .where('id', '=', current.id)
                .execute();
            }
            if (p.opted_out !== null) optOuts.push({ contact: current, optedOut: p.opted_out === 1 });
            labelsOf(p, current.id);
            continue;
          }
          const contact: ContactRow = {
            id: sequentialId(now, (sequence += 1)),
            workspace_id: ws,
            phone: p.phone!,
            lid: null,
            name: p.name,
            push_name: null,
            saved_name: null,
            notes: p.notes,
            custom_fields: p.fields,
            opted_out: 0,
            opted_out_at: null,
            first_seen_at: null,
            last_seen_at: null,
            created_at: now,
            updated_at: now,
          };
          fresh.push(contact);
          if (p.opted_out === 1) optOuts.push({ contact, optedOut: true });
          labelsOf(p, contact.id);
        }
        await insertMany(tx, 'contacts', fresh);
        created += fresh.length;
        for (const o of optOuts)
          await applyOptChange(tx, ws, o.contact, { optedOut: o.optedOut, source: 'import', userId: caller.userId }, now);
        await addContactLabels(tx, ws, pairs);
        if (faults.failAfterRows !== undefined && created + updated >= faults.failAfterRows)
          throw new Error('injected failure during import');
      }
      await deleteAccepted(tx, ws, row.id);
      // Inside the transaction, so the import is reported done only once the planner knows the new rows.
      if (created + updated >= STATISTICS_AFTER_ROWS) await refreshContactStatistics(tx);
      await updateImport(tx, ws, row.id, {
        status: 'done',
        created_count: created,
        updated_count: updated,
        finished_at: now,
        updated_at: now,
      });
      await activity.record(
        ws,
        {
          action: 'contacts.imported',
          actor: { userId: caller.userId, name: caller.name },
          ip: caller.ip,
          target: { type: 'import', id: row.id, label: row.file_name },
          details: { created, updated, merged: row.merged_count, rejected: row.rejected_count },
        },
        tx,
      );
      return { created, updated };
    });
  }

  async function ensureLabels(tx: DbOrTx, ws: string, keys: Set<string>, now: number): Promise<Map<string, string>> {
    const wanted = new Map<string, string>();
    for (const k of keys) {
      const [lower, original] = k.split('\u0000') as [string, string];
      if (!wanted.has(lower)) wanted.set(lower, original);
    }
    const ids = new Map<string, string>();
    if (wanted.size === 0) return ids;
    for (const l of await findLabelsByNames(tx, ws, [...wanted.values()])) ids.set(l.name.toLowerCase(), l.id);
    const missing = [...wanted].filter(([lower]) => !ids.has(lower));
    await insertLabelRows(
      tx,
      missing.map(([, name], i) => ({
        id: newId(now),
        workspace_id: ws,
        name,
        color: LABEL_COLORS[(i + 6) % LABEL_COLORS.length]!,
        created_at: now,
      })),
    );
    if (missing.length > 0) {
      for (const l of await findLabelsByNames(
        tx,
        ws,
        missing.map(([, n]) => n),
      ))
        ids.set(l.name.toLowerCase(), l.id);
    }
    return ids;
  }

  async function run(row: ImportRow, mapping: Mapping, country: string, caller: Caller): Promise<void> {
    const ws = row.workspace_id;
    try {
      const staged = await stage(row, mapping, country);
      const fresh = (await findImport(db, ws, row.id))!;
      await apply(fresh, staged.labels, caller);
    } catch (error) {
      const message =
        error instanceof AppError ? error.message : 'The import failed and nothing was imported. Check the file and try again.';
      await clearStaged(db, ws, row.id).catch(() => undefined);
      await updateImport(db, ws, row.id, { status: 'failed', error: message, finished_at: clock.now(), updated_at: clock.now() }).catch(
        () => undefined,
      );
    } finally {
      await fs.promises.rm(fileOf(row.id), { force: true }).catch(() => undefined);
      // The preview rows were for the mapping screen; a finished import keeps only its header names.
      const meta = JSON.parse(row.headers) as StoredMeta;
      await updateImport(db, ws, row.id, { headers: JSON.stringify({ headers: meta.headers, preview: [] }) }).catch(() => undefined);
    }
  }

  return {
    faults,

    /** Step 1: store the upload and read its first rows. The caller has been authorized. */
    async upload(caller: Caller, workspaceId: string, file: UploadedFile): Promise<ContactImportDtoT> {
      const now = clock.now();
      await clearStale(workspaceId, now);
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      const id = newId(now);
      const target = fileOf(id);
      try {
        const out = fs.createWriteStream(target, { mode: 0o600 });
        await pipeline(file.stream, out);
        if (file.truncated()) {
          throw new AppError(413, 'payload_too_large', `The file is larger than the limit of ${IMPORT_MAX_BYTES / 1024 / 1024} MB.`);
        }
        const size = (await fs.promises.stat(target)).size;
        const { delimiter } = sniffCsv(await readSample(target));
        const rows = await previewOf(target, delimiter);
        if (rows.length === 0) throw invalidCsv('The file has no rows.');
        const headers = uniqueHeaders(rows[0]!);
        const fields = await listContactFields(db, workspaceId);
        const row: ImportRow = {
          id,
          workspace_id: workspaceId,
          created_by: caller.userId,
          file_name: file.fileName ? file.fileName.slice(0, 200) : null,
          size,
          delimiter,
          headers: JSON.stringify({ headers, preview: rows.slice(1) } satisfies StoredMeta),
          mapping: null,
          status: 'uploaded',
          processed: 0,
          bytes_read: 0,
          created_count: 0,
          updated_count: 0,
          merged_count: 0,
          rejected_count: 0,
          error: null,
          created_at: now,
          updated_at: now,
          finished_at: null,
        };
        await insertImport(db, row);
        return present(row, fields);
      } catch (error) {
        await fs.promises.rm(target, { force: true });
        throw error;
      }
    },

    async get(workspaceId: string, importId: string): Promise<ContactImportDtoT | null> {
      const row = await findImport(db, workspaceId, importId);
      return row ? present(row, await listContactFields(db, workspaceId)) : null;
    },

    /** Step 2: starts the import in the background; poll `get` for progress. */
    async commit(
      caller: Caller,
      workspaceId: string,
      importId: string,
      body: Record<string, string>,
      country: string,
    ): Promise<ContactImportDtoT> {
      const row = await findImport(db, workspaceId, importId);
      if (!row) throw new AppError(404, 'not_found', 'That import does not exist.');
      if (row.status !== 'uploaded') throw new AppError(409, 'conflict', 'This import has already been started.');
      const fields = await listContactFields(db, workspaceId);
      const mapping = mappingOf(body, (JSON.parse(row.headers) as StoredMeta).headers, fields);
      const now = clock.now();
      if (
        !(await updateImport(db, workspaceId, importId, { status: 'running', mapping: JSON.stringify(body), updated_at: now }, 'uploaded'))
      ) {
        throw new AppError(409, 'conflict', 'This import has already been started.');
      }
      const started = { ...row, status: 'running' as const, mapping: JSON.stringify(body), updated_at: now };
      const job = run(started, mapping, country, caller).finally(() => running.delete(importId));
      running.set(importId, job);
      return present(started, fields);
    },

    /** Resolves when a running import of this process has finished (tests, shutdown). */
    async settled(importId?: string): Promise<void> {
      if (importId) await running.get(importId);
      else await Promise.all(running.values());
    },

    /** The rejected rows as CSV: row number, reason, then the row's cells as read. */
    async *rejectedCsv(workspaceId: string, importId: string): AsyncGenerator<string> {
      const row = await findImport(db, workspaceId, importId);
      if (!row) return;
      const { headers } = JSON.parse(row.headers) as StoredMeta;
      yield '\uFEFF' + stringify([['row', 'reason', ...headers]]);
      let after = 0;
      for (;;) {
        const page = await stagedPage(db, workspaceId, importId, 'rejected', after, 1000);
        if (page.length === 0) break;
        after = page[page.length - 1]!.line;
        yield stringify(page.map((r) => [String(r.line), r.error ?? '', ...(JSON.parse(r.raw ?? '[]') as string[]).map(safeCell)]));
      }
    },

    exists: (workspaceId: string, importId: string) => findImport(db, workspaceId, importId),

    /** Uploads never committed hold raw rows (file and preview): an erasure discards them all. */
    async discardUncommitted(workspaceId: string): Promise<void> {
      for (const old of await staleImports(db, workspaceId, Number.MAX_SAFE_INTEGER)) {
        if (old.status !== 'uploaded') continue;
        await fs.promises.rm(fileOf(old.id), { force: true });
        await deleteImport(db, workspaceId, old.id);
      }
    },
  };
}

export type ContactImporter = ReturnType<typeof createContactImporter>;
