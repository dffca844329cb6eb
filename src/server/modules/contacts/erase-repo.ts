/**
 * Queries of customer data requests: everything stored about one contact, and
 * its erasure. Every query filters on the workspace.
 */
import { sql, type Kysely } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import { chunks } from '../../lib/chunks.js';

export async function conversationIdsOf(db: DbOrTx, workspaceId: string, contactId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('conversations')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map((r) => r.id);
}

export async function messagesOf(db: DbOrTx, workspaceId: string, conversationIds: readonly string[]) {
  const out = [];
  for (const part of chunks(conversationIds)) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('messages as m')
        .innerJoin('numbers as n', 'n.id', 'm.number_id')
        .leftJoin('media as f', 'f.id', 'm.media_id')
        .leftJoin('users as u', 'u.id', 'm.sender_user_id')
        .select([
          'm.id',
          'm.conversation_id',
          'n.name as number_name',
          'n.phone as number_phone',
          'm.direction',
          'm.kind',
          'm.text',
          'm.quoted_text',
          'm.payload',
          'm.status',
          'm.sent_at',
          'm.edited_at',
          'm.revoked_at',
          'u.name as sender_name',
          'f.id as media_id',
          'f.sha256 as media_sha256',
          'f.mimetype as media_mimetype',
          'f.file_name as media_file_name',
          'f.size as media_size',
          'f.state as media_state',
        ])
        .where('m.workspace_id', '=', workspaceId)
        .where('m.conversation_id', 'in', part)
        .orderBy('m.sent_at')
        .orderBy('m.id')
        .execute()),
    );
  }
  return out;
}

export async function reactionsOf(db: DbOrTx, workspaceId: string, messageIds: readonly string[]) {
  const out = [];
  for (const part of chunks(messageIds)) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('message_reactions')
        .select(['message_id', 'actor', 'emoji', 'at'])
        .where('workspace_id', '=', workspaceId)
        .where('message_id', 'in', part)
        .execute()),
    );
  }
  return out;
}

export async function notesOf(db: DbOrTx, workspaceId: string, conversationIds: readonly string[]) {
  const out = [];
  for (const part of chunks(conversationIds)) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('notes')
        .select(['id', 'conversation_id', 'author_name', 'text', 'created_at'])
        .where('workspace_id', '=', workspaceId)
        .where('conversation_id', 'in', part)
        .orderBy('id')
        .execute()),
    );
  }
  return out;
}

export async function mediaOfMessages(db: DbOrTx, workspaceId: string, conversationIds: readonly string[]) {
  const out: Array<{ id: string; sha256: string | null }> = [];
  for (const part of chunks(conversationIds)) {
    if (part.length === 0) continue;
    out.push(
      ...(await db
        .selectFrom('messages as m')
        .innerJoin('media as f', 'f.id', 'm.media_id')
        .select(['f.id', 'f.sha256'])
        .where('m.workspace_id', '=', workspaceId)
        .where('m.conversation_id', 'in', part)
        .execute()),
    );
  }
  return out;
}

export async function messageIdsOf(db: DbOrTx, workspaceId: string, conversationIds: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunks(conversationIds)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('messages')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', 'in', part)
      .execute();
    out.push(...rows.map((r) => r.id));
  }
  return out;
}

/** Deletes the rows; search index entries, reactions, notes and labels go with them by foreign-key cascade. */
export async function deleteContactData(
  db: DbOrTx,
  workspaceId: string,
  contact: { id: string; phone: string },
  conversationIds: readonly string[],
  messageIds: readonly string[],
  mediaIds: readonly string[],
): Promise<void> {
  for (const part of chunks(messageIds)) {
    if (part.length > 0) await db.deleteFrom('messages').where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
  }
  for (const part of chunks(mediaIds)) {
    if (part.length > 0) await db.deleteFrom('media').where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
  }
  for (const part of chunks(conversationIds)) {
    if (part.length > 0) await db.deleteFrom('conversations').where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
  }
  await db.deleteFrom('contacts').where('workspace_id', '=', workspaceId).where('id', '=', contact.id).execute();
  // Rejected import rows with this phone (kept for import reports).
  await db.deleteFrom('contact_import_rows').where('workspace_id', '=', workspaceId).where('phone', '=', contact.phone).execute();
  // Whether this phone is on WhatsApp (campaigns' check).
  await db.deleteFrom('whatsapp_checks').where('workspace_id', '=', workspaceId).where('phone', '=', contact.phone).execute();
}

