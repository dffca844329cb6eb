import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Contacts (PRODUCT §6, §8): labels on contacts, custom field definitions,
 * opt-out settings and history, CSV imports (a staging table, so an import
 * either lands whole or not at all), and the indexes the contact list pages on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);

  // Labels are the inbox's `labels`; a contact carries them like a conversation does.
  await db.schema
    .createTable('contact_labels')
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('label_id', 'text', (c) => c.notNull().references('labels.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('contact_labels_pk', ['contact_id', 'label_id'])
    .execute();
  await db.schema.createIndex('contact_labels_label').on('contact_labels').columns(['label_id', 'contact_id']).execute();

  await db.schema
    .createTable('contact_fields')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** Stable key the values are stored under in `contacts.custom_fields`. */
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    /** text | number | date | choice */
    .addColumn('type', 'text', (c) => c.notNull())
    /** JSON array of the allowed values of a `choice` field. */
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('contact_fields_workspace_key', ['workspace_id', 'key'])
    .execute();

  // One row per workspace once changed; no row means the defaults.
  await db.schema
    .createTable('opt_out_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('opt_out_keywords', 'text', (c) => c.notNull())
    .addColumn('opt_in_keywords', 'text', (c) => c.notNull())
    .addColumn('opt_out_reply_enabled', 'integer', (c) => c.notNull())
    .addColumn('opt_out_reply', 'text', (c) => c.notNull())
    .addColumn('opt_in_reply_enabled', 'integer', (c) => c.notNull())
    .addColumn('opt_in_reply', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Every opt-out and opt-in with its source; erased with the contact.
  await db.schema
    .createTable('opt_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('opted_out', 'integer', (c) => c.notNull())
    /** keyword | agent | import | api */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('message_id', 'text', (c) => c.references('messages.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('opt_events_contact').on('opt_events').columns(['workspace_id', 'contact_id', 'id']).execute();

  await db.schema
    .createTable('contact_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('file_name', 'text')
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('delimiter', 'text', (c) => c.notNull())
    /** JSON: header names, first rows (shown on the mapping screen), the mapping used. */
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text')
    /** uploaded → running → done | failed */
    .addColumn('status', 'text', (c) => c.notNull())
    /** Rows read so far, and how far into the file (the UI shows bytes_read / size). */
    .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('merged_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('contact_imports_workspace').on('contact_imports').columns(['workspace_id', 'id']).execute();

  // Parsed rows of one import: accepted rows wait here until the commit applies them in one
  // transaction (then they go); rejected rows stay for the report.
  await db.schema
    .createTable('contact_import_rows')
    .addColumn('import_id', 'text', (c) => c.notNull().references('contact_imports.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('name', 'text')
    .addColumn('notes', 'text')
    /** JSON array of label names. */
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
    /** JSON object of field key → value. */
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
    /** 1 / 0 from an opt-out column; null when the file does not say. */
    .addColumn('opted_out', 'integer')
    /** Null for an accepted row; why it was rejected otherwise. */
    .addColumn('error', 'text')
    /** JSON array of the row's cells as read, for the rejected-rows report. */
    .addColumn('raw', 'text')
    .addPrimaryKeyConstraint('contact_import_rows_pk', ['import_id', 'line'])
    .execute();
  await db.schema.createIndex('contact_import_rows_phone').on('contact_import_rows').columns(['import_id', 'phone']).execute();

  // The contact list: keyset pages per sort order.
  await db.schema.createIndex('contacts_workspace_id').on('contacts').columns(['workspace_id', 'id']).execute();
  await sql`create index contacts_by_name on contacts (workspace_id, (lower(coalesce(name, saved_name, push_name, phone))), id)`.execute(
    db,
  );
  await sql`create index contacts_by_seen on contacts (workspace_id, (coalesce(last_seen_at, 0)), id)`.execute(db);
  await db.schema.createIndex('contacts_opted_out').on('contacts').columns(['workspace_id', 'opted_out', 'id']).execute();

  if (!pg) {
    // Erased means erased: FTS5 normally leaves deleted tokens in its b-tree until a merge;
    // secure-delete removes them at once (SQLite 3.42+).
    await sql`insert into search_fts (search_fts, rank) values ('secure-delete', 1)`.execute(db);
  }
}
