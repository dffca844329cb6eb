import { sql, type Kysely } from 'kysely';
import { insertMany } from '../../db/bulk.js';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import { padded, shapedChunks } from '../../db/statement-shapes.js';
import type { ContactFieldsTable, ContactsTable, OptEventsTable, OptOutSettingsTable } from '../../db/tables.js';
import { chunks } from '../../lib/chunks.js';
import { newId } from '../../lib/ids.js';

export type ContactRow = ContactsTable;

/**
 * A customer known only by LID is kept under this placeholder phone until a
 * LID→phone mapping arrives; `mergeLidContact` then folds it into the phone contact.
 */
export const LID_PREFIX = 'lid:';
export const lidPlaceholder = (lid: string) => `${LID_PREFIX}${lid}`;
export const isLidPlaceholder = (phone: string) => phone.startsWith(LID_PREFIX);

export async function findContact(db: DbOrTx, workspaceId: string, contactId: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', contactId).executeTakeFirst();
}

export async function findContactsByPhones(db: DbOrTx, workspaceId: string, phones: readonly string[]): Promise<ContactRow[]> {
  return findContactsByKeys(db, workspaceId, 'phone', phones);
}

export async function findContactsByLids(db: DbOrTx, workspaceId: string, lids: readonly string[]): Promise<ContactRow[]> {
  return findContactsByKeys(db, workspaceId, 'lid', lids);
}

async function findContactsByKeys(
  db: DbOrTx,
  workspaceId: string,
  column: 'phone' | 'lid',
  keys: readonly string[],
): Promise<ContactRow[]> {
  const out: ContactRow[] = [];
  for (const part of chunks([...new Set(keys)])) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('contacts')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where(column, 'in', padded(db, part))
        .execute()),
    );
  }
  return out;
}

export interface NewContact {
  phone: string;
  lid?: string | null;
  pushName?: string | null;
  seenAt?: number | null;
}

/**
 * Inserts the contacts that do not exist yet (a concurrent insert of the same
 * phone wins quietly) and returns every requested contact, old and new, by phone.
 */
export async function ensureContacts(
  db: DbOrTx,
  workspaceId: string,
  wanted: readonly NewContact[],
  now: number,
  /** Most are expected not to exist: insert straight away and read only the ones that did (one query fewer). */
  options: { likelyNew?: boolean } = {},
): Promise<{ byPhone: Map<string, ContactRow>; created: string[] }> {
  const byPhone = new Map<string, ContactRow>();
  if (!options.likelyNew)
    for (const row of await findContactsByPhones(
      db,
      workspaceId,
      wanted.map((w) => w.phone),
    ))
      byPhone.set(row.phone, row);
  const missing = new Map<string, NewContact>();
  for (const w of wanted) if (!byPhone.has(w.phone) && !missing.has(w.phone)) missing.set(w.phone, w);
  const created: string[] = [];
  if (missing.size > 0) {
    const rows: ContactRow[] = [...missing.values()].map((w) => ({
      id: newId(now),
      workspace_id: workspaceId,
      phone: w.phone,
      lid: w.lid ?? null,
      name: null,
      push_name: w.pushName ?? null,
      saved_name: null,
      notes: null,
      custom_fields: '{}',
      opted_out: 0,
      opted_out_at: null,
      first_seen_at: w.seenAt ?? null,
      last_seen_at: w.seenAt ?? null,
      created_at: now,
      updated_at: now,
    }));
    for (const part of shapedChunks(db, rows, 200)) {
      const inserted = await db
        .insertInto('contacts')
        .values(part)
        .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
        .returning('id')
        .execute();
      created.push(...inserted.map((r) => r.id));
    }
    // The rows written are the rows as stored; only those that existed already are read back.
    const ours = new Set(created);
    for (const row of rows) if (ours.has(row.id)) byPhone.set(row.phone, row);
    const raced = [...missing.keys()].filter((phone) => !byPhone.has(phone));
    if (raced.length > 0) for (const row of await findContactsByPhones(db, workspaceId, raced)) byPhone.set(row.phone, row);
  }
  return { byPhone, created };
}

/** WhatsApp's names for a contact. `name` (typed by an agent) is never touched here. */
export async function updateContactProfile(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
  patch: Partial<Pick<ContactRow, 'push_name' | 'saved_name' | 'lid' | 'last_seen_at' | 'first_seen_at'>>,
  now: number,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ ...patch, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', contactId)
    .execute();
}

