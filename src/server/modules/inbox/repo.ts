import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import { padded, shapedChunks } from '../../db/statement-shapes.js';
import type { ConversationsTable, MediaTable, MessageReactionsTable, MessagesTable } from '../../db/tables.js';
import { chunks } from '../../lib/chunks.js';
import { newId } from '../../lib/ids.js';

export type ConversationRow = ConversationsTable;
export type MessageRow = MessagesTable;
export type MediaRow = MediaTable;
export type ReactionRow = MessageReactionsTable;

/**
 * A new outbound message waiting in the send queue. Every path that sends
 * (agent replies, the sending API, automatic opt-out confirmations, campaigns)
 * builds its row here, so queue bookkeeping starts the same way everywhere.
 */
export function queuedOutboundMessage(
  fields: Pick<MessageRow, 'id' | 'workspace_id' | 'conversation_id' | 'number_id' | 'sender_user_id' | 'kind' | 'text' | 'sent_at'> &
    Partial<Pick<MessageRow, 'media_id' | 'quoted_provider_id' | 'quoted_text' | 'payload'>>,
): MessageRow {
  return {
    provider_message_id: null,
    direction: 'out',
    media_id: null,
    quoted_provider_id: null,
    quoted_text: null,
    payload: '{}',
    status: 'queued',
    error: null,
    edited_at: null,
    revoked_at: null,
    created_at: fields.sent_at,
    attempts: 0,
    next_attempt_at: null,
    claimed_by: null,
    claim_expires_at: null,
    ...fields,
  };
}

/**
 * A typed value for a VALUES list. PostgreSQL needs the type spelled out; SQLite
 * must not get a cast, or its planner materialises the list instead of joining
 * on the primary key.
 */
function typed(db: DbOrTx, value: unknown, type: 'text' | 'integer' | 'bigint'): RawBuilder<unknown> {
  return isPostgres(db as unknown as Kysely<unknown>) ? sql`cast(${value} as ${sql.raw(type)})` : sql`${value}`;
}

/**
 * The workspace filter of lookups and updates by a list of ids. The ids are
 * what should drive the query (a unique or primary-key index per id); the
 * workspace is still checked on every row, but written so that no planner
 * walks the whole workspace through a workspace index instead. SQLite has no
 * statistics and prefers that walk for long lists (`+col` takes the column off
 * index selection); PostgreSQL does the same while its statistics lag a fast
 * growing table, and would then scan every row, dead ones included
 * (`col || ''` is not indexable).
 */
function workspaceColumn(db: DbOrTx, table?: 'contacts' | 'conversations'): RawBuilder<string> {
  const column = table ? sql.ref(`${table}.workspace_id`) : sql.ref('workspace_id');
  return isPostgres(db as unknown as Kysely<unknown>) ? sql<string>`(${column} || '')` : sql<string>`+${column}`;
}

/**
 * SQLite probes the primary key for each id only when the ids are also listed
 * (`id in …`). PostgreSQL without the list joins the values on the primary key
 * or, for a small table, hashes them; with the list it may loop over the
 * values once per row instead.
 */
function idList(db: DbOrTx, table: 'contacts' | 'conversations', ids: readonly string[]): RawBuilder<unknown> {
  return isPostgres(db as unknown as Kysely<unknown>) ? sql`true` : sql`${sql.ref(`${table}.id`)} in (${sql.join(ids)})`;
}

function workspaceFilter(db: DbOrTx, table: 'contacts' | 'conversations', workspaceId: string): RawBuilder<unknown> {
  return sql`${workspaceColumn(db, table)} = ${workspaceId}`;
}

// ---------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------

export async function findConversation(db: DbOrTx, workspaceId: string, conversationId: string): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', conversationId)
    .executeTakeFirst();
}

export async function findConversationsByContacts(
  db: DbOrTx,
  workspaceId: string,
  numberId: string,
  contactIds: readonly string[],
): Promise<ConversationRow[]> {
  const out: ConversationRow[] = [];
  for (const part of chunks([...new Set(contactIds)])) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('conversations')
        .selectAll()
        .where(workspaceColumn(db), '=', workspaceId)
        .where('number_id', '=', numberId)
        .where('contact_id', 'in', padded(db, part))
        .execute()),
    );
  }
  return out;
}

