import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Team inbox: labels, private notes, canned replies, the indexes the inbox list
 * pages on, and the full-text search index.
 *
 * Search: `search_docs` holds one row per searchable thing (a message's text,
 * caption and document name; a contact's names and phone), kept current by
 * triggers on `messages` and `contacts`, and removed by foreign-key cascade when
 * the message, contact or workspace goes (erased means erased, PRODUCT §10).
 * SQLite indexes it with an external-content FTS5 table (`search_fts`, its rowid
 * is `search_docs.id`, an INTEGER PRIMARY KEY so VACUUM never renumbers it);
 * PostgreSQL with a generated `tsvector` column and a GIN index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);

  await db.schema
    .createTable('labels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('labels_workspace_name', ['workspace_id', 'name'])
    .execute();

  await db.schema
    .createTable('conversation_labels')
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('label_id', 'text', (c) => c.notNull().references('labels.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('conversation_labels_pk', ['conversation_id', 'label_id'])
    .execute();
  await db.schema.createIndex('conversation_labels_label').on('conversation_labels').columns(['label_id', 'conversation_id']).execute();

  await db.schema
    .createTable('notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('author_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    /** Name at the time of writing, so the note still reads after the author leaves. */
    .addColumn('author_name', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notes_conversation').on('notes').columns(['conversation_id', 'id']).execute();

  await db.schema
    .createTable('canned_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('shortcut', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('canned_replies_workspace_shortcut', ['workspace_id', 'shortcut'])
    .execute();

  // The inbox list: newest activity first under each common filter (keyset pages on (last_message_at, id)).
  await db.schema
    .createIndex('conversations_inbox_status')
    .on('conversations')
    .columns(['workspace_id', 'status', 'last_message_at', 'id'])
    .execute();
  await db.schema
    .createIndex('conversations_inbox_assignee')
    .on('conversations')
    .columns(['workspace_id', 'assignee_user_id', 'last_message_at', 'id'])
    .execute();
  await db.schema
    .createIndex('conversations_inbox_number')
    .on('conversations')
    .columns(['workspace_id', 'number_id', 'last_message_at', 'id'])
    .execute();
  await db.schema
    .createIndex('conversations_inbox_waiting')
    .on('conversations')
    .columns(['workspace_id', 'last_message_at', 'id'])
    .where(sql.ref('waiting_since'), 'is not', null)
    .execute();

  if (pg) {
    await sql`
      create table search_docs (
        id bigint generated always as identity primary key,
        workspace_id text not null references workspaces(id) on delete cascade,
        conversation_id text,
        message_id text unique references messages(id) on delete cascade,
        contact_id text unique references contacts(id) on delete cascade,
        body text not null,
        tsv tsvector generated always as (to_tsvector('simple', body)) stored
      )`.execute(db);
    await sql`create index search_docs_tsv on search_docs using gin (tsv)`.execute(db);
    await sql`create index search_docs_workspace on search_docs (workspace_id, id)`.execute(db);

    await sql`
      create function search_message_doc() returns trigger language plpgsql as $$
      declare doc text;
      begin
        if tg_op = 'UPDATE' then
          delete from search_docs where message_id = new.id;
        end if;
        if new.revoked_at is null then
          doc := btrim(coalesce(new.text, '') || ' ' || coalesce((select file_name from media where id = new.media_id), ''));
          if doc <> '' then
            insert into search_docs (workspace_id, conversation_id, message_id, body)
            values (new.workspace_id, new.conversation_id, new.id, doc);
          end if;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger messages_search_insert after insert on messages for each row execute function search_message_doc()`.execute(
      db,
    );
    await sql`
      create trigger messages_search_update after update of text, media_id, revoked_at, conversation_id on messages
      for each row execute function search_message_doc()`.execute(db);

    await sql`
      create function search_contact_doc() returns trigger language plpgsql as $$
      declare doc text;
      begin
        if tg_op = 'UPDATE' then
          delete from search_docs where contact_id = new.id;
        end if;
        doc := btrim(concat_ws(' ', new.name, new.saved_name, new.push_name, case when new.phone like 'lid:%' then null else new.phone end));
        if doc <> '' then
          insert into search_docs (workspace_id, contact_id, body) values (new.workspace_id, new.id, doc);
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger contacts_search_insert after insert on contacts for each row execute function search_contact_doc()`.execute(
      db,
    );
    await sql`
      create trigger contacts_search_update after update of name, saved_name, push_name, phone on contacts
      for each row execute function search_contact_doc()`.execute(db);
    await backfill(db);
    return;
  }

  await sql`
    create table search_docs (
      id integer primary key,
      workspace_id text not null references workspaces(id) on delete cascade,
      conversation_id text,
      message_id text unique references messages(id) on delete cascade,
      contact_id text unique references contacts(id) on delete cascade,
      body text not null
    )`.execute(db);
  // The workspace id is indexed as a token of its own column, so a search is
  // narrowed to one workspace inside FTS5 rather than by filtering its hits.
  await sql`
    create virtual table search_fts using fts5(
      workspace_id, body, content = 'search_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`
    create trigger search_docs_ai after insert on search_docs begin
      insert into search_fts (rowid, workspace_id, body) values (new.id, new.workspace_id, new.body);
    end`.execute(db);
  await sql`
    create trigger search_docs_ad after delete on search_docs begin
      insert into search_fts (search_fts, rowid, workspace_id, body) values ('delete', old.id, old.workspace_id, old.body);
    end`.execute(db);
  await sql`
    create trigger search_docs_au after update on search_docs begin
      insert into search_fts (search_fts, rowid, workspace_id, body) values ('delete', old.id, old.workspace_id, old.body);
      insert into search_fts (rowid, workspace_id, body) values (new.id, new.workspace_id, new.body);
    end`.execute(db);

  const messageDoc = sql`trim(coalesce(new.text, '') || ' ' || coalesce((select file_name from media where id = new.media_id), ''))`;
  await sql`
    create trigger messages_search_ai after insert on messages when new.revoked_at is null begin
      insert into search_docs (workspace_id, conversation_id, message_id, body)
      select new.workspace_id, new.conversation_id, new.id, d.body from (select ${messageDoc} as body) d where d.body <> '';
    end`.execute(db);
  await sql`
    create trigger messages_search_au after update of text, media_id, revoked_at, conversation_id on messages begin
      delete from search_docs where message_id = new.id;
      insert into search_docs (workspace_id, conversation_id, message_id, body)
      select new.workspace_id, new.conversation_id, new.id, d.body from (select ${messageDoc} as body) d
      where d.body <> '' and new.revoked_at is null;
    end`.execute(db);

  const contactDoc = sql`trim(coalesce(new.name, '') || ' ' || coalesce(new.saved_name, '') || ' ' || coalesce(new.push_name, '') || ' ' ||
    case when new.phone like 'lid:%' then '' else new.phone end)`;
  await sql`
    create trigger contacts_search_ai after insert on contacts begin
      insert into search_docs (workspace_id, contact_id, body)
      select new.workspace_id, new.id, d.body from (select ${contactDoc} as body) d where d.body <> '';
    end`.execute(db);
  await sql`
    create trigger contacts_search_au after update of name, saved_name, push_name, phone on contacts begin
      delete from search_docs where contact_id = new.id;
      insert into search_docs (workspace_id, contact_id, body)
      select new.workspace_id, new.id, d.body from (select ${contactDoc} as body) d where d.body <> '';
    end`.execute(db);
  await backfill(db);
}

/** Rows written before this migration enter the index once; triggers keep it current from here on. */
async function backfill(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into search_docs (workspace_id, conversation_id, message_id, body)
    select d.workspace_id, d.conversation_id, d.id, d.body from (
      select m.workspace_id, m.conversation_id, m.id, trim(coalesce(m.text, '') || ' ' || coalesce(f.file_name, '')) as body
      from messages m left join media f on f.id = m.media_id
      where m.revoked_at is null
    ) d where d.body <> ''`.execute(db);
  await sql`
    insert into search_docs (workspace_id, contact_id, body)
    select d.workspace_id, d.id, d.body from (
      select c.workspace_id, c.id, trim(coalesce(c.name, '') || ' ' || coalesce(c.saved_name, '') || ' ' || coalesce(c.push_name, '') || ' ' ||
        case when c.phone like 'lid:%' then '' else c.phone end) as body
      from contacts c
    ) d where d.body <> ''`.execute(db);
}