/**
 * WhatsApp's signal sessions and LID mapping entries for this customer on the
 * workspace's numbers: keyed by their phone or LID (`<user>.<device>`,
 * `<user>_<n>.<device>`, `<lid>_reverse`). They are re-created if the customer writes again.
 */
export async function deleteWhatsAppKeysOf(db: DbOrTx, workspaceId: string, users: readonly string[]): Promise<void> {
  const numberIds = (await db.selectFrom('numbers').select('id').where('workspace_id', '=', workspaceId).execute()).map((n) => n.id);
  if (numberIds.length === 0) return;
  for (const user of users) {
    if (!/^[0-9a-z]+$/i.test(user)) continue;
    await db
      .deleteFrom('wa_auth_keys')
      .where('number_id', 'in', numberIds)
      .where((eb) =>
        eb.or([
          eb('key_id', '=', user),
          eb(sql<string>`substr(key_id, 1, ${user.length + 1})`, 'in', [`${user}.`, `${user}_`, `${user}:`]),
        ]),
      )
      .execute();
  }
}

/** Other media rows (any workspace) still using these files; the rest can leave the disk. */
export async function hashesStillUsed(db: DbOrTx, hashes: readonly string[]): Promise<Set<string>> {
  const used = new Set<string>();
  for (const part of chunks([...new Set(hashes)])) {
    if (part.length === 0) continue;
    const rows = await db.selectFrom('media').select('sha256').where('sha256', 'in', part).execute();
    for (const r of rows) if (r.sha256) used.add(r.sha256);
  }
  return used;
}

/**
 * Activity entries about the contact keep only that something happened: the
 * label and details (which may hold the phone or name) are replaced.
 */
export async function scrubActivity(
  db: DbOrTx,
  workspaceId: string,
  targetIds: readonly string[],
  needles: readonly string[],
): Promise<number> {
  const ids = new Set<string>();
  for (const part of chunks(targetIds)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('activity_log')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('target_id', 'in', part)
      .execute();
    rows.forEach((r) => ids.add(r.id));
  }
  for (const needle of needles) {
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await db
      .selectFrom('activity_log')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where((eb) =>
        eb.or([
          eb(sql<string>`lower(coalesce(target_label, ''))`, 'like', sql<string>`${pattern.toLowerCase()} escape '\\'`),
          eb(sql<string>`lower(details)`, 'like', sql<string>`${pattern.toLowerCase()} escape '\\'`),
        ]),
      )
      .execute();
    rows.forEach((r) => ids.add(r.id));
  }
  for (const part of chunks([...ids])) {
    if (part.length > 0) {
      await db
        .updateTable('activity_log')
        .set({ target_label: null, details: JSON.stringify({ erased: true }) })
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', part)
        .execute();
    }
  }
  return ids.size;
}

/**
 * SQLite keeps deleted content in free pages and in the write-ahead log until
 * they are reused. With `secure_delete` on, freed content is overwritten with
 * zeros; a truncating checkpoint then empties the log.
 */
export async function secureDeleteMode(db: DbOrTx, on: boolean): Promise<void> {
  if (isPostgres(db as unknown as Kysely<unknown>)) return;
  await sql.raw(`pragma secure_delete = ${on ? 'on' : 'off'}`).execute(db);
}

export async function checkpointLog(db: DbOrTx): Promise<void> {
  if (isPostgres(db as unknown as Kysely<unknown>)) return;
  await sql.raw('pragma wal_checkpoint(TRUNCATE)').execute(db);
}