/** The conversation of each contact on this number, created when missing. Keyed by contact id. */
export async function ensureConversations(
  db: DbOrTx,
  workspaceId: string,
  numberId: string,
  contactIds: readonly string[],
  now: number,
  options: {
    /** Most are expected not to exist (new contacts): insert straight away and read only the ones that did. */
    likelyNew?: boolean;
    /** The message the caller is about to add: conversations created here start with it as their last (no update after). */
    last?: { at: number; preview: string; direction: 'in' | 'out' };
  } = {},
): Promise<{ byContact: Map<string, ConversationRow>; created: string[] }> {
  const byContact = new Map<string, ConversationRow>();
  if (!options.likelyNew)
    for (const row of await findConversationsByContacts(db, workspaceId, numberId, contactIds)) byContact.set(row.contact_id, row);
  const missing = [...new Set(contactIds)].filter((id) => !byContact.has(id));
  const created: string[] = [];
  if (missing.length > 0) {
    const rows: ConversationRow[] = missing.map((contactId) => ({
      id: newId(now),
      workspace_id: workspaceId,
      number_id: numberId,
      contact_id: contactId,
      status: 'open',
      assignee_user_id: null,
      unread_count: 0,
      last_message_at: options.last?.at ?? null,
      last_message_preview: options.last?.preview ?? null,
      last_message_direction: options.last?.direction ?? null,
      waiting_since: null,
      created_at: now,
      updated_at: now,
    }));
    for (const part of shapedChunks(db, rows, 300)) {
      const inserted = await db
        .insertInto('conversations')
        .values(part)
        .onConflict((oc) => oc.columns(['number_id', 'contact_id']).doNothing())
        .returning('id')
        .execute();
      created.push(...inserted.map((r) => r.id));
    }
    // The rows written are the rows as stored; only those that existed already are read back.
    const ours = new Set(created);
    for (const row of rows) if (ours.has(row.id)) byContact.set(row.contact_id, row);
    const raced = missing.filter((id) => !byContact.has(id));
    if (raced.length > 0)
      for (const row of await findConversationsByContacts(db, workspaceId, numberId, raced)) byContact.set(row.contact_id, row);
  }
  return { byContact, created };
}

/** How a batch of new messages moves a conversation's "waiting for an answer" clock. */
export type WaitingChange = { kind: 'keep' } | { kind: 'set'; value: number | null } | { kind: 'start'; value: number };

export interface ConversationActivity {
  conversationId: string;
  unreadIncrement: number;
  /** A new customer message reopens a pending or resolved conversation. */
  reopen: boolean;
  waiting: WaitingChange;
  /** The newest message of the batch; it replaces the stored one only if it is newer. */
  last: { at: number; preview: string; direction: 'in' | 'out' } | null;
}

/**
 * Applies new messages to a conversation with relative updates (counter + n,
 * newest-wins), so concurrent writers never lose each other's changes.
 */