/**
 * Folds the LID-only placeholder contact `from` into the phone contact `into`:
 * conversations move over; where `into` already has a conversation on the same
 * number, the messages move into it and the placeholder conversation goes.
 * Returns the ids of the conversations that survive and changed.
 */
export async function mergeContactInto(
  db: DbOrTx,
  workspaceId: string,
  from: ContactRow,
  into: ContactRow,
  now: number,
): Promise<{ conversationIds: string[] }> {
  const fromConvs = await db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', from.id)
    .execute();
  const intoConvs = await db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', into.id)
    .execute();
  const touched: string[] = [];
  for (const conv of fromConvs) {
    const target = intoConvs.find((c) => c.number_id === conv.number_id);
    if (!target) {
      await db.updateTable('conversations').set({ contact_id: into.id, updated_at: now }).where('id', '=', conv.id).execute();
      touched.push(conv.id);
      continue;
    }
    await db
      .updateTable('messages')
      .set({ conversation_id: target.id })
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', '=', conv.id)
      .execute();
    const newer = (conv.last_message_at ?? -1) > (target.last_message_at ?? -1);
    const waiting = [conv.waiting_since, target.waiting_since].filter((w): w is number => w !== null);
    await db
      .updateTable('conversations')
      .set({
        unread_count: target.unread_count + conv.unread_count,
        waiting_since: waiting.length > 0 ? Math.min(...waiting) : null,
        ...(newer
          ? {
              last_message_at: conv.last_message_at,
              last_message_preview: conv.last_message_preview,
              last_message_direction: conv.last_message_direction,
            }
          : {}),
        ...(conv.unread_count > 0 && target.status !== 'open' ? { status: 'open' as const } : {}),
        assignee_user_id: target.assignee_user_id ?? conv.assignee_user_id,
        updated_at: now,
      })
      .where('id', '=', target.id)
      .execute();
    await db.deleteFrom('conversations').where('id', '=', conv.id).execute();
    touched.push(target.id);
  }
  await db
    .updateTable('contacts')
    .set({
      lid: into.lid ?? from.lid,
      push_name: into.push_name ?? from.push_name,
      saved_name: into.saved_name ?? from.saved_name,
      name: into.name ?? from.name,
      notes: into.notes ?? from.notes,
      first_seen_at: minOrNull(into.first_seen_at, from.first_seen_at),
      last_seen_at: maxOrNull(into.last_seen_at, from.last_seen_at),
      updated_at: now,
    })
    .where('id', '=', into.id)
    .execute();
  await db.deleteFrom('contacts').where('id', '=', from.id).execute();
  return { conversationIds: touched };
}

function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

// ---------------------------------------------------------------------------
// Contact management (contacts page, API, import): list, labels, fields, opt-out.
// ---------------------------------------------------------------------------

export type ContactFieldRow = ContactFieldsTable;
export type OptEventRow = OptEventsTable;
export type OptOutSettingsRow = OptOutSettingsTable;
export interface LabelRef {
  id: string;
  name: string;
  color: string;
}

const postgres = (db: DbOrTx) => isPostgres(db as unknown as Kysely<unknown>);

/** The sort key of each order; identical to the expressions of the indexes in 0004_contacts. */
const NAME_KEY = sql<string>`lower(coalesce(name, saved_name, push_name, phone))`;
const SEEN_KEY = sql<number>`coalesce(last_seen_at, 0)`;

export interface ContactFilter {
  /** Words matched against names and phone (full-text index), the last one as a prefix. */
  terms?: string[];
  /** Phones starting with any of these digits (E.164 digits, so an index range). */
  phonePrefixes?: string[];
  /** Search already resolved to these contact ids (see `searchContactIds`). */
  ids?: string[];
  labelId?: string | undefined;
  optedOut?: boolean | undefined;
  fieldKey?: string | undefined;
  fieldValue?: string | undefined;
}

export type ContactSort = 'name' | 'recent' | 'created';
export type ContactCursor = [string | number, string];

function fieldExpr(db: DbOrTx, key: string) {
  return postgres(db)
    ? sql<string>`(custom_fields::jsonb ->> ${key})`
    : sql<string>`cast(json_extract(custom_fields, ${'$."' + key + '"'}) as text)`;
}

