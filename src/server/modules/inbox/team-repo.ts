/**
 * Queries of the team inbox: the conversation list, message pages, labels,
 * notes, canned replies and full-text search. Every query filters on the
 * workspace (ARCHITECTURE rule 2).
 */
import {
  expressionBuilder,
  sql,
  type Expression,
  type Kysely,
  type Nullable,
  type QueryResult,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import type { SnippetPartT } from '../../../contracts/inbox.js';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import type {
  CannedRepliesTable,
  ConversationStatus,
  ConversationsTable,
  Database,
  LabelsTable,
  NotesTable,
  SlaConversationsTable,
} from '../../db/tables.js';
import { chunks } from '../../lib/chunks.js';
import type { ConversationRow, MediaRow, MessageRow } from './repo.js';

export type LabelRow = LabelsTable;
export type NoteRow = NotesTable;
export type CannedReplyRow = CannedRepliesTable;

const postgres = (db: DbOrTx) => isPostgres(db as unknown as Kysely<unknown>);

// ---------------------------------------------------------------------------
// Keyset cursors: "<epoch ms>_<id>", the position of the last row of a page.
// ---------------------------------------------------------------------------

export interface Position {
  at: number;
  id: string;
}

export function encodePosition(p: Position): string {
  return `${p.at}_${p.id}`;
}

/** Null for anything that is not a cursor this API handed out. */
export function decodePosition(cursor: string): Position | null {
  const m = /^(\d{1,16})_([0-9a-z]{1,64})$/.exec(cursor);
  return m ? { at: Number(m[1]), id: m[2]! } : null;
}

// ---------------------------------------------------------------------------
// Conversation list
// ---------------------------------------------------------------------------

export interface ConversationFilter {
  status?: ConversationStatus | undefined;
  /** A user id, or null for unassigned; undefined for everyone. */
  assigneeId?: string | null | undefined;
  numberId?: string | undefined;
  labelId?: string | undefined;
  waiting?: boolean | undefined;
  /** SLA state at `now` (sla/clocks.ts): at risk, or breached. */
  sla?: 'at_risk' | 'breached' | undefined;
  sort?: 'recent' | 'time_left' | undefined;
  now?: number | undefined;
  /** Only these conversations (search results). */
  ids?: readonly string[] | undefined;
  after?: Position | undefined;
}

export interface InboxRow extends ConversationRow {
  contact_phone: string;
  contact_name: string | null;
  contact_saved_name: string | null;
  contact_push_name: string | null;
  contact_opted_out: number;
  number_name: string;
  assignee_name: string | null;
  sla_target: string | null;
  sla_risk_at: number | null;
  sla_breach_at: number | null;
}

/** Sort key of conversations without an SLA deadline under `sort=time_left` (after every real one). */
export const NO_DEADLINE = 8_000_000_000_000_000;

function inboxSelect(db: DbOrTx, workspaceId: string) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('contacts as k', 'k.id', 'c.contact_id')
    .innerJoin('numbers as n', 'n.id', 'c.number_id')
    .leftJoin('users as u', 'u.id', 'c.assignee_user_id')
    .leftJoin('sla_conversations as s', 's.conversation_id', 'c.id')
    .selectAll('c')
    .select([
      'k.phone as contact_phone',
      'k.name as contact_name',
      'k.saved_name as contact_saved_name',
      'k.push_name as contact_push_name',
      'k.opted_out as contact_opted_out',
      'n.name as number_name',
      'u.name as assignee_name',
      's.urgent_target as sla_target',
      's.urgent_risk_at as sla_risk_at',
      's.urgent_breach_at as sla_breach_at',
    ])
    .where('c.workspace_id', '=', workspaceId);
}

/** What the inbox filters and orders see: a conversation and its SLA row. */
type FilterDb = Database & { c: ConversationsTable; s: Nullable<SlaConversationsTable> };