export async function applyConversationActivity(db: DbOrTx, workspaceId: string, a: ConversationActivity, now: number): Promise<void> {
  const newer = a.last ? sql<boolean>`(last_message_at is null or last_message_at <= ${a.last.at})` : null;
  await db
    .updateTable('conversations')
    .set((eb) => ({
      ...(a.unreadIncrement > 0 ? { unread_count: eb('unread_count', '+', a.unreadIncrement) } : {}),
      ...(a.reopen ? { status: 'open' as const } : {}),
      ...(a.waiting.kind === 'set' ? { waiting_since: a.waiting.value } : {}),
      ...(a.waiting.kind === 'start' ? { waiting_since: eb.fn.coalesce('waiting_since', eb.val(a.waiting.value)) } : {}),
      ...(a.last && newer
        ? {
            last_message_at: sql<number>`case when ${newer} then ${a.last.at} else last_message_at end`,
            last_message_preview: sql<string>`case when ${newer} then ${a.last.preview} else last_message_preview end`,
            last_message_direction: sql<'in' | 'out'>`case when ${newer} then ${a.last.direction} else last_message_direction end`,
          }
        : {}),
      updated_at: now,
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', a.conversationId)
    .execute();
}

/**
 * `applyConversationActivity` for many conversations in one statement per 500
 * (UPDATE … FROM VALUES, valid on SQLite ≥ 3.33 and PostgreSQL). Every SET
 * expression reads the row as it was, so "newer than stored" is judged once.
 */
export async function applyConversationActivities(
  db: DbOrTx,
  workspaceId: string,
  list: readonly ConversationActivity[],
  now: number,
): Promise<void> {
  for (const list500 of chunks(list, 500)) {
    if (list500.length === 0) continue;
    // Padded with repeats of the last activity: identical VALUES rows update their conversation once.
    const part = padded(db, list500);
    const rows = part.map((a) => {
      const waitMode = a.waiting.kind === 'set' ? 1 : a.waiting.kind === 'start' ? 2 : 0;
      const waitValue = a.waiting.kind === 'keep' ? null : a.waiting.value;
      return sql`(${sql.join([
        typed(db, a.conversationId, 'text'),
        typed(db, a.unreadIncrement, 'integer'),
        typed(db, a.reopen ? 1 : 0, 'integer'),
        typed(db, waitMode, 'integer'),
        typed(db, waitValue, 'bigint'),
        typed(db, a.last?.at ?? null, 'bigint'),
        typed(db, a.last?.preview ?? null, 'text'),
        typed(db, a.last?.direction ?? null, 'text'),
      ])})`;
    });
    const newer = sql`(v.column6 is not null and (last_message_at is null or last_message_at <= v.column6))`;
    await sql`
      update conversations set
        unread_count = unread_count + v.column2,
        status = case when v.column3 = 1 then 'open' else status end,
        waiting_since = case v.column4 when 1 then v.column5 when 2 then coalesce(waiting_since, v.column5) else waiting_since end,
        last_message_at = case when ${newer} then v.column6 else last_message_at end,
        last_message_preview = case when ${newer} then v.column7 else last_message_preview end,
        last_message_direction = case when ${newer} then v.column8 else last_message_direction end,
        updated_at = ${now}
      from (values ${sql.join(rows)}) as v
      where conversations.id = v.column1 and ${idList(
        db,
        'conversations',
        part.map((a) => a.conversationId),
      )}
        and ${workspaceFilter(db, 'conversations', workspaceId)}
    `.execute(db);
  }
}

/** Replaces the preview when `sentAt` is still the conversation's newest message (after an edit or a delete). */
export async function replacePreviewIfLatest(
  db: DbOrTx,
  workspaceId: string,
  conversationId: string,
  sentAt: number,
  preview: string,
): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ last_message_preview: preview })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', conversationId)
    .where('last_message_at', '=', sentAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markConversationRead(
  db: DbOrTx,
  workspaceId: string,
  conversationIds: readonly string[],
  now: number,
): Promise<string[]> {
  const changed: string[] = [];
  for (const part of chunks([...new Set(conversationIds)])) {
    if (part.length === 0) continue;
    const rows = await db
      .updateTable('conversations')
      .set({ unread_count: 0, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', part)
      .where('unread_count', '>', 0)
      .returning('id')
      .execute();
    changed.push(...rows.map((r) => r.id));
  }
  return changed;
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

export async function findMessage(db: DbOrTx, workspaceId: string, messageId: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', messageId).executeTakeFirst();
}

export async function existingProviderIds(db: DbOrTx, workspaceId: string, numberId: string, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...new Set(ids)])) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('messages')
      .select('provider_message_id')
      .where(workspaceColumn(db), '=', workspaceId)
      .where('number_id', '=', numberId)
      .where('provider_message_id', 'in', padded(db, part))
      .execute();
    for (const r of rows) if (r.provider_message_id) out.add(r.provider_message_id);
  }
  return out;
}

export async function findMessagesByProviderIds(
  db: DbOrTx,
  workspaceId: string,
  numberId: string,
  ids: readonly string[],
): Promise<MessageRow[]> {
  const out: MessageRow[] = [];
  for (const part of chunks([...new Set(ids)])) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('messages')
        .selectAll()
        .where(workspaceColumn(db), '=', workspaceId)
        .where('number_id', '=', numberId)
        .where('provider_message_id', 'in', padded(db, part))
        .execute()),
    );
  }
  return out;
}

/** Inserts messages; one already stored under the same (number, provider id) is skipped. Returns the ids actually inserted. */
export async function insertMessages(db: DbOrTx, rows: readonly MessageRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of shapedChunks(db, rows, 400)) {
    const out = await db
      .insertInto('messages')
      .values(part)
      .onConflict((oc) => oc.columns(['number_id', 'provider_message_id']).doNothing())
      .returning('id')
      .execute();
    for (const r of out) inserted.add(r.id);
  }
  return inserted;
}

