import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * PostgreSQL: contacts enter the search index once per INSERT statement instead of
 * once per row. A CSV import inserts thousands of contacts per statement; the
 * row-level trigger of 0003_inbox ran a PL/pgSQL call and a single-row insert
 * into `search_docs` for each of them, the largest part of an import's time.
 * The statement trigger reads the inserted rows from its transition table and
 * writes the same documents (same text, same rule for LID placeholders) in one
 * set-based insert. Updates keep the row trigger: they come one contact at a time.
 *
 * SQLite has no statement-level triggers; its row trigger is a plain insert already.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create function search_contact_docs_inserted() returns trigger language plpgsql as $$
    begin
      insert into search_docs (workspace_id, contact_id, body)
      select d.workspace_id, d.id, d.body from (
        select workspace_id, id,
          btrim(concat_ws(' ', name, saved_name, push_name, case when phone like 'lid:%' then null else phone end)) as body
        from inserted
      ) d where d.body <> '';
      return null;
    end $$`.execute(db);
  await sql`drop trigger contacts_search_insert on contacts`.execute(db);
  await sql`
    create trigger contacts_search_insert after insert on contacts
    referencing new table as inserted
    for each statement execute function search_contact_docs_inserted()`.execute(db);
}