/** The filters of a list (and the keyset position of its page), as one condition on `c` and `s`. */
function filterCondition(f: ConversationFilter): Expression<SqlBool> {
  const eb = expressionBuilder<FilterDb, 'c' | 's'>();
  const parts: Array<Expression<SqlBool>> = [eb('c.last_message_at', 'is not', null)];
  if (f.status) parts.push(eb('c.status', '=', f.status));
  if (f.assigneeId === null) parts.push(eb('c.assignee_user_id', 'is', null));
  else if (f.assigneeId !== undefined) parts.push(eb('c.assignee_user_id', '=', f.assigneeId));
  if (f.numberId) parts.push(eb('c.number_id', '=', f.numberId));
  if (f.waiting) parts.push(eb('c.waiting_since', 'is not', null));
  if (f.labelId) {
    // A correlated EXISTS keeps the newest-first index walk; `id in (…)` made SQLite sort every labelled conversation.
    parts.push(
      eb.exists(
        eb
          .selectFrom('conversation_labels as cl')
          .select('cl.conversation_id')
          .whereRef('cl.conversation_id', '=', 'c.id')
          .where('cl.label_id', '=', f.labelId),
      ),
    );
  }
  if (f.sla) {
    const now = f.now ?? Date.now();
    parts.push(eb('c.status', '!=', 'resolved'), eb('s.urgent_breach_at', 'is not', null));
    if (f.sla === 'breached') parts.push(eb('s.urgent_breach_at', '<=', now));
    else parts.push(eb('s.urgent_breach_at', '>', now), eb('s.urgent_risk_at', '<=', now));
  }
  if (f.ids) parts.push(eb('c.id', 'in', [...f.ids]));
  const { key, direction } = sortOf(f);
  if (f.after) parts.push(sql<SqlBool>`(${key}, c.id) ${sql.raw(direction === 'asc' ? '>' : '<')} (${f.after.at}, ${f.after.id})`);
  return eb.and(parts);
}

/** Newest activity first, or least SLA time left first; the conversation id breaks ties. */
function sortOf(f: ConversationFilter): { key: RawBuilder<number>; direction: 'asc' | 'desc' } {
  return f.sort === 'time_left'
    ? { key: sql<number>`coalesce(s.urgent_breach_at, ${sql.lit(NO_DEADLINE)})`, direction: 'asc' }
    : { key: sql<number>`c.last_message_at`, direction: 'desc' };
}

/** Newest activity first (or least SLA time left); conversations without any message yet are not in the inbox. */
export async function listInbox(db: DbOrTx, workspaceId: string, f: ConversationFilter, limit: number): Promise<InboxRow[]> {
  if (f.ids && f.ids.length === 0) return [];
  const { key, direction } = sortOf(f);
  let ids = f.ids;
  if ((ids && ids.length > limit) || f.labelId) {
    // The page is chosen on the conversations alone, and contacts, numbers and assignees are
    // joined for that page only, where many more rows are read than shown: search hands over
    // hundreds of matches to sort, and a label's newest-first walk passes over every
    // conversation without it (SQLite joined each one before testing the label).
    const page = await db
      .selectFrom('conversations as c')
      .leftJoin('sla_conversations as s', 's.conversation_id', 'c.id')
      .select('c.id')
      .where('c.workspace_id', '=', workspaceId)
      .where(filterCondition(f))
      .orderBy(key, direction)
      .orderBy('c.id', direction)
      .limit(limit)
      .execute();
    ids = page.map((r) => r.id);
    if (ids.length === 0) return [];
  }
  return (await inboxSelect(db, workspaceId)
    .where(filterCondition({ ...f, ids }))
    .orderBy(key, direction)
    .orderBy('c.id', direction)
    .limit(limit)
    .execute()) as InboxRow[];
}

export async function findInboxRow(db: DbOrTx, workspaceId: string, conversationId: string): Promise<InboxRow | undefined> {
  return (await inboxSelect(db, workspaceId).where('c.id', '=', conversationId).executeTakeFirst()) as InboxRow | undefined;
}