/** Contacts of one workspace matching `filter`, one page in `sort` order after `after`. */
export function contactQuery(db: DbOrTx, workspaceId: string, filter: ContactFilter) {
  let q = db.selectFrom('contacts').where('workspace_id', '=', workspaceId);
  if (filter.optedOut !== undefined) q = q.where('opted_out', '=', filter.optedOut ? 1 : 0);
  if (filter.labelId) {
    const labelId = filter.labelId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('contact_labels as cl')
          .select('cl.contact_id')
          .whereRef('cl.contact_id', '=', 'contacts.id')
          .where('cl.label_id', '=', labelId)
          .where('cl.workspace_id', '=', workspaceId),
      ),
    );
  }
  if (filter.fieldKey) {
    const expr = fieldExpr(db, filter.fieldKey);
    q = filter.fieldValue !== undefined && filter.fieldValue !== '' ? q.where(expr, '=', filter.fieldValue) : q.where(expr, 'is not', null);
  }
  if (filter.ids) {
    const ids = filter.ids;
    q = ids.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('id', 'in', ids);
  } else if (filter.terms?.length || filter.phonePrefixes?.length) {
    // Phone ranges stay plain predicates on the contact row (not an id subquery), so a broad
    // prefix can walk the sort order's index and stop at a page instead of sorting every match.
    const terms = filter.terms?.length ? searchSubquery(db, workspaceId, { terms: filter.terms }) : null;
    const prefixes = filter.phonePrefixes ?? [];
    q = q.where((eb) =>
      eb.or([
        ...(terms ? [eb('id', 'in', terms)] : []),
        ...prefixes.map((prefix) => eb.and([eb('phone', '>=', prefix), eb('phone', '<', phoneRangeEnd(prefix))])),
      ]),
    );
  }
  return q;
}

/** ':' sorts right after '9': [prefix, prefix + ':') is every string starting with the digits. */
const phoneRangeEnd = (prefix: string) => prefix + ':';

/**
 * The search entries of the contacts whose names or phone (full-text index) hold every term,
 * the last one as a prefix: `contact_id` and the contact's name `sort_key`.
 */
function termDocs(db: DbOrTx, workspaceId: string, terms: readonly string[]) {
  if (postgres(db)) {
    const tsquery = terms.map((t, i) => (i === terms.length - 1 ? `${t}:*` : t)).join(' & ');
    return sql<{
      contact_id: string;
      sort_key: string;
    }>`select d.contact_id, d.sort_key from search_docs d where d.workspace_id = ${workspaceId} and d.contact_id is not null and d.tsv @@ to_tsquery('simple', ${tsquery})`;
  }
  const phrase = (t: string, prefix: boolean) => `body : "${t.replaceAll('"', '""')}"${prefix ? '*' : ''}`;
  const match = [`workspace_id : "${workspaceId.replaceAll('"', '""')}"`, ...terms.map((t, i) => phrase(t, i === terms.length - 1))].join(
    ' AND ',
  );
  return sql<{
    contact_id: string;
    sort_key: string;
  }>`select d.contact_id, d.sort_key from search_fts join search_docs d on d.id = search_fts.rowid where search_fts match ${match} and d.contact_id is not null`;
}

/** Ids of the contacts whose names (full-text index) or phone (index range) match the search. */
function searchSubquery(db: DbOrTx, workspaceId: string, filter: ContactFilter) {
  const parts = [];
  const terms = filter.terms ?? [];
  if (terms.length > 0) parts.push(sql<{ id: string }>`select m.contact_id as id from (${termDocs(db, workspaceId, terms)}) m`);
  for (const prefix of filter.phonePrefixes ?? []) {
    parts.push(
      sql<{
        id: string;
      }>`select id from contacts where workspace_id = ${workspaceId} and phone >= ${prefix} and phone < ${phoneRangeEnd(prefix)}`,
    );
  }
  return sql<string>`(${sql.join(parts, sql` union `)})`;
}

/**
 * True when the page comes straight from the search entries: a name search sorted by name with
 * no other filter. The entries carry the name sort key, so the page is the top of the matches,
 * however many there are and wherever they sort (a walk of the name index testing each contact
 * reads most of the list when the matches cluster, as the contacts named "Tim" do).
 */
export function pagesFromSearchEntries(filter: ContactFilter, sort: ContactSort): boolean {
  return (
    sort === 'name' &&
    !!filter.terms?.length &&
    !filter.phonePrefixes?.length &&
    filter.ids === undefined &&
    !filter.labelId &&
    filter.optedOut === undefined &&
    !filter.fieldKey
  );
}

