import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Cheaper ingest writes.
 *
 * Two conversation indexes go. Every new message moves its conversation's
 * `last_message_at`, so each inbox index that carries it is rewritten at a
 * random place per conversation per batch; on SQLite they were half of the
 * pages an ingest batch wrote.
 * - `conversations_inbox_number`: a workspace has a handful of numbers, so the
 *   number filter walks the status (or plain inbox) index newest first and
 *   skips the other numbers' rows, a few per hit;
 * - `conversations_inbox_waiting` (partial): the waiting filter walks the inbox
 *   index newest first, and the newest conversations are the ones waiting.
 * The status and assignee indexes stay (one status, or one agent's own
 * conversations, can be a tiny share of a large inbox).
 *
 * PostgreSQL: new messages enter the search index once per INSERT statement
 * instead of once per row (a PL/pgSQL call and a one-row insert each). The
 * statement trigger reads the inserted rows from its transition table and
 * writes the same documents (text and document name, nothing for a revoked
 * message or an empty body), numbered in the order the rows were inserted, as
 * the row trigger did (search lists newest document first). Updates keep the row trigger of 0003_inbox: edits
 * and deletes come one message at a time. SQLite has no statement triggers;
 * its row trigger is a plain insert already.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists conversations_inbox_number`.execute(db);
  await sql`drop index if exists conversations_inbox_waiting`.execute(db);
  if (!isPostgres(db)) return;
  await sql`
    create function search_message_docs_inserted() returns trigger language plpgsql as $$
    begin
      insert into search_docs (workspace_id, conversation_id, message_id, body)
      select d.workspace_id, d.conversation_id, d.id, d.body from (
        select m.workspace_id, m.conversation_id, m.id, m.n,
          btrim(coalesce(m.text, '') || ' ' || coalesce(f.file_name, '')) as body
        from (select i.*, row_number() over () as n from inserted i) m left join media f on f.id = m.media_id
        where m.revoked_at is null
      ) d where d.body <> ''
      order by d.n;
      return null;
    end $$`.execute(db);
  await sql`drop trigger messages_search_insert on messages`.execute(db);
  await sql`
    create trigger messages_search_insert after insert on messages
    referencing new table as inserted
    for each statement execute function search_message_docs_inserted()`.execute(db);
}