export async function otherConversationsOf(db: DbOrTx, workspaceId: string, contactId: string, exceptId: string) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('numbers as n', 'n.id', 'c.number_id')
    .select(['c.id', 'c.status', 'n.id as number_id', 'n.name as number_name'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.contact_id', '=', contactId)
    .where('c.id', '!=', exceptId)
    .orderBy('c.last_message_at', 'desc')
    .limit(20)
    .execute();
}

/** The conversations of this workspace among `ids` (others' ids simply drop out). */
export async function findConversationsByIds(db: DbOrTx, workspaceId: string, ids: readonly string[]): Promise<ConversationRow[]> {
  const out: ConversationRow[] = [];
  for (const part of chunks([...new Set(ids)])) {
    if (part.length === 0) continue;
    out.push(
      ...(await db.selectFrom('conversations').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', part).execute()),
    );
  }
  return out;
}

export async function updateConversationFields(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
  patch: Partial<Pick<ConversationRow, 'status' | 'assignee_user_id' | 'unread_count' | 'updated_at'>>,
): Promise<void> {
  for (const part of chunks([...new Set(ids)])) {
    if (part.length === 0) continue;
    await db.updateTable('conversations').set(patch).where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
  }
}

export async function isMember(db: DbOrTx, workspaceId: string, userId: string): Promise<{ name: string } | undefined> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.name')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------

export async function listLabels(db: DbOrTx, workspaceId: string): Promise<LabelRow[]> {
  return db.selectFrom('labels').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').limit(1000).execute();
}

export async function findLabels(db: DbOrTx, workspaceId: string, ids: readonly string[]): Promise<LabelRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('labels')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...ids])
    .execute();
}

export async function findLabelByName(db: DbOrTx, workspaceId: string, name: string, exceptId?: string): Promise<LabelRow | undefined> {
  let q = db
    .selectFrom('labels')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`lower(name) = lower(${name})`);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return q.executeTakeFirst();
}

export async function insertLabel(db: DbOrTx, row: LabelRow): Promise<void> {
  await db.insertInto('labels').values(row).execute();
}