async function listSearchEntries(
  db: DbOrTx,
  workspaceId: string,
  terms: readonly string[],
  after: ContactCursor | null,
  limit: number,
): Promise<Array<ContactRow & { sort_key: string | number }>> {
  const cursor = after ? sql`where (m.sort_key, m.contact_id) > (${String(after[0])}, ${after[1]})` : sql``;
  // The limit applies to the entries before the join: each entry is exactly one contact of the workspace.
  // It is written into the statement: with a bound limit SQLite sorts every match instead of keeping the top few.
  const top = sql.lit(Math.max(1, Math.trunc(limit)));
  const rows = await sql<ContactRow & { sort_key: string }>`
    select c.*, p.sort_key from (
      select m.contact_id, m.sort_key from (${termDocs(db, workspaceId, terms)}) m ${cursor}
      order by m.sort_key, m.contact_id limit ${top}
    ) p join contacts c on c.id = p.contact_id
    where c.workspace_id = ${workspaceId}
    order by p.sort_key, p.contact_id`.execute(db);
  return rows.rows;
}

/** Up to `limit` ids matching the search; more than `limit - 1` means "many" (the caller then filters in the list query itself). */
export async function searchContactIds(db: DbOrTx, workspaceId: string, filter: ContactFilter, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`select id from ${searchSubquery(db, workspaceId, filter)} s limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}

export async function listContacts(
  db: DbOrTx,
  workspaceId: string,
  filter: ContactFilter,
  sort: ContactSort,
  after: ContactCursor | null,
  limit: number,
): Promise<Array<ContactRow & { sort_key: string | number }>> {
  if (pagesFromSearchEntries(filter, sort)) return listSearchEntries(db, workspaceId, filter.terms!, after, limit);
  let q = contactQuery(db, workspaceId, filter).selectAll();
  if (sort === 'name') {
    q = q.select(NAME_KEY.as('sort_key'));
    if (after) q = q.where(sql<boolean>`(${NAME_KEY}, id) > (${String(after[0])}, ${after[1]})`);
    q = q.orderBy(NAME_KEY).orderBy('id');
  } else if (sort === 'recent') {
    q = q.select(SEEN_KEY.as('sort_key'));
    if (after) q = q.where(sql<boolean>`(${SEEN_KEY}, id) < (${Number(after[0])}, ${after[1]})`);
    q = q.orderBy(SEEN_KEY, 'desc').orderBy('id', 'desc');
  } else {
    q = q.select('id as sort_key');
    if (after) q = q.where('id', '<', after[1]);
    q = q.orderBy('id', 'desc');
  }
  return (await q.limit(limit).execute()) as Array<ContactRow & { sort_key: string | number }>;
}

export async function insertContact(db: DbOrTx, row: ContactRow): Promise<boolean> {
  const inserted = await db
    .insertInto('contacts')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateContact(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
  patch: Partial<Pick<ContactRow, 'name' | 'notes' | 'custom_fields' | 'opted_out' | 'opted_out_at' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('contacts').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', contactId).execute();
}

export async function deleteContactRow(db: DbOrTx, workspaceId: string, contactId: string): Promise<boolean> {
  const r = await db.deleteFrom('contacts').where('workspace_id', '=', workspaceId).where('id', '=', contactId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// Labels -------------------------------------------------------------------

export async function findLabelsByIds(db: DbOrTx, workspaceId: string, ids: readonly string[]): Promise<LabelRef[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('labels')
    .select(['id', 'name', 'color'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

export async function findLabelsByNames(db: DbOrTx, workspaceId: string, names: readonly string[]): Promise<LabelRef[]> {
  const out: LabelRef[] = [];
  for (const part of chunks([...new Set(names.map((n) => n.toLowerCase()))])) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('labels')
        .select(['id', 'name', 'color'])
        .where('workspace_id', '=', workspaceId)
        .where(sql<string>`lower(name)`, 'in', part)
        .execute()),
    );
  }
  return out;
}

export async function insertLabelRows(
  db: DbOrTx,
  rows: Array<{ id: string; workspace_id: string; name: string; color: string; created_at: number }>,
) {
  for (const part of chunks(rows, 200)) {
    if (part.length > 0) {
      await db
        .insertInto('labels')
        .values(part)
        .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
        .execute();
    }
  }
}

export async function labelsOfContacts(db: DbOrTx, workspaceId: string, contactIds: readonly string[]): Promise<Map<string, LabelRef[]>> {
  const out = new Map<string, LabelRef[]>();
  for (const part of chunks([...new Set(contactIds)])) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('contact_labels as cl')
      .innerJoin('labels as l', 'l.id', 'cl.label_id')
      .select(['cl.contact_id', 'l.id', 'l.name', 'l.color'])
      .where('cl.workspace_id', '=', workspaceId)
      .where('cl.contact_id', 'in', part)
      .orderBy('l.name')
      .execute();
    for (const r of rows) {
      const list = out.get(r.contact_id) ?? [];
      list.push({ id: r.id, name: r.name, color: r.color });
      out.set(r.contact_id, list);
    }
  }
  return out;
}

export async function addContactLabels(db: DbOrTx, workspaceId: string, pairs: ReadonlyArray<{ contactId: string; labelId: string }>) {
  const rows = pairs.map((p) => ({ contact_id: p.contactId, label_id: p.labelId, workspace_id: workspaceId }));
  await insertMany(db, 'contact_labels', rows, { ignoreConflicts: ['contact_id', 'label_id'] });
}

export async function replaceContactLabels(db: DbOrTx, workspaceId: string, contactId: string, labelIds: readonly string[]) {
  await db.deleteFrom('contact_labels').where('workspace_id', '=', workspaceId).where('contact_id', '=', contactId).execute();
  await addContactLabels(
    db,
    workspaceId,
    labelIds.map((labelId) => ({ contactId, labelId })),
  );
}

// Conversations of a contact -------------------------------------------------

export async function conversationsOfContact(db: DbOrTx, workspaceId: string, contactId: string) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('numbers as n', 'n.id', 'c.number_id')
    .select(['c.id', 'c.number_id', 'n.name as number_name', 'c.status', 'c.last_message_at', 'c.last_message_preview'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.contact_id', '=', contactId)
    .orderBy('c.last_message_at', 'desc')
    .execute();
}

// Custom fields --------------------------------------------------------------

export async function listContactFields(db: DbOrTx, workspaceId: string): Promise<ContactFieldRow[]> {
  return db.selectFrom('contact_fields').selectAll().where('workspace_id', '=', workspaceId).orderBy('position').orderBy('id').execute();
}

export async function findContactField(db: DbOrTx, workspaceId: string, fieldId: string): Promise<ContactFieldRow | undefined> {
  return db.selectFrom('contact_fields').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', fieldId).executeTakeFirst();
}

export async function insertContactField(db: DbOrTx, row: ContactFieldRow): Promise<boolean> {
  const r = await db
    .insertInto('contact_fields')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function updateContactField(
  db: DbOrTx,
  workspaceId: string,
  fieldId: string,
  patch: Partial<Pick<ContactFieldRow, 'label' | 'options' | 'position' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('contact_fields').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', fieldId).execute();
}

export async function deleteContactField(db: DbOrTx, workspaceId: string, fieldId: string): Promise<void> {
  await db.deleteFrom('contact_fields').where('workspace_id', '=', workspaceId).where('id', '=', fieldId).execute();
}

/** Contacts that may hold a value for `key` (a cheap text pre-filter; the caller checks the JSON). */
export async function contactsWithFieldText(db: DbOrTx, workspaceId: string, key: string, afterId: string, limit: number) {
  return db
    .selectFrom('contacts')
    .select(['id', 'custom_fields'])
    .where('workspace_id', '=', workspaceId)
    .where('custom_fields', 'like', `%"${key}"%`)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

// Opt-out --------------------------------------------------------------------

export async function insertOptEvent(db: DbOrTx, row: OptEventRow): Promise<void> {
  await db.insertInto('opt_events').values(row).execute();
}

export async function listOptEvents(db: DbOrTx, workspaceId: string, contactId: string, limit = 200) {
  return db
    .selectFrom('opt_events as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.id', 'e.opted_out', 'e.source', 'e.user_id', 'u.name as user_name', 'e.message_id', 'e.created_at'])
    .where('e.workspace_id', '=', workspaceId)
    .where('e.contact_id', '=', contactId)
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
}

export async function findOptOutSettings(db: DbOrTx, workspaceId: string): Promise<OptOutSettingsRow | undefined> {
  return db.selectFrom('opt_out_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
}

export async function saveOptOutSettings(db: DbOrTx, row: OptOutSettingsRow): Promise<void> {
  const { workspace_id: _ws, ...rest } = row;
  await db
    .insertInto('opt_out_settings')
    .values(row)
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(rest))
    .execute();
}
