import { sql, type Kysely } from 'kysely';

/**
 * Uploaded media: files attached in the composer or a campaign are media rows
 * before any message uses them. Maintenance deletes the ones never used, which
 * asks "does any message use this file?" per row — and a media row's delete
 * (ON DELETE SET NULL on messages.media_id) asks the same on PostgreSQL.
 * Partial: text messages, most of them, cost ingest no index write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('messages_media').on('messages').column('media_id').where(sql.ref('media_id'), 'is not', null).execute();
  await db.schema.createIndex('media_created').on('media').column('created_at').execute();
}