export async function updateLabel(db: DbOrTx, workspaceId: string, id: string, patch: Partial<Pick<LabelRow, 'name' | 'color'>>) {
  return db.updateTable('labels').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteLabel(db: DbOrTx, workspaceId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('labels').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Labels of each conversation, keyed by conversation id. */
export async function labelsOfConversations(
  db: DbOrTx,
  workspaceId: string,
  conversationIds: readonly string[],
): Promise<Map<string, LabelRow[]>> {
  const out = new Map<string, LabelRow[]>();
  for (const part of chunks([...new Set(conversationIds)])) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('conversation_labels as cl')
      .innerJoin('labels as l', 'l.id', 'cl.label_id')
      .select(['cl.conversation_id', 'l.id', 'l.workspace_id', 'l.name', 'l.color', 'l.created_at'])
      .where('cl.workspace_id', '=', workspaceId)
      .where('cl.conversation_id', 'in', part)
      .orderBy('l.name')
      .execute();
    for (const r of rows) {
      const list = out.get(r.conversation_id) ?? [];
      list.push({ id: r.id, workspace_id: r.workspace_id, name: r.name, color: r.color, created_at: r.created_at });
      out.set(r.conversation_id, list);
    }
  }
  return out;
}

export async function addConversationLabels(
  db: DbOrTx,
  workspaceId: string,
  conversationIds: readonly string[],
  labelIds: readonly string[],
) {
  const rows = conversationIds.flatMap((c) => labelIds.map((l) => ({ conversation_id: c, label_id: l, workspace_id: workspaceId })));
  for (const part of chunks(rows, 300)) {
    if (part.length > 0) {
      await db
        .insertInto('conversation_labels')
        .values(part)
        .onConflict((oc) => oc.columns(['conversation_id', 'label_id']).doNothing())
        .execute();
    }
  }
}

export async function removeConversationLabels(
  db: DbOrTx,
  workspaceId: string,
  conversationIds: readonly string[],
  labelIds: readonly string[] | 'all',
): Promise<void> {
  for (const part of chunks([...new Set(conversationIds)])) {
    if (part.length === 0) continue;
    let q = db.deleteFrom('conversation_labels').where('workspace_id', '=', workspaceId).where('conversation_id', 'in', part);
    if (labelIds !== 'all') {
      if (labelIds.length === 0) continue;
      q = q.where('label_id', 'in', [...labelIds]);
    }
    await q.execute();
  }
}

// ---------------------------------------------------------------------------
// Notes and canned replies
// ---------------------------------------------------------------------------

export async function listNotes(
  db: DbOrTx,
  workspaceId: string,
  conversationId: string,
  limit: number,
  beforeId?: string,
): Promise<NoteRow[]> {
  let q = db.selectFrom('notes').selectAll().where('workspace_id', '=', workspaceId).where('conversation_id', '=', conversationId);
  if (beforeId) q = q.where('id', '<', beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

export async function insertNote(db: DbOrTx, row: NoteRow): Promise<void> {
  await db.insertInto('notes').values(row).execute();
}

export async function listCannedReplies(db: DbOrTx, workspaceId: string): Promise<CannedReplyRow[]> {
  return db.selectFrom('canned_replies').selectAll().where('workspace_id', '=', workspaceId).orderBy('shortcut').limit(1000).execute();
}

export async function findCannedByShortcut(db: DbOrTx, workspaceId: string, shortcut: string, exceptId?: string) {
  let q = db
    .selectFrom('canned_replies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`lower(shortcut) = lower(${shortcut})`);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return q.executeTakeFirst();
}

export async function insertCannedReply(db: DbOrTx, row: CannedReplyRow): Promise<void> {
  await db.insertInto('canned_replies').values(row).execute();
}

export async function updateCannedReply(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  patch: Partial<Pick<CannedReplyRow, 'shortcut' | 'text' | 'updated_at'>>,
) {
  return db
    .updateTable('canned_replies')
    .set(patch)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteCannedReply(db: DbOrTx, workspaceId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('canned_replies').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ---------------------------------------------------------------------------
// Message pages
// ---------------------------------------------------------------------------

export interface MessagePageRow extends MessageRow {
  sender_name: string | null;
}

/** Messages of a conversation newest first, strictly older than `before` (or newest first from the end). */
export async function messagesBefore(
  db: DbOrTx,
  workspaceId: string,
  conversationId: string,
  before: Position | null,
  limit: number,
  inclusive = false,
): Promise<MessagePageRow[]> {
  let q = db
    .selectFrom('messages as m')
    .leftJoin('users as u', 'u.id', 'm.sender_user_id')
    .selectAll('m')
    .select('u.name as sender_name')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.conversation_id', '=', conversationId);
  if (before) q = q.where(sql<boolean>`(m.sent_at, m.id) ${sql.raw(inclusive ? '<=' : '<')} (${before.at}, ${before.id})`);
  return (await q.orderBy('m.sent_at', 'desc').orderBy('m.id', 'desc').limit(limit).execute()) as MessagePageRow[];
}

/** Messages strictly newer than `after`, oldest first. */
export async function messagesAfter(
  db: DbOrTx,
  workspaceId: string,
  conversationId: string,
  after: Position,
  limit: number,
): Promise<MessagePageRow[]> {
  return (await db
    .selectFrom('messages as m')
    .leftJoin('users as u', 'u.id', 'm.sender_user_id')
    .selectAll('m')
    .select('u.name as sender_name')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.conversation_id', '=', conversationId)
    .where(sql<boolean>`(m.sent_at, m.id) > (${after.at}, ${after.id})`)
    .orderBy('m.sent_at', 'asc')
    .orderBy('m.id', 'asc')
    .limit(limit)
    .execute()) as MessagePageRow[];
}

export async function mediaByIds(db: DbOrTx, workspaceId: string, ids: readonly string[]): Promise<Map<string, MediaRow>> {
  const out = new Map<string, MediaRow>();
  for (const part of chunks([...new Set(ids)])) {
    if (part.length === 0) continue;
    const rows = await db.selectFrom('media').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/**
 * A failed outbound message goes back to the queue as the same row (compare-and-set
 * on `failed`), keeping its place in the history.
 */
export async function requeueFailedMessage(db: DbOrTx, workspaceId: string, messageId: string): Promise<boolean> {
  const r = await db
    .updateTable('messages')
    .set({ status: 'queued', error: null, next_attempt_at: null, claimed_by: null, claim_expires_at: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', messageId)
    .where('direction', '=', 'out')
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ---------------------------------------------------------------------------
// Full-text search
// ---------------------------------------------------------------------------

export interface SearchHit {
  conversationId: string;
  /** Null when the contact (name or phone) matched rather than a message. */
  messageId: string | null;
  snippet: SnippetPartT[];
}

/** A hit before highlighting: which search document matched (null for a phone matched by digits). */
export interface SearchMatch {
  conversationId: string;
  messageId: string | null;
  docId: number | null;
  /** SQLite: the marked highlight, computed with the match; PostgreSQL highlights later. */
  marked: string | null;
}

const HIT_START = '\uE000';
const HIT_END = '\uE001';
const MAX_TERMS = 8;

/**
 * A person's query as plain words: letters, digits and marks only, so nothing
 * they type (`"`, `*`, `OR`, `NEAR(`, `:`, `&`, `!`) is ever read as query syntax.
 */
export function searchTerms(query: string): string[] {
  const words =
    query
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return [...new Set(words.map((w) => w.slice(0, 64)))].slice(0, MAX_TERMS);
}

/** "a\uE000b\uE001c" → [{a}, {b, hit}, {c}]; markers never reach the client. */
export function snippetParts(marked: string): SnippetPartT[] {
  const parts: SnippetPartT[] = [];
  let rest = marked;
  while (rest.length > 0) {
    const start = rest.indexOf(HIT_START);
    if (start < 0) {
      parts.push({ text: rest, hit: false });
      break;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start), hit: false });
    const end = rest.indexOf(HIT_END, start + 1);
    const hit = rest.slice(start + 1, end < 0 ? undefined : end);
    if (hit) parts.push({ text: hit, hit: true });
    rest = end < 0 ? '' : rest.slice(end + 1);
  }
  return parts.map((p) => ({ ...p, text: p.text.replaceAll(HIT_START, '').replaceAll(HIT_END, '') })).filter((p) => p.text !== '');
}

interface RawHit {
  id: number | string | null;
  conversation_id: string | null;
  message_id: string | null;
  contact_id: string | null;
  /** SQLite only: the highlight, computed with the match. */
  snip?: string | null;
}

const HEADLINE_OPTIONS = `StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=18, MinWords=6, ShortWord=2, MaxFragments=1`;

/** Documents a newest-first walk reads before it is cheaper to ask the full-text index. */
const RECENT_WINDOW = 4_000;
const ORDERED_SCAN_MAX = 50_000;

/**
 * The newest `wanted` documents of a workspace matching `tsquery`, newest first, on
 * PostgreSQL. Neither plan the planner chooses between is good for every word: walking
 * the workspace's documents newest first and testing each stops early for a common word
 * but reads the whole index for a rare one (seconds on a million messages), while the GIN
 * index finds a rare word at once but must fetch and sort every row of a common one. The
 * planner cannot tell the two apart (a prefix query is always estimated at a few percent),
 * so the choice is made here from what the walk sees: the newest RECENT_WINDOW documents
 * are tested first (`ts_match_vq` rather than `@@`, so the GIN index is not used); a word
 * that is frequent there is walked further while the walk stays short; otherwise the GIN
 * index answers for the older documents (`id + 0` in the order, so no index order is
 * used). The result is exactly the newest matches, whichever way they were found.
 *
 * `conversations` stops the search as soon as the matches found cover that many
 * conversations (a contact counts as one): a page of search results needs that many,
 * and a common word would otherwise be walked through tens of thousands of documents
 * for matches that fall in conversations already found.
 */
export async function newestMatchesPostgres(
  db: DbOrTx,
  workspaceId: string,
  tsquery: string,
  kind: 'message' | 'contact',
  wanted: number,
  conversations = wanted,
): Promise<RawHit[]> {
  // Each kind of document has its own partial indexes (0017_search_doc_kinds), so a block of
  // one kind (a contact import) never sits in the way of the other's newest-first walk.
  const ofKind = sql`${sql.ref(kind === 'message' ? 'message_id' : 'contact_id')} is not null`;
  // The window's edge must be found on the kind's own index, newest first. Written as an
  // equality, the workspace drops out of the order and the primary key offers the same
  // order: the planner took it and filtered, reading the whole block of contacts an import
  // had just appended before the first message. As a range the workspace stays part of the
  // order, which only the `(workspace_id, id)` indexes give, the partial one being smallest.
  // (Only here: with a range first column a lower bound on `id` would not stop the scan.)
  const edgeWalk = sql`workspace_id >= ${workspaceId} and workspace_id <= ${workspaceId} and ${ofKind}`;
  const found: RawHit[] = [];
  const covered = new Set<string>();
  let before: number | null = null;
  let window = RECENT_WINDOW;
  for (;;) {
    const need = wanted - found.length;
    const olderThan: RawBuilder<unknown> = before === null ? sql`` : sql`and id < ${before}`;
    // The id `window` documents back (an index-only walk), or null when fewer remain.
    const edgeRow: QueryResult<{ id: number | string }> = await sql<{ id: number | string }>`
      select id from search_docs where ${edgeWalk} ${olderThan}
      order by workspace_id desc, id desc offset ${window - 1} limit 1`.execute(db);
    const edge: number | null = edgeRow.rows[0] ? Number(edgeRow.rows[0].id) : null;
    const rows = (
      await sql<RawHit>`
        select id, conversation_id, message_id, contact_id from search_docs
        where workspace_id = ${workspaceId} and ${ofKind} ${olderThan} ${edge === null ? sql`` : sql`and id >= ${edge}`}
          and ts_match_vq(tsv, to_tsquery('simple', ${tsquery}))
        order by id desc limit ${need}`.execute(db)
    ).rows;
    found.push(...rows);
    const coveredBefore = covered.size;
    for (const r of rows) covered.add(r.conversation_id ?? `contact:${r.contact_id}`);
    if (found.length >= wanted || covered.size >= conversations || edge === null) return found;
    before = edge;
    // At the density seen, how far must the walk go for the rest (documents, or conversations)?
    const newlyCovered = covered.size - coveredBefore;
    const rest = Math.min(
      rows.length === 0 ? Infinity : ((wanted - found.length) * window) / rows.length,
      newlyCovered === 0 ? Infinity : ((conversations - covered.size) * window) / newlyCovered,
    );
    if (rest <= ORDERED_SCAN_MAX) {
      window = Math.ceil(rest * 1.2);
      continue;
    }
    const older = await sql<RawHit>`
      select id, conversation_id, message_id, contact_id from search_docs
      where workspace_id = ${workspaceId} and ${ofKind} and id < ${before} and tsv @@ to_tsquery('simple', ${tsquery})
      order by id + 0 desc limit ${wanted - found.length}`.execute(db);
    return [...found, ...older.rows];
  }
}

/** Two lists of documents, each newest first, as one list newest first. */
function newestFirst(a: readonly RawHit[], b: readonly RawHit[]): RawHit[] {
  return [...a, ...b].sort((x, y) => Number(y.id) - Number(x.id));
}

/** The words of `query` as a PostgreSQL tsquery (the last one as a prefix), or null when it has none. */
function searchPlan(query: string) {
  const terms = searchTerms(query);
  if (terms.length === 0) return null;
  // The last word matches as a prefix (typing), once it has three characters: a one-letter
  // prefix would expand to a large part of the vocabulary.
  const prefixed = (i: number) => i === terms.length - 1 && Array.from(terms[i]!).length >= 3;
  const tsquery = terms.map((t, i) => (prefixed(i) ? `${t}:*` : t)).join(' & ');
  const phrase = (t: string, prefix: boolean) => `body : "${t.replaceAll('"', '""')}"${prefix ? '*' : ''}`;
  // The workspace is checked on search_docs: walking the workspace's own (very long) token list
  // newest first inside FTS5 cost seconds for common words on a million messages.
  const match = terms.map((t, i) => phrase(t, prefixed(i))).join(' AND ');
  return { tsquery, match };
}

/**
 * Messages (text, captions, document names) and contacts (names, phone) of one
 * workspace matching every word of `query` (the last as a prefix, for typing),
 * newest first, at most one hit per conversation and `limit` conversations. One
 * function hides FTS5 and PostgreSQL full-text search. Highlights come from
 * `highlightMatches`, for the hits a page shows.
 */
export async function searchMessages(db: DbOrTx, workspaceId: string, query: string, limit: number): Promise<SearchMatch[]> {
  const plan = searchPlan(query);
  if (!plan) return [];
  const pg = postgres(db);
  const candidates = pg ? Math.min(2000, limit * 5) : Math.min(500, limit + 100);

  let raw: RawHit[] = pg
    ? // The two kinds side by side, each on a connection of its own.
      newestFirst(
        ...(await Promise.all([
          newestMatchesPostgres(db, workspaceId, plan.tsquery, 'message', candidates, limit),
          newestMatchesPostgres(db, workspaceId, plan.tsquery, 'contact', candidates, limit),
        ])),
      ).slice(0, candidates)
    : // SQLite highlights in this query: FTS5 would evaluate the whole match again for a
      // second query restricted to a few rowids (hundreds of ms for a prefix or two words).
      (
        await sql<RawHit>`
          select d.id, d.conversation_id, d.message_id, d.contact_id,
            snippet(search_fts, 1, ${HIT_START}, ${HIT_END}, '…', 14) as snip
          from search_fts join search_docs d on d.id = search_fts.rowid
          where search_fts match ${plan.match} and d.workspace_id = ${workspaceId}
          order by search_fts.rowid desc limit ${candidates}`.execute(db)
      ).rows;

  // A phone typed in part ("7700 900") matches inside the stored digits too.
  const digits = query.replace(/[\s()+.-]/g, '');
  if (/^\d{4,20}$/.test(digits)) {
    const byPhone = await db
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('phone', 'like', `%${digits}%`)
      .limit(limit)
      .execute();
    const known = new Set(raw.map((r) => r.contact_id));
    for (const c of byPhone) if (!known.has(c.id)) raw = [...raw, { id: null, conversation_id: null, message_id: null, contact_id: c.id }];
  }

  const contactIds = raw.filter((r) => r.contact_id).map((r) => r.contact_id!);
  const conversationsOf = new Map<string, string[]>();
  for (const part of chunks([...new Set(contactIds)])) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('conversations')
      .select(['id', 'contact_id'])
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', 'in', part)
      .execute();
    for (const r of rows) conversationsOf.set(r.contact_id, [...(conversationsOf.get(r.contact_id) ?? []), r.id]);
  }

  // The newest hit of each conversation, up to `limit` conversations.
  const picked: SearchMatch[] = [];
  const seen = new Set<string>();
  const take = (conversationId: string, messageId: string | null, r: RawHit) => {
    if (seen.has(conversationId) || picked.length >= limit) return;
    seen.add(conversationId);
    picked.push({ conversationId, messageId, docId: r.id === null ? null : Number(r.id), marked: r.snip ?? null });
  };
  for (const r of raw) {
    if (r.message_id && r.conversation_id) take(r.conversation_id, r.message_id, r);
    else if (r.contact_id) for (const id of conversationsOf.get(r.contact_id) ?? []) take(id, null, r);
  }
  return picked;
}

/**
 * The highlighted snippet of each match, as `[{text, hit}]` parts. PostgreSQL's
 * `ts_headline` re-reads and re-parses each document, so it runs only for the
 * matches a page shows, not for every candidate behind it.
 */
export async function highlightMatches(
  db: DbOrTx,
  workspaceId: string,
  query: string,
  matches: readonly SearchMatch[],
): Promise<SearchHit[]> {
  const plan = searchPlan(query);
  const headlines = new Map<number, string>();
  const docIds = [...new Set(matches.filter((m) => m.marked === null && m.docId !== null).map((m) => m.docId!))];
  for (const part of plan && postgres(db) ? chunks(docIds) : []) {
    if (part.length === 0) continue;
    const rows = await sql<{ id: number; snip: string }>`
      select id, ts_headline('simple', body, to_tsquery('simple', ${plan!.tsquery}), ${HEADLINE_OPTIONS}) as snip
      from search_docs where workspace_id = ${workspaceId} and id in (${sql.join(part)})`.execute(db);
    for (const r of rows.rows) headlines.set(Number(r.id), r.snip);
  }
  return matches.map((m) => ({
    conversationId: m.conversationId,
    messageId: m.messageId,
    snippet: snippetParts(m.marked ?? (m.docId === null ? '' : (headlines.get(m.docId) ?? ''))),
  }));
}