export async function insertMessage(db: DbOrTx, row: MessageRow): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}

export async function updateMessage(
  db: DbOrTx,
  workspaceId: string,
  messageId: string,
  patch: Partial<Omit<MessageRow, 'id' | 'workspace_id'>>,
): Promise<void> {
  await db.updateTable('messages').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', messageId).execute();
}

/** Moves a status only if nobody changed it since it was read (compare-and-set). */
export async function updateMessageStatus(
  db: DbOrTx,
  workspaceId: string,
  messageId: string,
  from: MessageRow['status'],
  to: MessageRow['status'],
  error: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({ status: to, error })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', messageId)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ---------------------------------------------------------------------------
// Media rows
// ---------------------------------------------------------------------------

export async function insertMediaRows(db: DbOrTx, rows: readonly MediaRow[]): Promise<void> {
  for (const part of shapedChunks(db, rows, 300)) {
    if (part.length > 0) await db.insertInto('media').values(part).execute();
  }
}

/** A media row of this workspace; another workspace's id finds nothing. */
export async function findMedia(db: DbOrTx, workspaceId: string, mediaId: string): Promise<MediaRow | undefined> {
  return db.selectFrom('media').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', mediaId).executeTakeFirst();
}

export async function deleteMediaRows(db: DbOrTx, workspaceId: string, ids: readonly string[]): Promise<void> {
  for (const part of chunks([...new Set(ids)])) {
    if (part.length > 0) await db.deleteFrom('media').where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
  }
}

// ---------------------------------------------------------------------------
// Reactions
// ---------------------------------------------------------------------------

export async function findReaction(db: DbOrTx, workspaceId: string, messageId: string, actor: ReactionRow['actor']) {
  return db
    .selectFrom('message_reactions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', messageId)
    .where('actor', '=', actor)
    .executeTakeFirst();
}

export async function upsertReaction(db: DbOrTx, row: ReactionRow): Promise<void> {
  await db
    .insertInto('message_reactions')
    .values(row)
    .onConflict((oc) => oc.columns(['message_id', 'actor']).doUpdateSet({ emoji: row.emoji, at: row.at }))
    .execute();
}

export async function deleteReaction(db: DbOrTx, workspaceId: string, messageId: string, actor: ReactionRow['actor']): Promise<boolean> {
  const result = await db
    .deleteFrom('message_reactions')
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', messageId)
    .where('actor', '=', actor)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listReactions(db: DbOrTx, workspaceId: string, messageIds: readonly string[]): Promise<ReactionRow[]> {
  const out: ReactionRow[] = [];
  for (const part of chunks([...new Set(messageIds)])) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('message_reactions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('message_id', 'in', part)
        .execute()),
    );
  }
  return out;
}
/**
 * Records that customers were heard from (and their current WhatsApp name) in one
 * statement per 500: last_seen only moves forward and first_seen is set once.
 * Names are written only for the rows whose name changed, since a name update
 * re-indexes the contact for search. The agent-given `name` is never touched.
 */
export async function touchContacts(
  db: DbOrTx,
  workspaceId: string,
  list: ReadonlyArray<{ contactId: string; pushName: string | null; seenAt: number | null }>,
  now: number,
): Promise<void> {
  const seen = list.filter((c) => c.seenAt !== null);
  for (const seen500 of chunks(seen, 500)) {
    if (seen500.length === 0) continue;
    // Padded with repeats of the last contact: identical VALUES rows update their contact once.
    const part = padded(db, seen500);
    const rows = part.map((c) => sql`(${sql.join([typed(db, c.contactId, 'text'), typed(db, c.seenAt, 'bigint')])})`);
    await sql`
      update contacts set
        last_seen_at = case when last_seen_at is null or last_seen_at < v.column2 then v.column2 else last_seen_at end,
        first_seen_at = coalesce(first_seen_at, v.column2),
        updated_at = ${now}
      from (values ${sql.join(rows)}) as v
      where contacts.id = v.column1 and ${idList(
        db,
        'contacts',
        part.map((c) => c.contactId),
      )}
        and ${workspaceFilter(db, 'contacts', workspaceId)}
    `.execute(db);
  }
  for (const c of list) {
    if (c.pushName === null) continue;
    await db
      .updateTable('contacts')
      .set({ push_name: c.pushName, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', c.contactId)
      .execute();
  }
}
